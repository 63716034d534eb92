"""The files engine and the Milvus engine side by side over ../shared/data/lawrefbook (not a timed test).

    python -m benchmarks.bench_milvus [--work DIR] [--files N] [--queries N] [--engine milvus://…]

In one run: a full build on each engine (fresh folders, nothing reused), the top-10 agreement of Milvus with the
files engine on the LeCoQA train questions (mean overlap of the two top-10 sets, and the share of queries whose
top 10 is identical in order), ``Index.search`` latency p50/p95 on each, and a rebuild after one file changed (the
collection updated in place: that document deleted and re-inserted). ``--files N`` takes the first N law files
(sorted paths) when a full build does not fit the time at hand; the report says which.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_search import LAWREFBOOK, SHARED, pct, timed

LECOQA = SHARED / "data" / "lecoqa" / "train.jsonl"


def subset(target: Path, n: int | None) -> tuple[Path, int]:
    """A copy of lawrefbook, or of its first ``n`` files (the benchmark edits one file of it)."""
    files = sorted(p for p in LAWREFBOOK.rglob("*") if p.is_file())[:n]
    shutil.rmtree(target, ignore_errors=True)
    for p in files:
        dest = target / p.relative_to(LAWREFBOOK)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(p, dest)
    return target, len(files)


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def latencies(index, queries: list[str]) -> tuple[list[list[str]], list[float]]:
    tops, times = [], []
    for q in queries:
        result, seconds = timed(index.search, q, 10)
        tops.append([h.clause.clause_id for h in result.hits])
        times.append(seconds * 1000)
    return tops, times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=None, help="Scratch folder (default: a temp folder).")
    parser.add_argument("--files", type=int, default=None, help="Only the first N lawrefbook files (default: all).")
    parser.add_argument("--queries", type=int, default=None, help="The first N LeCoQA train questions (default: all).")
    parser.add_argument("--engine", default="", help="Milvus URI (default: milvus-lite in the work folder).")
    args = parser.parse_args()
    if not LAWREFBOOK.is_dir() or not LECOQA.is_file():
        sys.exit(f"{LAWREFBOOK} or {LECOQA} is absent: this benchmark needs ../shared")
    logging.basicConfig(level=logging.WARNING)

    from ipqa.index.searcher import Index, build_index
    from ipqa.settings import Settings

    work = args.work or Path(tempfile.mkdtemp(prefix="bench_milvus_"))
    work.mkdir(parents=True, exist_ok=True)
    corpus, n_files = subset(work / "corpus", args.files)
    engine = args.engine or f"milvus://{work}/m.db"
    queries = [json.loads(line)["question"] for line in LECOQA.open(encoding="utf-8")][: args.queries]
    plain = Settings(model="")  # keyword-only: no embedding model here; the comparison is BM25 on both engines
    engines = {"files": plain, "milvus": plain.with_engine(engine, "bench")}
    out: dict = {"corpus": str(corpus), "files": n_files, "queries": len(queries), "engine": engine}
    indexes = {}
    for name, settings in engines.items():
        folder = work / f"index_{name}"
        shutil.rmtree(folder, ignore_errors=True)
        report, seconds = timed(build_index, [corpus], folder, settings)
        indexes[name] = Index.load(folder)
        out[f"{name}_build_s"] = round(seconds, 1)
        out["clauses"] = report.clauses
        print(f"{name}: built {report.clauses} clauses in {seconds:.1f} s", flush=True)
    tops = {}
    for name, index in indexes.items():
        index.search(queries[0], 10)  # connect / warm the caches
        tops[name], ms = latencies(index, queries)
        out[f"{name}_p50_ms"], out[f"{name}_p95_ms"] = round(pct(ms, 50), 2), round(pct(ms, 95), 2)
    overlap = [len(set(a) & set(b)) / len(a) for a, b in zip(tops["files"], tops["milvus"]) if a]
    out["top10_overlap"] = round(statistics.mean(overlap), 4)
    out["top10_identical"] = round(float(statistics.mean(a == b for a, b in zip(tops["files"], tops["milvus"]))), 4)
    out["queries_with_hits"] = len(overlap)

    # one document changed: appended a clause, rebuilt on each engine (Milvus: that document deleted + re-inserted)
    first = min(p for p in corpus.rglob("*.md") if p.is_file())
    first.write_text(first.read_text(encoding="utf-8") + "\n第九百九十九条 本法自公布之日起施行。\n", encoding="utf-8")
    for name, settings in engines.items():
        _, seconds = timed(build_index, [corpus], work / f"index_{name}", settings)
        out[f"{name}_rebuild_one_file_s"] = round(seconds, 1)
    out["files_bm25_mb"] = round(_size(work / "index_files" / "bm25") / 1e6, 1)
    lite = engine[len("milvus://") :]
    if lite.endswith(".db"):
        out["milvus_lite_db_mb"] = round(_size(Path(lite)) / 1e6, 1)
    out["load_average"] = [round(x, 1) for x in os.getloadavg()]
    print(json.dumps(out, ensure_ascii=False, indent=1))
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"total {time.perf_counter() - start:.0f} s", file=sys.stderr)
