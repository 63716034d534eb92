"""Time reading and splitting the whole lawrefbook collection (3,475 laws): files, clauses, seconds, clauses/s.

    python -m benchmarks.bench_corpus [FOLDER]      # default: ../shared/data/lawrefbook

Reading (decode, clean, metadata) and splitting (clauses, departments) are timed apart, so a regression shows
where it is.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from ipqa.clauses.split import split_clauses
from ipqa.corpus.reading import UnreadableFile, find_files, read_document

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lawrefbook"


def main(folder: Path) -> None:
    if not folder.is_dir():
        sys.exit(f"{folder} is not a folder (the lawrefbook data lives in ../shared/data/lawrefbook)")
    files = find_files([folder])
    read_s = split_s = 0.0
    clauses = skipped = 0
    for root, path in files:
        t0 = time.perf_counter()
        try:
            document = read_document(path, root)
        except UnreadableFile:
            skipped += 1
            continue
        t1 = time.perf_counter()
        clauses += len(split_clauses(document))
        t2 = time.perf_counter()
        read_s += t1 - t0
        split_s += t2 - t1
    total = read_s + split_s
    print(f"files {len(files)} (skipped {skipped}), clauses {clauses}")
    print(f"read {read_s:.1f} s, split {split_s:.1f} s, total {total:.1f} s, {clauses / total:,.0f} clauses/s")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
