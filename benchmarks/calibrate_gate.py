"""Fit the relevance gate's thresholds (ipqa.answer.gate.MIN_OPEN, MIN_NARROWED) on calibration questions only.

    python -m benchmarks.calibrate_gate --index IDX eval/everyday_calib.jsonl eval/everyday2.jsonl \\
        ../shared/eval/seed_dev.jsonl [--off-topic]

Every question is answered with the gate open (threshold 0), and the best topic coverage ask() saw is recorded
(questions decided before the threshold — a place the corpus lacks, a topic the corpus does not know — are left
out). A question is one the gate should let through when that answer is right: it contains every
``answer_contains`` string, or, for a question without one, its first citation is a gold clause. Every other
question — unanswerable, or answered wrongly — is one the gate should stop, because a wrong answer under a real
citation is worse than a refusal. Per threshold the script prints both rates and picks the one with the best
balanced rate (ties: the higher threshold). ``--off-topic`` adds the built-in off-topic questions as ones to
stop: right for a corpus of IP policies only, wrong over lawrefbook, where a statute answers 如何办理护照.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from ipqa.answer.pipeline import ask
from ipqa.evaluation.evaluate import Question, answer_correct, judge, read_questions
from ipqa.index.searcher import Index
from tests.helpers.off_topic import OFF_TOPIC


def answer_is_right(question: Question, answer) -> bool:
    if not question.answerable or not answer.answered:
        return False
    if question.answer_contains:
        return answer_correct(question, answer.text)
    flags, _ = judge(question, [c.quote for c in answer.citations[:1]])
    return bool(flags and flags[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("qa", nargs="+", type=Path)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--off-topic", action="store_true", help="Add the built-in off-topic questions.")
    args = parser.parse_args()
    index = Index.load(args.index)
    questions = [q for path in args.qa for q in read_questions(path)]
    if args.off_topic:
        questions += [Question(f"off{i}", text, "", (), (), False) for i, text in enumerate(OFF_TOPIC)]
    groups: dict[bool, tuple[list, list]] = {True: ([], []), False: ([], [])}
    for question in questions:
        probe: dict = {"all": True}
        answer = ask(index, question.question, min_relevance=0.0, probe=probe)
        if "coverage" in probe and not probe["unknown"]:
            groups[probe["narrowed"]][0 if answer_is_right(question, answer) else 1].append(probe["coverage"])
    for narrowed, (good, bad) in groups.items():
        print("questions narrowed to a place's documents:" if narrowed else "questions naming no place of the corpus:")
        _fit(np.asarray(good), np.asarray(bad))


def _fit(good: np.ndarray, bad: np.ndarray) -> None:
    print(f"{len(good)} answered right, {len(bad)} unanswerable or answered wrongly reached the gate")
    best = None
    for t in np.arange(0.20, 0.91, 0.025):
        passed = float((good >= t).mean()) if len(good) else 0.0
        stopped = float((bad < t).mean()) if len(bad) else 1.0
        balanced = (passed + stopped) / 2
        print(f"  threshold {t:.3f}: right answers let through {passed:.3f}, others stopped {stopped:.3f}")
        if best is None or balanced >= best[0]:
            best = (balanced, t)
    print(f"best balanced rate {best[0]:.3f} at threshold {best[1]:.3f}")


if __name__ == "__main__":
    main()
