"""Concurrency: one loaded index serving many threads (as Streamlit serves sessions) answers exactly as it does
serially, including the lazy first-use initialisation; the build lock lets one build run at a time per index."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ipqa.answer.pipeline import ask
from ipqa.index.lock import BuildLocked, build_lock, lock_path
from ipqa.index.searcher import Index, build_index
from ipqa.records import Filters
from ipqa.settings import Settings
from tests.helpers.paths import CORPUS, ROOT

THREADS = 8


def _queries(index: Index, n: int = 48) -> list[tuple[str, Filters | None]]:
    """Varied queries taken from the index itself (clause headings and sentence pieces), some filtered."""
    clauses = index.clauses[:: max(1, len(index.clauses) // n)][:n]
    docs = sorted(index.documents)
    out = []
    for i, clause in enumerate(clauses):
        text = clause.path[-1] if i % 2 else clause.text[5:25]
        filters = Filters(doc_ids=(docs[i % len(docs)],)) if i % 5 == 0 else None
        out.append((text, filters))
    return out + [("谁负责知识产权质押融资？", None), ("", None), ("？？", None)]


def _run(index: Index, query: tuple[str, Filters | None]) -> tuple:
    text, filters = query
    result = index.search(text, k=10, filters=filters)
    return result.message, tuple((h.clause.clause_id, h.score, tuple(sorted(h.retrievers))) for h in result.hits)


def _compare_threads_with_serial(folder: Path, repeats: int) -> None:
    serial_index = Index.load(folder)
    queries = _queries(serial_index)
    expected = [_run(serial_index, q) for q in queries]
    assert sum(1 for _, hits in expected if hits) > len(queries) // 2  # the comparison is over real results
    index = Index.load(folder)  # a fresh one: lazy initialisation (encoder, caches) now happens under contention
    work = [(i, q) for _ in range(repeats) for i, q in enumerate(queries)]
    with ThreadPoolExecutor(THREADS) as pool:
        got = list(pool.map(lambda item: (item[0], _run(index, item[1])), work))
    mismatched = [queries[i][0] for i, result in got if result != expected[i]]
    assert not mismatched, f"{len(mismatched)} of {len(got)} concurrent searches differ, e.g. {mismatched[:3]}"


def test_threads_get_the_serial_results_keyword_index(seed_bm25_index):
    _compare_threads_with_serial(seed_bm25_index.folder, repeats=4)


def test_threads_get_the_serial_results_with_semantic_search(tmp_path, tiny_model_dir):
    build_index([CORPUS], tmp_path / "index", Settings(model=str(tiny_model_dir)))
    assert not Index.load(tmp_path / "index").dense_status
    _compare_threads_with_serial(tmp_path / "index", repeats=2)


def test_concurrent_answers_match_serial_ones(seed_bm25_index):
    questions = [
        "谁负责知识产权质押融资？",
        "邹城市知识产权质押融资登记金额要达到多少？",
        "如何加强地理标志保护？",
        "植物新品种保护行政执法由哪些部门负责？",
        "什么时候完成专利导航？",
        "",
    ] * 4
    serial = [ask(seed_bm25_index, q).text for q in questions]
    with ThreadPoolExecutor(THREADS) as pool:
        assert list(pool.map(lambda q: ask(seed_bm25_index, q).text, questions)) == serial


# --- the build lock ----------------------------------------------------------------------------------------


def _hold(index_dir: str, ready, release) -> None:
    with build_lock(Path(index_dir)):
        ready.set()
        release.wait(30)


def _holder(index_dir: Path):
    ctx = mp.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    proc = ctx.Process(target=_hold, args=(str(index_dir), ready, release))
    proc.start()
    assert ready.wait(30), "the holder never got the lock"
    return proc, release


def test_a_second_build_is_refused_naming_the_first_ones_pid(tmp_path):
    index_dir = tmp_path / "index"
    proc, release = _holder(index_dir)
    try:
        with pytest.raises(BuildLocked) as caught, build_lock(index_dir):
            pass
        assert f"另一个建索引任务正在运行（进程 {proc.pid}）" in str(caught.value)
        assert lock_path(index_dir).parent == index_dir.parent  # beside the folder a build replaces
    finally:
        release.set()
        proc.join(30)
    with build_lock(index_dir):  # released: free again
        pass


def test_a_waiting_build_starts_when_the_first_one_ends(tmp_path):
    import threading

    index_dir = tmp_path / "index"
    proc, release = _holder(index_dir)
    threading.Timer(1.0, release.set).start()  # the first build ends in a second
    started = time.monotonic()
    with build_lock(index_dir, wait=30):
        waited = time.monotonic() - started
        assert not proc.is_alive() or release.is_set()
    proc.join(30)
    assert 0.9 <= waited < 30
    proc2, release2 = _holder(index_dir)
    try:  # a bounded wait gives up with the message
        started = time.monotonic()
        with pytest.raises(BuildLocked, match="另一个建索引任务正在运行"), build_lock(index_dir, wait=0.5):
            pass
        assert time.monotonic() - started >= 0.5
    finally:
        release2.set()
        proc2.join(30)


def test_a_killed_build_never_leaves_a_stale_lock(tmp_path):
    index_dir = tmp_path / "index"
    proc, _ = _holder(index_dir)
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(30)
    with build_lock(index_dir, wait=0):  # the kernel dropped the flock with the process
        pass


def test_ipqa_build_refuses_while_another_build_holds_the_lock(seed_bm25_index, tmp_path):
    index_dir = tmp_path / "index"
    with build_lock(index_dir):
        run = subprocess.run(
            [sys.executable, "-m", "ipqa.cli", "build", str(CORPUS), "--index", str(index_dir), "--model", ""],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert run.returncode != 0 and f"另一个建索引任务正在运行（进程 {os.getpid()}）" in run.stderr + run.stdout
    assert "Traceback" not in run.stderr and not index_dir.exists()
