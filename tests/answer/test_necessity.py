"""Term necessity: everyday wording weighs less than subject words in the answer gate."""

from __future__ import annotations

import json
from importlib import resources

from ipqa.answer.gate import term_necessity, weigh
from ipqa.answer.necessity import features, necessity


def test_the_shipped_model_has_one_coefficient_per_feature_and_says_how_it_was_fitted():
    record = json.loads((resources.files("ipqa") / "data" / "necessity.json").read_text(encoding="utf-8"))
    assert len(record["coefficients"]) == len(features(5.0, 1000, 10, False, 2))
    assert "benchmarks.fit_necessity" in record["command"] and record["fitted_on"]


def test_a_domain_term_of_middling_rarity_is_more_necessary_than_a_common_everyday_word():
    rows = 150_000
    # 质押融资: an IP word, in jieba's dictionary rarely, a few hundred clauses hold it
    term = necessity(7.5, rows, 0, True, 4)
    # 拿到: common in general Chinese, almost no clause of a legal corpus uses it
    everyday = necessity(11.5, rows, 1464, False, 2)
    assert 0.0 < everyday < term < 1.0
    assert term > 0.5 > everyday


def test_the_rarest_words_of_a_corpus_are_less_necessary_than_middling_ones():
    rows = 150_000
    assert necessity(11.9, rows, 100, False, 2) < necessity(6.0, rows, 100, False, 2)


def test_the_gate_discounts_everyday_words_but_not_years():
    class Bm25:  # a keyword retriever: its corpus statistics are all the gate reads
        def __len__(self):
            return 150_000

        def idf(self, term):
            return {"拿到": 11.5, "发明专利": 6.0, "2025": 5.0}.get(term)

    class FakeIndex:
        def __init__(self):
            self.retrievers = {"bm25": Bm25()}

    topic = weigh(FakeIndex(), ["拿到", "发明专利", "2025"])
    assert topic.weights["拿到"] < topic.weights["发明专利"]
    assert topic.weights["2025"] == 10.0  # a year keeps its doubled idf: it pins what is asked
    assert term_necessity("拿到", 11.5, 150_000) < term_necessity("发明专利", 6.0, 150_000)
