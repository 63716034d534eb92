"""Benchmark of the BM25 path over ../shared/data/lawrefbook + corpus/ (not a timed test; figures for the README).

    python -m benchmarks.bench_search [--work DIR] [--queries 200] [--oracle 20] [--tiny]

Measures, in one run: full build, rebuild after touching one file (and with nothing changed), load time and
resident memory of a loaded index (median of three fresh processes), query
latency (p50/p95 over seed_dev + LeCoQA questions) of ``Index.search`` and of the bare bm25s scoring, and
rank_bm25 on the same tokens (the ratio). ``--tiny`` adds encode figures with the tiny *test* model, labelled
"tiny test model, timing only": its weights are random, so these are plumbing timings, not a real model's.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
LAWREFBOOK = SHARED / "data" / "lawrefbook"


def questions(n: int) -> list[str]:
    seed = [json.loads(line)["question"] for line in (SHARED / "eval" / "seed_dev.jsonl").open(encoding="utf-8")]
    leco_file = SHARED / "data" / "lecoqa" / "train.jsonl"
    leco = [json.loads(line)["question"] for line in leco_file.open(encoding="utf-8")]
    return (seed + leco)[:n]


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=None, help="Scratch folder (default: a temp folder).")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--oracle", type=int, default=20, help="Queries timed with rank_bm25 (slow: ~1 s each).")
    parser.add_argument("--tiny", action="store_true", help="Also time encoding with the tiny test model.")
    args = parser.parse_args()
    if not LAWREFBOOK.is_dir():
        sys.exit(f"{LAWREFBOOK} is absent: this benchmark needs ../shared")

    import numpy as np
    import psutil

    from ipqa.index import store
    from ipqa.index.searcher import Index, build_index
    from ipqa.retrieval.lexical import Lexical
    from ipqa.retrieval.tokens import tokenize
    from ipqa.settings import Settings

    work = args.work or Path(tempfile.mkdtemp(prefix="ipqa-bench-"))
    seeds = work / "corpus"
    shutil.rmtree(seeds, ignore_errors=True)
    shutil.copytree(ROOT / "corpus", seeds)  # a copy, so touching a file leaves the repo alone
    index_dir = work / "index"
    shutil.rmtree(index_dir, ignore_errors=True)
    settings = Settings(model="")
    figures: dict = {"load_average": psutil.getloadavg(), "cpus": psutil.cpu_count()}

    figures["load_average_at_full_build"] = psutil.getloadavg()
    report, figures["full_build_s"] = timed(build_index, [seeds, LAWREFBOOK], index_dir, settings)
    figures["clauses"], figures["documents"] = report.clauses, report.documents
    touched = min(seeds.glob("*.txt"))
    touched.write_text(
        touched.read_text(encoding="utf-8") + "\n（九）新增一项测试措施：开展专利开放许可试点。\n", encoding="utf-8"
    )
    figures["load_average_at_rebuild"] = psutil.getloadavg()
    report, figures["rebuild_one_file_s"] = timed(build_index, [seeds, LAWREFBOOK], index_dir, settings)
    figures["rebuild_reused_tokens"] = report.reused_tokens
    figures["rebuild_reused_documents"] = report.reused_documents
    _, figures["rebuild_nothing_changed_s"] = timed(build_index, [seeds, LAWREFBOOK], index_dir, settings)

    figures["load_average_at_load"] = psutil.getloadavg()
    loads = [loaded_rss(index_dir) for _ in range(3)]  # fresh processes; the median of three
    figures["loaded_index_rss_mb"] = statistics.median(rss for rss, _ in loads)
    figures["load_s"] = statistics.median(seconds for _, seconds in loads)
    index = Index.load(index_dir)

    qs = questions(args.queries)
    index.search(qs[0])  # warm-up: jieba dictionary load
    search_ms, bm25_ms = [], []
    lexical = Lexical.load(index_dir)
    for q in qs:
        _, seconds = timed(index.search, q, 10)
        search_ms.append(seconds * 1000)
        tokens = tokenize(q, index.settings.tokenizer)
        _, seconds = timed(lexical.search, tokens, index.settings.depth)
        bm25_ms.append(seconds * 1000)
    figures["queries"] = len(qs)
    figures["search_p50_ms"], figures["search_p95_ms"] = pct(search_ms, 50), pct(search_ms, 95)
    figures["bm25_only_p50_ms"], figures["bm25_only_p95_ms"] = pct(bm25_ms, 50), pct(bm25_ms, 95)

    from rank_bm25 import BM25Okapi

    vocab, ids, offsets = store.load_tokens(index_dir)
    words = np.asarray(vocab, dtype=object)
    corpus = [words[ids[offsets[i] : offsets[i + 1]]].tolist() for i in range(len(offsets) - 1)]
    oracle, figures["rank_bm25_build_s"] = timed(BM25Okapi, corpus, k1=settings.bm25_k1, b=settings.bm25_b)
    del corpus
    oracle_ms, same_ms = [], []
    for q in qs[: args.oracle]:
        tokens = tokenize(q, index.settings.tokenizer)
        scores, seconds = timed(oracle.get_scores, tokens)
        np.argsort(-scores)[:10]
        oracle_ms.append(seconds * 1000)
        _, seconds = timed(lexical.search, tokens, 10)
        same_ms.append(seconds * 1000)
    figures["rank_bm25_p50_ms"] = pct(oracle_ms, 50)
    figures["bm25s_p50_ms_same_queries"] = pct(same_ms, 50)
    figures["rank_bm25_over_bm25s"] = figures["rank_bm25_p50_ms"] / figures["bm25s_p50_ms_same_queries"]

    if args.tiny:
        figures["tiny test model, timing only"] = tiny_figures(index, work)
    for key, value in figures.items():
        print(f"{key:32} {value:.3f}" if isinstance(value, float) else f"{key:32} {value}")


def loaded_rss(index_dir: Path) -> tuple[float, float]:
    """Resident memory (MB) and load time of a fresh process that loads the index, as a server would."""
    import subprocess

    code = (
        "import time, psutil; from pathlib import Path; from ipqa.index.searcher import Index; t = time.perf_counter(); "
        f"i = Index.load(Path({str(index_dir)!r})); s = time.perf_counter() - t; i.search('专利'); "
        "print(psutil.Process().memory_info().rss / 2**20, s)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), float(out[1])


def tiny_figures(index, work: Path) -> dict:
    from ipqa.index.build import indexed_text
    from ipqa.retrieval.dense import load_encoder
    from tests.helpers.tiny_model import build_tiny_model

    encoder = load_encoder(str(build_tiny_model(work / "tiny")))
    texts = [indexed_text(index.document(c.doc_id), c) for c in index.clauses[:2000]]
    _, seconds = timed(encoder.encode_passages, texts, 32)
    query_ms = []
    for q in questions(50):
        _, s = timed(encoder.encode_query, q, index.settings.query_instruction)
        query_ms.append(s * 1000)
    return {"encode_clauses_per_s": len(texts) / seconds, "query_encode_p50_ms": pct(query_ms, 50)}


if __name__ == "__main__":
    main()
