"""Tuning the semantic retriever's RRF weight (benchmarks/tune_fusion.py) with the tiny random-weight model: a weak
model must leave BM25 as it is, the chosen weight is saved and a rebuild with the same model keeps it."""

from __future__ import annotations

from dataclasses import replace

from benchmarks import tune_fusion
from ipqa.evaluation.evaluate import Question
from ipqa.index.build import build_index
from ipqa.index.manifest import read_manifest
from ipqa.index.searcher import Index
from ipqa.settings import Settings
from tests.helpers.paths import CORPUS

QUESTIONS = [  # quotes from the seeds in corpus/ (they ship with the repo)
    Question("t1", "谁负责知识产权质押融资？", "who", ("深化知识产权质押融资",)),
    Question(
        "t2", "泰安市到2025年有效发明专利要达到多少件？", "number", ("到2025年年末全市有效发明专利达到3300件以上",)
    ),
    Question("t3", "邹城市设立知识产权强县建设工作专班", "fact", ("建立以市长为组长",)),
]


def _rows(index, question, weight):
    index.settings = replace(index.settings, dense_weight=weight)
    return [h.clause.clause_id for h in index.search(question, k=10).hits]


def test_a_weak_model_gets_a_weight_that_never_ranks_below_bm25(tmp_path, tiny_model_dir):
    folder = tmp_path / "index"
    build_index([CORPUS], folder, Settings(model=str(tiny_model_dir)))
    index = Index.load(folder)
    assert not index.dense_status  # the vectors are complete: search is hybrid
    chosen, table = tune_fusion.tune(index, {"t": QUESTIONS})
    figures = dict(table)
    assert figures[chosen]["t"]["mrr@10"] >= figures[0.0]["t"]["mrr@10"]
    # weight 0: exactly the order of a keyword-only index over the same corpus
    keyword_dir = tmp_path / "keyword"
    build_index([CORPUS], keyword_dir, Settings(model=""))
    keyword = Index.load(keyword_dir)
    for q in QUESTIONS:
        assert _rows(index, q.question, 0.0) == [h.clause.clause_id for h in keyword.search(q.question, k=10).hits]
    assert _rows(index, QUESTIONS[0].question, 1.0) != _rows(index, QUESTIONS[0].question, 0.0)  # fusion is on


def test_the_written_weight_survives_a_rebuild_with_the_same_model(tmp_path, tiny_model_dir, monkeypatch):
    folder = tmp_path / "index"
    build_index([CORPUS], folder, Settings(model=str(tiny_model_dir)))
    monkeypatch.setattr(tune_fusion, "tune", lambda index, sets, weights=(): (0.25, []))
    assert tune_fusion.main(["--index", str(folder), "--qa", "--write"]) == 0
    assert read_manifest(folder).settings.dense_weight == 0.25
    build_index([CORPUS], folder, Settings(model=str(tiny_model_dir)))  # a rebuild, default settings
    assert Index.load(folder).settings.dense_weight == 0.25
    build_index([CORPUS], folder, Settings(model=""))  # another model: its own default
    assert Index.load(folder).settings.dense_weight == 1.0
