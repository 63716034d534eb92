"""Evaluation: read a QA file, judge retrieved clauses with the quote rule of ../shared/eval/README.md, compute
hit@1/5/10, MRR@10, quote recall@10 and answer accuracy (overall and per question type), write a run file.

Relevance rule: after :func:`ipqa.text.compact` (NFKC, t2s, no whitespace, no leading 第X条) a retrieved text is
relevant to a quote when the first 24 characters of one lie inside the other. It depends on the quoted words
only, never on how a chunker numbers or cuts clauses, so two systems with different clauses compare fairly.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ipqa.answer.pipeline import ask
from ipqa.jsonio import write_jsonl
from ipqa.text import compact
from ipqa.views.terminal import hit_dict

PREFIX = 24
CUTS = (1, 5, 10)


class QAFileError(Exception):
    """The QA file cannot be read; ``str(exc)`` names the file, the line and what is wrong."""


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    type: str
    relevant: tuple[str, ...]
    answer_contains: tuple[str, ...] = ()
    # False for a question nothing in the corpus answers: the right reply is a refusal ("answerable": false)
    answerable: bool = True


def read_questions(path: Path) -> list[Question]:
    """Questions of a JSON-lines QA file; each needs ``id``, ``question`` and a ``relevant`` list (empty only for a
    question marked ``"answerable": false``)."""
    path = Path(path)
    if not path.is_file():
        raise QAFileError(f"no QA file at {path}")
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                relevant = row["relevant"]
                if not isinstance(relevant, list) or not all(isinstance(q, str) for q in relevant):
                    raise TypeError("'relevant' must be a list of strings")
                answerable = row.get("answerable", True)
                if not isinstance(answerable, bool):
                    raise TypeError("'answerable' must be true or false")
                out.append(
                    Question(
                        id=str(row["id"]),
                        question=str(row["question"]),
                        type=row.get("type") or "",
                        relevant=tuple(relevant),
                        answer_contains=tuple(row.get("answer_contains") or ()),
                        answerable=answerable,
                    )
                )
            except (ValueError, KeyError, TypeError) as exc:
                raise QAFileError(
                    f"{path}, line {n}: not a QA record ({type(exc).__name__}: {exc}); each line "
                    "needs id, question and relevant (see ../shared/eval/README.md)"
                ) from None
    return out


def is_relevant(text_compact: str, quote_compact: str) -> bool:
    """The README rule on two already-compacted strings."""
    if not text_compact or not quote_compact:
        return False
    return text_compact[:PREFIX] in quote_compact or quote_compact[:PREFIX] in text_compact


def judge(question: Question, texts: list[str]) -> tuple[list[bool], int]:
    """Per retrieved text whether it is relevant, and how many of the question's quotes the texts cover."""
    quotes = [compact(q) for q in question.relevant]
    found = set()
    flags = []
    for text in texts:
        c = compact(text)
        hit = [i for i, q in enumerate(quotes) if is_relevant(c, q)]
        found.update(hit)
        flags.append(bool(hit))
    return flags, len(found)


def answer_correct(question: Question, answer: str) -> bool:
    got = compact(answer or "")
    return all(compact(s) in got for s in question.answer_contains)


def _summary(all_rows: list[dict]) -> dict:
    """Retrieval and answer figures over the answerable questions; refusal figures over both kinds."""
    rows = [r for r in all_rows if r.get("answerable", True)]
    unanswerable = [r for r in all_rows if not r.get("answerable", True)]
    n = len(rows)
    out = {"questions": len(all_rows)}
    replied = [r for r in all_rows if r.get("refused") is not None]
    if replied:
        asked = [r for r in rows if r.get("refused") is not None]
        out["answerable_refused"] = sum(r["refused"] for r in asked) / len(asked) if asked else None
        out["unanswerable_answered"] = (
            sum(not r["refused"] for r in unanswerable) / len(unanswerable) if unanswerable else None
        )
        out["correct_refusals"] = None if out["unanswerable_answered"] is None else 1 - out["unanswerable_answered"]
        out["unanswerable_questions"] = len(unanswerable)
    if not n:
        return out
    for cut in CUTS:
        out[f"hit@{cut}"] = sum(r["rank"] is not None and r["rank"] <= cut for r in rows) / n
    out["mrr@10"] = sum(1 / r["rank"] for r in rows if r["rank"] is not None and r["rank"] <= 10) / n
    out["quote_recall@10"] = sum(r["found"] for r in rows) / max(sum(r["quotes"] for r in rows), 1)
    judged = [r for r in rows if r["correct"] is not None]
    out["answered_questions"] = len(judged)
    out["answer_accuracy"] = sum(r["correct"] for r in judged) / len(judged) if judged else None
    return out


def metrics(rows: list[dict]) -> dict:
    """Overall and per-type figures from per-question rows ``{type, rank, found, quotes, correct}``."""
    types = sorted({r["type"] or "untyped" for r in rows})
    return {
        "overall": _summary(rows),
        "by_type": {t: _summary([r for r in rows if (r["type"] or "untyped") == t]) for t in types},
    }


def score_question(question: Question, texts: list[str], answer: str | None, refused: bool | None = None) -> dict:
    """One question's row for :func:`metrics`: 1-based rank of the first relevant text within the top 10; a
    refusal of an answerable question counts as a wrong answer."""
    flags, found = judge(question, texts[:10])
    rank = next((i for i, ok in enumerate(flags, start=1) if ok), None)
    correct = None
    if question.answer_contains and answer is not None:
        correct = not refused and answer_correct(question, answer)
    return {
        "id": question.id,
        "type": question.type,
        "rank": rank,
        "found": found,
        "quotes": len(question.relevant),
        "correct": correct,
        "answerable": question.answerable,
        "refused": refused,
    }


def evaluate(
    index,
    questions: list[Question],
    k: int = 10,
    out: Path | None = None,
    with_answers: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Search (and answer) every question, write one RUN line per question to ``out``, return the metrics."""
    rows, lines = [], []
    for n, q in enumerate(questions, start=1):
        result = index.search(q.question, k=max(k, 10))
        answer, citations, refused, confidence = None, [], None, ""
        if with_answers:
            reply = ask(index, q.question)
            answer, citations, refused = reply.text, [c.to_dict() for c in reply.citations], not reply.answered
            confidence = reply.confidence
        rows.append(score_question(q, [h.clause.text for h in result.hits], answer, refused))
        lines.append(
            {
                "id": q.id,
                "question": q.question,
                "type": q.type,
                "hits": [hit_dict(index, h, why=False) for h in result.hits[:k]],
                "answer": answer or "",
                "refused": refused,
                "confidence": confidence,
                "citations": citations,
            }
        )
        if progress:
            progress(n, len(questions))
    if out is not None:
        write_run(Path(out), lines)
    return metrics(rows)


def write_run(path: Path, lines: Iterable[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_jsonl(path, lines)
