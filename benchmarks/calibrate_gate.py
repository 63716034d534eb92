"""Fit the relevance gate's threshold (ipqa.answer.gate.MIN_RELEVANCE) on calibration questions only.

    python -m benchmarks.calibrate_gate --index IDX eval/everyday_calib.jsonl ../shared/eval/seed_dev.jsonl

For every question it records the best topic coverage ask() sees (questions decided before the threshold — a
place the corpus lacks, a topic the corpus does not know — are left out), then prints, per threshold, the share of
answerable questions answered and of unanswerable ones refused, and the threshold with the best balanced rate
(ties: the higher threshold, since a wrong answer under a real citation is worse than a refusal).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from ipqa.answer.pipeline import ask
from ipqa.evaluation.evaluate import read_questions
from ipqa.index.searcher import Index
from tests.helpers.off_topic import OFF_TOPIC


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("qa", nargs="+", type=Path)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--no-off-topic", action="store_true", help="Leave out the built-in off-topic questions.")
    args = parser.parse_args()
    index = Index.load(args.index)
    items = [(q.question, q.answerable) for path in args.qa for q in read_questions(path)]
    if not args.no_off_topic:
        items += [(q, False) for q in OFF_TOPIC]
    groups: dict[bool, tuple[list, list]] = {True: ([], []), False: ([], [])}
    for question, answerable in items:
        probe: dict = {"all": True}
        ask(index, question, min_relevance=0.0, probe=probe)
        if "coverage" in probe and not probe["unknown"]:
            groups[probe["narrowed"]][0 if answerable else 1].append(probe["coverage"])
    for narrowed, (pos, neg) in groups.items():
        print("questions narrowed to a place's documents:" if narrowed else "questions naming no place of the corpus:")
        _fit(np.asarray(pos), np.asarray(neg))


def _fit(pos: np.ndarray, neg: np.ndarray) -> None:
    print(f"{len(pos)} answerable, {len(neg)} unanswerable reached the gate")
    best = None
    for t in np.arange(0.30, 0.91, 0.025):
        answered = float((pos >= t).mean()) if len(pos) else 0.0
        refused = float((neg < t).mean()) if len(neg) else 1.0
        balanced = (answered + refused) / 2
        print(f"  threshold {t:.3f}: answerable answered {answered:.3f}, unanswerable refused {refused:.3f}")
        if best is None or balanced >= best[0]:
            best = (balanced, t)
    print(f"best balanced rate {best[0]:.3f} at threshold {best[1]:.3f}")


if __name__ == "__main__":
    main()
