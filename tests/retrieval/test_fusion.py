"""Reciprocal rank fusion: the formula, agreement between retrievers, determinism, the limit."""

from __future__ import annotations

import pytest

from ipqa.retrieval.fusion import rrf


def test_scores_follow_the_formula():
    fused = rrf({"bm25": [(7, 12.0), (3, 9.0)], "dense": [(3, 0.8)]}, k=60)
    by_row = {f.row: f for f in fused}
    assert by_row[3].score == pytest.approx(1 / 62 + 1 / 61)
    assert by_row[7].score == pytest.approx(1 / 61)
    assert by_row[3].retrievers["bm25"].rank == 2 and by_row[3].retrievers["dense"].score == pytest.approx(0.8)
    assert "dense" not in by_row[7].retrievers


def test_found_by_both_beats_top_of_one():
    fused = rrf({"bm25": [(1, 5.0), (2, 4.0), (3, 3.0)], "dense": [(4, 0.9), (3, 0.8), (2, 0.7)]})
    # rows 2 and 3 were found by both (fused 1/62 + 1/63 each); rows 1 and 4 only top one list (1/61).
    assert [f.row for f in fused] == [2, 3, 1, 4]


def test_single_retriever_keeps_its_order():
    ranked = [(5, 3.0), (1, 2.0), (9, 1.0)]
    assert [f.row for f in rrf({"bm25": ranked})] == [5, 1, 9]


def test_ties_break_deterministically_and_limit_cuts():
    fused = rrf({"a": [(4, 1.0), (8, 0.5)], "b": [(8, 1.0), (4, 0.5)]}, limit=1)
    assert len(fused) == 1 and fused[0].row == 4  # equal fused score and best rank: lower row id first


def test_empty_input_gives_nothing():
    assert rrf({}) == [] and rrf({"bm25": []}) == []


def test_weighted_rrf_scales_each_share_and_weight_zero_leaves_the_others_alone():
    from ipqa.retrieval.fusion import rrf

    ranked = {"bm25": [(1, 9.0), (2, 8.0)], "dense": [(2, 0.9), (3, 0.8)]}
    alone = [f.row for f in rrf({"bm25": ranked["bm25"]})]
    assert [f.row for f in rrf(ranked, weights={"dense": 0.0})] == alone
    assert all("dense" not in f.retrievers for f in rrf(ranked, weights={"dense": 0.0}))
    half = {f.row: f.score for f in rrf(ranked, weights={"dense": 0.5})}
    assert half[2] == 1 / 62 + 0.5 / 61 and half[3] == 0.5 / 62
