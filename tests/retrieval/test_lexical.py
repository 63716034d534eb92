"""BM25 via bm25s: scores agree with rank_bm25 (the oracle), filters apply before the cut, files round-trip."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from ipqa.retrieval.lexical import Lexical
from ipqa.retrieval.tokens import tokenize

K1, B = 1.5, 0.75

CORPUS = [
    "深化知识产权质押融资，加强与金融机构合作，扩大知识产权质押贷款规模。",
    "加大植物新品种保护行政执法力度，严厉打击侵权假冒行为。",
    "强县建设工作专班办公室设在市市场监管局，负责日常工作。",
    "到2025年年末全市有效发明专利达到3300件以上。",
    "由多个部门负责的，列第一位的部门为牵头部门。",
    "鼓励银行机构扩大知识产权质押贷款规模，落实专利权质押贴息政策。",
    "重点打击无资质“黑代理”行为，规范专利代理行业秩序。",
    "开展专利导航，培育高价值专利，推动专利转化运用。",
    "推行双随机一公开监管，加强知识产权信用监管。",
    "知识产权维权援助中心为企业提供快速维权服务。",
]


class LuceneIdfOkapi(BM25Okapi):
    """rank_bm25's Okapi scoring with the Lucene idf log(1 + (N−df+0.5)/(df+0.5)) that ipqa.retrieval.lexical uses;
    rank_bm25's own idf differs only for terms in more than half the documents (where it substitutes epsilon)."""

    def _calc_idf(self, nd):
        for word, freq in nd.items():
            self.idf[word] = math.log(1 + (self.corpus_size - freq + 0.5) / (freq + 0.5))


def _random_corpus(seed: int, docs: int = 60) -> list[list[str]]:
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(40)]
    # Zipf-ish draws so some terms occur in most documents (exercising the idf difference) and some in few.
    weights = [1 / (i + 1) for i in range(len(vocab))]
    return [rng.choices(vocab, weights, k=rng.randint(1, 30)) for _ in range(docs)]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_scores_agree_with_rank_bm25_on_every_document(seed):
    corpus = _random_corpus(seed)
    lexical, oracle = Lexical.build(corpus, K1, B), LuceneIdfOkapi(corpus, k1=K1, b=B)
    rng = random.Random(100 + seed)
    for _ in range(20):
        query = rng.sample([f"w{i}" for i in range(45)], k=rng.randint(1, 5))  # w40+ are unknown terms
        np.testing.assert_allclose(lexical.scores(query), oracle.get_scores(query), rtol=1e-5, atol=1e-5)


def test_scores_agree_with_plain_okapi_when_no_term_is_in_half_the_documents():
    corpus = [tokenize(t) for t in CORPUS]
    lexical, oracle = Lexical.build(corpus, K1, B), BM25Okapi(corpus, k1=K1, b=B)
    for question in ("谁负责知识产权质押融资", "有效发明专利达到多少件", "如何打击黑代理"):
        query = tokenize(question)
        # With df ≤ N/2 for every query term, Lucene idf = log(1 + x) and Okapi idf = log(x) differ, but ranks agree.
        assert (
            np.argsort(-lexical.scores(query), kind="stable")[:3].tolist()
            == np.argsort(-np.asarray(oracle.get_scores(query)), kind="stable")[:3].tolist()
        )


def test_search_ranks_the_matching_clause_first():
    lexical = Lexical.build([tokenize(t) for t in CORPUS], K1, B)
    assert lexical.search(tokenize("办公室设在哪里？"), 3)[0][0] == 2
    assert lexical.search(tokenize("黑代理"), 3)[0][0] == 6


def test_filter_applies_before_the_cut():
    lexical = Lexical.build([tokenize(t) for t in CORPUS], K1, B)
    query = tokenize("知识产权质押贷款")
    unfiltered = [row for row, _ in lexical.search(query, 1)]
    assert unfiltered and unfiltered[0] in (0, 5)
    allowed = np.asarray([5, 9], dtype=np.int64)
    hits = lexical.search(query, 1, allowed)
    assert [row for row, _ in hits] == [5]  # the best allowed row, even though row 0 outranks it overall
    assert all(row in (5, 9) for row, _ in lexical.search(query, 10, allowed))


def test_unknown_and_empty_queries_give_no_hits():
    lexical = Lexical.build([tokenize(t) for t in CORPUS], K1, B)
    assert lexical.search([], 5) == []
    assert lexical.search(["zzz-unknown"], 5) == []


def test_save_and_memory_mapped_load_keep_the_scores(tmp_path):
    corpus = [tokenize(t) for t in CORPUS]
    built = Lexical.build(corpus, K1, B)
    files = built.save(tmp_path)
    assert files and all(f.startswith("bm25/") and not f.endswith((".pkl", ".pickle")) for f in files)
    loaded = Lexical.load(tmp_path)
    query = tokenize("专利导航 高价值专利")
    np.testing.assert_allclose(loaded.scores(query), built.scores(query), rtol=1e-6)
    assert loaded.search(query, 3) == built.search(query, 3)


def test_an_empty_corpus_builds_and_finds_nothing():
    assert Lexical.build([], K1, B).search(["专利"], 5) == []
    both_empty = Lexical.build([[], []], K1, B)
    assert len(both_empty) == 2 and both_empty.search(["专利"], 5) == []


def test_a_clause_without_tokens_never_matches():
    lexical = Lexical.build([[], ["专利", "导航"], []], K1, B)
    assert [row for row, _ in lexical.search(["专利"], 5)] == [1]
