#!/usr/bin/env python
"""Mechanical check of a JSON-lines QA file against the corpus it was written for.

    python eval/check_questions.py eval/everyday.jsonl [--corpus corpus] [--strict] [--ipqa DIR]

For every answerable line:
  * each quote in ``relevant``, compacted (NFKC, traditional→simplified, no whitespace, no leading 第X条), must be a
    substring of some compacted corpus document (and of one of the documents named in ``docs`` when given);
  * when the project's clause splitter is importable, the quote's first 24 compact characters must lie inside a
    single clause (the evaluation's relevance rule), checked on the clause text with injected spam removed;
  * each ``answer_contains`` string, compacted, must occur in one of the clauses its quotes matched, or, for
    metadata questions, in a relevant quote that is itself a verified header line, or in the document header
    (the text before the first numbered clause).
For every unanswerable line (``"answerable": false``): ``relevant`` and ``answer_contains`` empty and a ``reason``.

Warnings (not failures unless --strict): a question sharing a run of 8 or more compact characters with one of
its quotes (the set is meant to be worded in everyday language, not copied from the clauses), and a quote whose
24-character prefix lies in more than one clause (the gold clause is then ambiguous).

Exits 1 and lists the failures when any line fails, else 0. Uses ``ipqa.text.compact``, ``ipqa.corpus.read_document``
and ``ipqa.clauses.split_clauses`` when they import; otherwise falls back to a local compact (needs ``opencc``)
and whole-document checks only.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _ipqa_path(argv: list[str]) -> str:
    """``--ipqa DIR`` (a checkout holding the ipqa package) must be known before the imports below."""
    for i, arg in enumerate(argv):
        if arg == "--ipqa" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--ipqa="):
            return arg.split("=", 1)[1]
    return str(HERE.parent)


sys.path.insert(0, _ipqa_path(sys.argv[1:]))

TYPES = {"who", "number", "date", "fact", "list", "metadata", "semantic"}
CATEGORIES = {"who", "number", "enterprise", "traditional", "cross_document", "metadata", "date", "unanswerable"}
PREFIX = 24
COPY_RUN = 8


def _first(*candidates):
    """The first of ``("module", "name")`` that imports: the package layout has moved before."""
    import importlib

    for module, name in candidates:
        try:
            return getattr(importlib.import_module(module), name)
        except Exception:  # noqa: BLE001, S112 - missing, renamed or mid-refactor: try the next path
            continue
    return None


compact = _first(("ipqa.text", "compact"), ("ipqa.text.normalise", "compact"))
if compact is None:  # the package is missing or mid-refactor: the same rule, implemented here
    _ws = re.compile(r"\s+")
    _article = re.compile(r"^第[零一二三四五六七八九十百千万〇两0-9]+条")
    _cc = None

    def compact(text: str) -> str:
        global _cc
        if _cc is None:
            import opencc

            _cc = opencc.OpenCC("t2s.json")
        text = _cc.convert(unicodedata.normalize("NFKC", text))
        return _article.sub("", _ws.sub("", text))


read_document = _first(("ipqa.corpus", "read_document"), ("ipqa.corpus.reading", "read_document"))
split_clauses = _first(("ipqa.clauses", "split_clauses"), ("ipqa.clauses.split", "split_clauses"))
if read_document is None or split_clauses is None:
    read_document = split_clauses = None


class Doc:
    def __init__(self, path: Path, root: Path):
        self.key = path.name
        self.prefix = path.name.split("_", 1)[0]
        self.clauses: list[str] | None = None
        self.header = ""
        text = None
        if read_document is not None:
            try:
                doc = read_document(path, root)
                text = doc.text
                clauses = split_clauses(doc)
                self.clauses = [compact(getattr(c, "clean_text", c.text)) for c in clauses]
                # The header: everything before the first numbered clause (title, 文号/日期 lines, 序言).
                body = [c.start for c in clauses if getattr(c, "label", "")]
                self.header = compact(text[: min(body, default=len(text))])
            except Exception as exc:  # noqa: BLE001 - report and fall back to the whole document
                print(f"note: clause split failed for {path.name} ({exc}); whole-document checks only", file=sys.stderr)
                self.clauses = None
        if text is None:
            text = path.read_text(encoding="utf-8", errors="replace")
        self.compact = compact(text)


def load_corpus(root: Path) -> list[Doc]:
    files = sorted(p for p in root.iterdir() if p.is_file() and p.suffix.lower() in {".txt", ".md", ".html", ".htm"})
    return [Doc(p, root) for p in files]


def longest_common_run(a: str, b: str) -> str:
    best = ""
    for i in range(len(a)):
        j = i + len(best) + 1
        while j <= len(a) and a[i:j] in b:
            best = a[i:j]
            j += 1
    return best


def check_line(row: dict, docs: list[Doc], failures: list[str], warnings: list[str]) -> None:
    qid = row.get("id", "?")

    def fail(msg: str) -> None:
        failures.append(f"{qid}: {msg}")

    for key in ("id", "question", "type", "category", "relevant", "answer_contains", "answerable"):
        if key not in row:
            fail(f"missing field {key!r}")
            return
    if row["type"] not in TYPES:
        fail(f"unknown type {row['type']!r}")
    if row["category"] not in CATEGORIES:
        fail(f"unknown category {row['category']!r}")
    relevant, answers = row["relevant"], row["answer_contains"]
    if not isinstance(relevant, list) or not isinstance(answers, list):
        fail("relevant and answer_contains must be lists")
        return

    if not row["answerable"]:
        if relevant or answers:
            fail("unanswerable line must have empty relevant and answer_contains")
        if not row.get("reason"):
            fail("unanswerable line needs a reason")
        if row["category"] != "unanswerable":
            fail("unanswerable line must have category 'unanswerable'")
        return
    if row["category"] == "unanswerable":
        fail("category 'unanswerable' on an answerable line")
    if not relevant:
        fail("answerable line without relevant quotes")
        return

    wanted = set(row.get("docs") or [])
    matched_clauses: list[str] = []
    verified_quotes: list[tuple[str, Doc]] = []
    for quote in relevant:
        cq = compact(quote)
        if not cq:
            fail(f"empty quote {quote!r}")
            continue
        holders = [d for d in docs if cq in d.compact]
        if not holders:
            fail(f"quote not found verbatim in any document: {quote!r}")
            continue
        if wanted and not any(d.prefix in wanted or d.key in wanted for d in holders):
            fail(f"quote found only outside the documents named in docs {sorted(wanted)}: {quote!r}")
        for d in holders:
            verified_quotes.append((cq, d))
        head = cq[:PREFIX]
        checked = [d for d in holders if d.clauses is not None]
        if checked:
            hits = [c for d in checked for c in d.clauses if head in c]
            in_header = any(cq in d.header for d in checked)
            if not hits and not (row["category"] == "metadata" and in_header):
                fail(f"first {PREFIX} chars of the quote lie in no single clause: {quote!r}")
            if len(hits) > 1:
                warnings.append(f"{qid}: quote prefix lies in {len(hits)} clauses (ambiguous gold): {quote!r}")
            matched_clauses.extend(hits)
        else:
            matched_clauses.extend(d.compact for d in holders)  # no clause split: the document stands in
        run = longest_common_run(compact(row["question"]), cq)
        if len(run) >= COPY_RUN:
            warnings.append(f"{qid}: question copies {len(run)} chars of a quote: {run!r}")

    for answer in answers:
        ca = compact(answer)
        if not ca:
            fail("empty answer_contains string")
            continue
        ok = any(ca in c for c in matched_clauses)
        if not ok and row["category"] == "metadata":
            ok = any(ca in cq for cq, _ in verified_quotes) or any(ca in d.header for _, d in verified_quotes)
        if not ok:
            fail(f"answer_contains {answer!r} is in none of the relevant clauses")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("questions", type=Path)
    ap.add_argument("--corpus", type=Path, default=HERE.parent / "corpus")
    ap.add_argument("--strict", action="store_true", help="treat warnings as failures")
    ap.add_argument("--ipqa", type=Path, help="directory holding the ipqa package to import (default: the repo)")
    args = ap.parse_args(argv)

    docs = load_corpus(args.corpus)
    if not docs:
        print(f"no documents under {args.corpus}", file=sys.stderr)
        return 1
    mode = "clauses" if all(d.clauses is not None for d in docs) else "whole documents"
    if mode != "clauses":
        print("note: ipqa's reader/clause splitter did not import; only whole-document checks ran", file=sys.stderr)
    failures: list[str] = []
    warnings: list[str] = []
    seen: set[str] = set()
    n = 0
    with args.questions.open(encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            n += 1
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                failures.append(f"line {lineno}: not JSON ({exc})")
                continue
            if row.get("id") in seen:
                failures.append(f"line {lineno}: duplicate id {row.get('id')!r}")
            seen.add(row.get("id"))
            check_line(row, docs, failures, warnings)

    for w in warnings:
        print("WARN", w)
    for msg in failures:
        print("FAIL", msg)
    bad = failures + (warnings if args.strict else [])
    print(f"{n} questions, {len(docs)} documents ({mode}): {len(failures)} failures, {len(warnings)} warnings")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
