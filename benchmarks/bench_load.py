"""Load: throughput (queries/s) and latency (p50/p95) of one loaded index serving 1 client vs 8 concurrent clients,
the way Streamlit serves sessions (threads in one process sharing one ``Index``).

    ipqa build corpus ../shared/data/lawrefbook --index /tmp/ipqa_big --model ""    # once
    python -m benchmarks.bench_load --index /tmp/ipqa_big [--clients 1,8] [--queries 400] [--op search|ask]

Each client sends its share of the queries back to back (a closed loop: a new query as soon as the last one is
answered). Queries are the dev questions (../shared/eval/seed_dev.jsonl, when present) plus headings and sentence
pieces sampled from the index itself with a fixed seed, so runs are comparable. Every concurrent result is checked
against the serial one: a figure from a run that gave different answers is not reported.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED_DEV = HERE.parent.parent / "shared" / "eval" / "seed_dev.jsonl"


def queries(index, n: int, seed: int = 7) -> list[str]:
    """``n`` queries: the dev questions first, then headings and 12–30 character pieces of random clauses."""
    out = []
    if SEED_DEV.is_file():
        out = [json.loads(line)["question"] for line in SEED_DEV.read_text(encoding="utf-8").splitlines() if line]
    rng = random.Random(seed)
    while len(out) < n:
        clause = index.clauses[rng.randrange(len(index.clauses))]
        if rng.random() < 0.3:
            out.append(clause.path[-1])
        else:
            start = rng.randrange(max(1, len(clause.text) - 12))
            out.append(clause.text[start : start + rng.randint(12, 30)])
    return out[:n]


def run(index, items: list[str], clients: int, op: str) -> tuple[float, list[float], list]:
    """(wall seconds, per-query latencies, per-query results in input order) with ``clients`` threads."""
    from ipqa.answer.pipeline import ask

    def one(query: str):
        began = time.perf_counter()
        if op == "ask":
            answer = ask(index, query)
            result = (answer.text, tuple(c.clause_id for c in answer.citations))
        else:
            result = tuple((h.clause.clause_id, h.score) for h in index.search(query, k=10).hits)
        return time.perf_counter() - began, result

    began = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        done = list(pool.map(one, items))
    return time.perf_counter() - began, [d[0] for d in done], [d[1] for d in done]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", default="/tmp/ipqa_big", help="index folder (build it first, see above)")
    parser.add_argument("--clients", default="1,8", help="comma-separated concurrent client counts")
    parser.add_argument("--queries", type=int, default=400, help="queries per measurement")
    parser.add_argument("--op", choices=["search", "ask"], default="search")
    args = parser.parse_args()

    from ipqa.index.searcher import Index, IndexLoadError

    try:
        began = time.perf_counter()
        index = Index.load(Path(args.index))
        load_s = time.perf_counter() - began
    except IndexLoadError as exc:
        sys.exit(f"{exc}\n(see the build command at the top of {Path(__file__).name})")
    items = queries(index, args.queries)
    run(index, items[:20], 1, args.op)  # warm-up: the tokenizer dictionary, the encoder, caches
    semantic = "off: " + index.dense_status if index.dense_status else f"on ({index.settings.model})"
    print(
        f"index {args.index}: {len(index.documents):,} documents, {len(index.clauses):,} clauses, loaded in "
        f"{load_s:.1f} s; semantic search {semantic}"
    )
    print(f"op {args.op}, {len(items)} queries per run, {threading.active_count()} threads before the runs")
    print(f"{'clients':>8} {'queries/s':>10} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  same as serial")
    baseline = None
    for clients in (int(c) for c in args.clients.split(",")):
        wall, latencies, results = run(index, items, clients, args.op)
        baseline = results if baseline is None else baseline
        same = results == baseline
        print(
            f"{clients:>8} {len(items) / wall:>10.1f} {statistics.median(latencies) * 1000:>8.1f} "
            f"{percentile(latencies, 0.95) * 1000:>8.1f} {max(latencies) * 1000:>8.1f}  {'yes' if same else 'NO'}"
        )
        if not same:
            sys.exit(f"{clients} concurrent clients got results different from the first run: a concurrency bug")


if __name__ == "__main__":
    main()
