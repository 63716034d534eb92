"""Timing of the dense side: query encoding, passage encoding, faiss flat vs HNSW search and HNSW build.

    python -m benchmarks.bench_encode            # tiny test model (timing only)
    python -m benchmarks.bench_encode --model DIR  # a real model directory

Without --model two random-weight models from tests/tiny_model.py are timed: the tiny test model (plumbing:
tokenising, batching, torch overhead) and one in BAAI/bge-small-zh-v1.5's exact architecture (4 layers, 512 wide,
CLS pooling), whose speed is the real model's because speed depends on the shape, not the weights. Neither says
anything about retrieval quality.
The faiss figures use random unit vectors and do not depend on the model.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent

from ipqa.retrieval.encoder import load_encoder
from ipqa.retrieval.faiss_index import DenseIndex
from ipqa.settings import BGE_ZH_QUERY_INSTRUCTION
from ipqa.text import sentence_spans

TINY_LABEL = "tiny test model — timing only, not a quality figure"
SHAPE_LABEL = "random weights in bge-small-zh-v1.5's shape — timing only, not a quality figure"


def seed_sentences(limit: int) -> list[str]:
    """Sentences of the seed documents (the clause-sized unit), repeated to ``limit`` if there are fewer."""
    out = []
    for path in sorted((ROOT / "corpus").glob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        out += [s for a, b in sentence_spans(text) if len(s := text[a:b].strip()) >= 8]
    if not out:
        sys.exit("no seed sentences found under corpus/")
    return (out * (limit // len(out) + 1))[:limit]


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values) * 1000, q))


def timed(fn, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def bench_encoder(model: str, label: str) -> None:
    import torch

    encoder = load_encoder(model)
    queries = [s[:40] for s in seed_sentences(100)]
    all_threads = torch.get_num_threads()  # what load_encoder set
    for threads in sorted({1, all_threads}):
        encoder.query_threads = threads  # encode_query switches torch to this many threads (default 1)
        encoder.encode_query(queries[0], BGE_ZH_QUERY_INSTRUCTION)  # warm-up
        times = [t for q in queries for t in timed(lambda q=q: encoder.encode_query(q, BGE_ZH_QUERY_INSTRUCTION), 1)]
        print(
            f"query encode ({label}), {threads} torch thread(s): p50 {percentile(times, 50):.1f} ms, "
            f"p95 {percentile(times, 95):.1f} ms over {len(times)} queries"
        )
    encoder.query_threads = type(encoder).query_threads
    passages = seed_sentences(2000)
    started = time.perf_counter()
    encoder.encode_passages(passages, batch_size=32)
    seconds = time.perf_counter() - started
    print(
        f"passage encode ({label}), {all_threads} torch threads: {len(passages) / seconds:.0f} clauses/s over "
        f"{len(passages)} seed sentences (mean {statistics.mean(map(len, passages)):.0f} chars), batch 32"
    )


def bench_encoders(model: str | None) -> None:
    if model is not None:
        bench_encoder(model, f"model {model}")
        return
    from tests.helpers.tiny_model import BGE_SMALL_ZH_SHAPE, build_tiny_model

    with tempfile.TemporaryDirectory() as tmp:
        bench_encoder(str(build_tiny_model(Path(tmp) / "tiny")), TINY_LABEL)
        bench_encoder(str(build_tiny_model(Path(tmp) / "bge", **BGE_SMALL_ZH_SHAPE)), SHAPE_LABEL)


def bench_faiss(n: int, dim: int, queries: int) -> None:
    import faiss

    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((n, dim), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    qs = rng.standard_normal((queries, dim), dtype=np.float32)
    qs /= np.linalg.norm(qs, axis=1, keepdims=True)
    print(
        f"faiss over {n:,} random {dim}-d unit vectors, {queries} single queries, k=10 "
        f"(faiss {faiss.__version__}, {faiss.omp_get_max_threads()} omp threads available)"
    )

    flat = DenseIndex.build(vectors, exact_limit=n)
    raw = flat._index  # the raw faiss index, to time 1 vs 2 threads without DenseIndex's own thread setting
    p50 = {}
    default_threads = faiss.omp_get_max_threads()
    for threads in (1, 2):
        faiss.omp_set_num_threads(threads)
        raw.search(qs[:1], 10)
        p50[threads] = percentile([t for q in qs for t in timed(lambda q=q: raw.search(q[None], 10), 1)], 50)
        print(f"  flat search, {threads} omp thread(s): p50 {p50[threads]:.2f} ms")
    faiss.omp_set_num_threads(default_threads)
    print(f"  flat: 2 threads / 1 thread p50 ratio = {p50[2] / p50[1]:.2f}")
    wrapped = [t for q in qs for t in timed(lambda q=q: flat.search(q, 10), 1)]
    print(f"  flat via DenseIndex.search: p50 {percentile(wrapped, 50):.2f} ms")
    allowed = np.arange(0, n, 10, dtype=np.int64)
    filtered = [t for q in qs for t in timed(lambda q=q: flat.search(q, 10, allowed), 1)]
    print(f"  flat filtered to 10% of rows: p50 {percentile(filtered, 50):.2f} ms")

    started = time.perf_counter()
    hnsw = DenseIndex.build(vectors, exact_limit=0)
    print(f"  HNSW build (M=32, efConstruction=80, {default_threads} threads): {time.perf_counter() - started:.1f} s")
    searched = [t for q in qs for t in timed(lambda q=q: hnsw.search(q, 10), 1)]
    truth = [set(raw.search(q[None], 10)[1][0].tolist()) for q in qs]
    recall = np.mean([len({r for r, _ in hnsw.search(q, 10)} & t) / 10 for q, t in zip(qs, truth)])
    print(
        f"  HNSW search (efSearch 64): p50 {percentile(searched, 50):.2f} ms, p95 {percentile(searched, 95):.2f} "
        f"ms, recall@10 vs flat {recall:.3f} (random vectors: a hard case for HNSW; real embeddings cluster)"
    )
    for ef in (128, 256):  # what a larger efSearch would buy (DenseIndex uses EF_SEARCH)
        params = faiss.SearchParametersHNSW(efSearch=ef)
        faiss.omp_set_num_threads(1)
        times = [t for q in qs for t in timed(lambda q=q, p=params: hnsw._index.search(q[None], 10, params=p), 1)]
        found = [set(hnsw._index.search(q[None], 10, params=params)[1][0].tolist()) for q in qs]
        faiss.omp_set_num_threads(default_threads)
        recall = np.mean([len(f & t) / 10 for f, t in zip(found, truth)])
        print(f"  HNSW search (efSearch {ef}): p50 {percentile(times, 50):.2f} ms, recall@10 vs flat {recall:.3f}")
    for share, step in (("10%", 10), ("1%", 100)):
        allowed = np.arange(0, n, step, dtype=np.int64)
        filtered = [t for q in qs for t in timed(lambda q=q, a=allowed: hnsw.search(q, 10, a), 1)]
        print(f"  HNSW filtered to {share} of rows: p50 {percentile(filtered, 50):.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", help="a real model directory (default: the tiny test model)")
    parser.add_argument("--n", type=int, default=150_000, help="vectors in the faiss benchmark (0: skip it)")
    parser.add_argument("--skip-encoders", action="store_true", help="only the faiss benchmark")
    parser.add_argument("--dim", type=int, default=512)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    if not args.skip_encoders:
        bench_encoders(args.model)
    if args.n:
        bench_faiss(args.n, args.dim, args.queries)


if __name__ == "__main__":
    main()
