"""Fusing ranked lists from several retrievers: pure functions over ``(row, score)`` lists, best first."""

from __future__ import annotations

from dataclasses import dataclass, field

from ipqa.records import RetrieverScore


@dataclass(frozen=True)
class Fused:
    """One fused candidate: its row, fused score and each retriever's 1-based rank and raw score."""

    row: int
    score: float
    retrievers: dict[str, RetrieverScore] = field(default_factory=dict)


def rrf(
    ranked: dict[str, list[tuple[int, float]]],
    k: int = 60,
    limit: int | None = None,
    weights: dict[str, float] | None = None,
) -> list[Fused]:
    """Reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009): ``score(d) = Σ 1 / (k + rank_r(d))``.

    Only ranks are used, so BM25 scores (unbounded) and cosine similarities (in [-1, 1]) need no calibration.
    k = 60 is the value Cormack et al. found robust across TREC collections: it damps the difference between
    rank 1 and rank 2 enough that a document found by both retrievers at moderate ranks beats one found at the
    top of only one, without letting the long tail matter. With a single retriever the order is that
    retriever's order. Ties break on the best single rank, then on the row id, so output is deterministic.

    ``weights`` (default 1 each) scale each retriever's share: ``Σ w_r / (k + rank_r(d))``. A retriever of weight
    0 takes no part at all, so the result is then exactly the others' (``Settings.dense_weight``: a weak model
    must leave BM25 as it is; benchmarks/tune_fusion.py picks the weight).
    """
    weights = weights or {}
    ranked = {name: hits for name, hits in ranked.items() if weights.get(name, 1.0) > 0}
    fused: dict[int, float] = {}
    best: dict[int, int] = {}
    detail: dict[int, dict[str, RetrieverScore]] = {}
    for name, hits in ranked.items():
        for rank, (row, score) in enumerate(hits, start=1):
            fused[row] = fused.get(row, 0.0) + weights.get(name, 1.0) / (k + rank)
            best[row] = min(best.get(row, rank), rank)
            detail.setdefault(row, {})[name] = RetrieverScore(rank=rank, score=float(score))
    order = sorted(fused, key=lambda row: (-fused[row], best[row], row))
    if limit is not None:
        order = order[:limit]
    return [Fused(row=row, score=fused[row], retrievers=detail[row]) for row in order]
