"""benchmarks/tune_bm25.py rescores an index for other BM25 settings with its own sparse-matrix BM25; at the
index's own settings it must rank exactly as the product's retriever does, or its figures mean nothing."""

from __future__ import annotations

import numpy as np

from benchmarks.tune_bm25 import Study, rankings
from ipqa.evaluation.evaluate import Question

QUESTIONS = ["谁负责知识产权质押融资？", "专利导航", "用专利向银行申请贷款", "地理标志保护工程", "商标侵权案件查处"]


def test_tuner_ranks_as_the_index_does_at_its_own_settings(seed_bm25_index):
    index = seed_bm25_index
    s = index.settings
    study = Study(index.folder)
    questions = [Question(id=str(i), question=q, type="", relevant=()) for i, q in enumerate(QUESTIONS)]
    mats = {"clause": study.matrix("clause", s.bm25_k1, s.bm25_b)}
    tuned = rankings(study, questions, mats, s.query_expansion, 0.0, 0.0)
    row = {c.clause_id: i for i, c in enumerate(index.clauses)}
    for q, rows in zip(QUESTIONS, tuned):
        served = [row[h.clause.clause_id] for h in index.search(q, k=10).hits]
        assert rows == served, q


def test_tuner_scores_equal_the_lexical_scores(seed_bm25_index):
    from ipqa.retrieval.expansion import expand
    from ipqa.retrieval.tokens import tokenize

    index = seed_bm25_index
    s = index.settings
    study = Study(index.folder)
    lexical = index.retrievers["bm25"].lexical
    matrix = study.matrix("clause", s.bm25_k1, s.bm25_b)
    for q in QUESTIONS:
        weights = study.queries([Question(id="q", question=q, type="", relevant=())], s.query_expansion)
        mine = (matrix @ weights).toarray()[:, 0]
        served = lexical.scores(tokenize(q, s.tokenizer), expand(q, weight=s.query_expansion))
        np.testing.assert_allclose(mine, served, rtol=1e-4, atol=1e-5)
