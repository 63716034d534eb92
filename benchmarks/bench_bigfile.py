"""Reading and splitting one large file, at growing sizes: the time per MB must stay flat (linear work).

    python -m benchmarks.bench_bigfile                 # 1, 10, 100 MB
    python -m benchmarks.bench_bigfile --sizes 1,10,100,200

The file is a seed policy (traditional script, a header, boilerplate, broken lines) repeated to the size, so
every pass — decoding, header, boilerplate and spam lines, metadata, numbering, clause spans — does its full work.
CPU seconds of this process are reported (the machine is shared), with the ratio to the smallest size per MB.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from ipqa.clauses.split import split_clauses
from ipqa.corpus.reading import read_document

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "001_e22083f13b5790bb.txt"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10,100", help="sizes in MB, comma-separated")
    args = parser.parse_args()
    base = SEED.read_text(encoding="utf-8")
    rows, first = [], None
    print(f"{'MB':>6}{'read s':>10}{'split s':>10}{'s per MB':>10}{'× smallest':>12}{'clauses':>10}")
    for mb in [float(x) for x in args.sizes.split(",")]:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "big.txt"
            path.write_text(base * (int(mb * 1e6 / len(base.encode("utf-8"))) + 1), encoding="utf-8")
            size = path.stat().st_size / 1e6
            began = time.process_time()
            doc = read_document(path, Path(tmp))
            read = time.process_time() - began
            began = time.process_time()
            clauses = split_clauses(doc, 500)
            split = time.process_time() - began
        per_mb = (read + split) / size
        first = first or per_mb
        rows.append((size, read, split, per_mb, len(clauses)))
        print(f"{size:6.0f}{read:10.1f}{split:10.1f}{per_mb:10.2f}{per_mb / first:12.2f}{len(clauses):10d}", flush=True)


if __name__ == "__main__":
    main()
