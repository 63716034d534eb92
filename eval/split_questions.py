#!/usr/bin/env python
"""Split a QA JSON-lines file into a calibration part and a report part, deterministically.

    python eval/split_questions.py eval/everyday.jsonl            # writes eval/everyday_calib.jsonl, _test.jsonl

Rule: within each ``category``, order the lines by sha256 of their ``id`` (UTF-8) and send the first
round(0.4 × n) of them (at least 1, at most n − 1 when n ≥ 2) to calibration, the rest to the report (test) file.
The split depends only on ids and categories, so adding a question never moves an existing one between files
unless it changes its category's rounding; each category appears in both files. Lines keep their input order.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import defaultdict
from pathlib import Path

CALIB_SHARE = 0.4


def key(qid: str) -> str:
    return hashlib.sha256(qid.encode("utf-8")).hexdigest()


def split(rows: list[dict]) -> tuple[set[str], set[str]]:
    by_cat: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        by_cat[row.get("category", "")].append(row["id"])
    calib: set[str] = set()
    for ids in by_cat.values():
        n = len(ids)
        k = round(CALIB_SHARE * n)
        if n >= 2:
            k = min(max(k, 1), n - 1)
        calib.update(sorted(ids, key=key)[:k])
    test = {row["id"] for row in rows} - calib
    return calib, test


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    src = Path(argv[0] if argv else Path(__file__).resolve().parent / "everyday.jsonl")
    lines = [line for line in src.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [json.loads(line) for line in lines]
    calib, _ = split(rows)
    stem = src.with_suffix("")
    out_calib, out_test = Path(f"{stem}_calib.jsonl"), Path(f"{stem}_test.jsonl")
    with out_calib.open("w", encoding="utf-8") as fc, out_test.open("w", encoding="utf-8") as ft:
        for line, row in zip(lines, rows):
            (fc if row["id"] in calib else ft).write(line + "\n")
    print(f"{out_calib}: {len(calib)}  {out_test}: {len(rows) - len(calib)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
