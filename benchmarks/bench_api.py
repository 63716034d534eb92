"""Load benchmark of the HTTP API (``ipqa serve``) on loopback: throughput and latency p50/p95 for 1, 8 and 32
concurrent clients against 1 and 2 uvicorn worker processes (not a timed test; figures for the README).

    python -m benchmarks.bench_api [--index DIR] [--requests 600] [--workers 1,2] [--clients 1,8,32] [--path /search]

Without ``--index`` it builds a keyword-only index of corpus/ (the seeds) in a temp folder. The server runs in a
child process; the clients are threads of this process, each with its own keep-alive connection, sending a
bounded number of requests in all (``--requests`` per cell, after a warm-up), cycling through fixed questions.
On a machine with few cores the clients share the CPUs with the workers: read the figures with ``nproc`` beside
them.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [
    "谁负责知识产权质押融资？",
    "专利导航",
    "用专利向银行申请贷款",
    "地理标志保护工程",
    "商标侵权案件查处",
    "知识产权强县建设试点",
    "高价值专利培育",
    "知识产权公共服务体系",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


def start_server(index_dir: Path, workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    command = [sys.executable, "-m", "ipqa.cli", "serve", "--index", str(index_dir), "--port", str(port)]
    env = {k: v for k, v in os.environ.items() if k != "IPQA_API_TOKEN"}
    child = subprocess.Popen(
        [*command, "--workers", str(workers)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                conn.close()
                return child, port
        except OSError:
            if child.poll() is not None:
                raise SystemExit(f"ipqa serve exited with {child.returncode}") from None
            time.sleep(0.2)
    child.terminate()
    raise SystemExit("ipqa serve did not answer within 120 s")


def load(port: int, path: str, clients: int, requests: int) -> dict:
    """``requests`` requests shared by ``clients`` threads; throughput and per-request latency."""
    urls = [f"{path}?q={quote(q)}&k=10" for q in QUESTIONS]
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    counter = iter(range(requests))

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                break
            start = time.perf_counter()
            conn.request("GET", urls[n % len(urls)])
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - start)
            if response.status != 200:
                with lock:
                    errors[0] += 1
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - start
    return {
        "requests": len(latencies),
        "errors": errors[0],
        "qps": len(latencies) / seconds,
        "p50_ms": 1000 * pct(latencies, 50),
        "p95_ms": 1000 * pct(latencies, 95),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=None, help="Index folder (default: the seeds, built now).")
    parser.add_argument("--requests", type=int, default=600, help="Requests per cell (after a warm-up).")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--path", default="/search", choices=["/search", "/ask"])
    args = parser.parse_args()
    scratch = None
    index_dir = args.index
    if index_dir is None:
        from ipqa.index.build import build_index
        from ipqa.settings import Settings

        scratch = tempfile.TemporaryDirectory(prefix="bench_api_")
        index_dir = Path(scratch.name) / "index"
        build_index([ROOT / "corpus"], index_dir, Settings(model=""))
    from ipqa.index.manifest import read_manifest

    counts = read_manifest(index_dir, verify=False).counts
    print(
        f"ipqa serve {args.path} over {index_dir} ({counts.get('documents', 0)} documents, "
        f"{counts.get('clauses', 0)} clauses); {os.cpu_count()} CPUs; {args.requests} requests per cell"
    )
    print(f"{'workers':>8} {'clients':>8} {'q/s':>9} {'p50 ms':>9} {'p95 ms':>9} {'errors':>7}")
    rows = []
    for workers in map(int, args.workers.split(",")):
        child, port = start_server(index_dir, workers)
        try:
            load(port, args.path, 2 * workers, 20 * workers)  # warm-up: every worker has answered once
            for clients in map(int, args.clients.split(",")):
                r = load(port, args.path, clients, args.requests)
                rows.append({"workers": workers, "clients": clients, **r})
                print(
                    f"{workers:>8} {clients:>8} {r['qps']:>9.1f} {r['p50_ms']:>9.1f} {r['p95_ms']:>9.1f} "
                    f"{r['errors']:>7}",
                    flush=True,
                )
        finally:
            child.terminate()
            child.wait(timeout=30)
    print(json.dumps(rows))
    if scratch:
        scratch.cleanup()


if __name__ == "__main__":
    main()
