"""Faults: a build killed at any point leaves a usable index (the old one, or the complete new one), a damaged or
hand-edited index file is refused naming the file, a changed corpus is reported stale with the files named, and
two builds at once do not corrupt each other."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from ipqa.cli import main
from ipqa.index.searcher import Index, IndexLoadError, build_index, index_state
from ipqa.settings import Settings
from tests.helpers.paths import CORPUS, ROOT

QUERIES = ["知识产权质押融资", "专利导航", "量子专利池建设", "地理标志保护"]
NEW_DOC = "测试市量子专利池建设办法\n\n第一条 建设量子专利池，由测试市市场监管局负责。\n第二条 专利导航服务由测试市科技局负责。\n"

# Runs `ipqa ARGS…` after replacing FUNCTION (dotted path) by one that ends the process with os._exit at its Nth
# call: no cleanup, no finally blocks, no atexit, just like a SIGKILL at that point of the build.
DRIVER = r"""
import importlib, os, sys
target, nth = sys.argv[1], int(sys.argv[2])
module_name, attr = target.rsplit(".", 1)
module = importlib.import_module(module_name)
real, calls = getattr(module, attr), [0]
def dying(*args, **kwargs):
    calls[0] += 1
    if calls[0] >= nth:
        os._exit(137)
    return real(*args, **kwargs)
setattr(module, attr, dying)
from ipqa.cli import main
sys.argv = ["ipqa", *sys.argv[3:]]
main()
"""
# (function, call) points to die at. Optional ones depend on how the swap is done (an atomic exchange where the OS
# has one, two renames elsewhere): a build may never reach them, but when it does the index must survive.
KILL_POINTS = [
    ("ipqa.corpus.reading.read_document", 3, True),
    ("ipqa.index.build._token_table", 1, True),
    ("ipqa.index.store.write_jsonl", 2, True),
    ("ipqa.index.manifest.write_manifest", 1, True),
    ("ipqa.index.store.swap_in", 1, True),
    ("os.replace", 1, False),
    ("os.replace", 2, False),
    ("shutil.rmtree", 1, False),
]


def _results(index: Index) -> dict[str, list[tuple[str, float]]]:
    return {q: [(h.clause.clause_id, round(h.score, 6)) for h in index.search(q, k=10).hits] for q in QUERIES}


@pytest.fixture(scope="module")
def versions(tmp_path_factory) -> dict:
    """An old corpus and index, a changed corpus (one seed edited, one document added), and the results each
    version of the index gives."""
    base = tmp_path_factory.mktemp("faults")
    old_corpus, new_corpus = base / "old_corpus", base / "new_corpus"
    shutil.copytree(CORPUS, old_corpus)
    shutil.copytree(CORPUS, new_corpus)
    (new_corpus / "900_new.txt").write_text(NEW_DOC, encoding="utf-8")
    first = min(new_corpus.glob("0*.txt"))
    first.write_text(
        first.read_text(encoding="utf-8") + "\n二十、附则\n本方案自印发之日起施行，专利导航除外。\n", encoding="utf-8"
    )
    build_index([old_corpus], base / "old_index", Settings(model=""))
    build_index([new_corpus], base / "new_index", Settings(model=""))
    old, new = _results(Index.load(base / "old_index")), _results(Index.load(base / "new_index"))
    assert old != new and not old["量子专利池建设"] or old["量子专利池建设"] != new["量子专利池建设"]
    return {"base": base, "old_corpus": old_corpus, "new_corpus": new_corpus, "old": old, "new": new}


def _ipqa(*args: str) -> list[str]:
    return [sys.executable, "-m", "ipqa.cli", *args]


def _assert_usable(index_dir: Path, versions: dict, context: str) -> str:
    try:
        got = _results(Index.load(index_dir))
    except IndexLoadError as exc:
        raise AssertionError(f"{context}: the index is not usable after the kill: {exc}") from None
    assert got in (versions["old"], versions["new"]), f"{context}: results are neither the old nor the new index's"
    return "old" if got == versions["old"] else "new"


def test_a_build_killed_at_each_step_leaves_a_usable_index(versions, tmp_path):
    runs = []
    for n, (target, nth, required) in enumerate(KILL_POINTS):
        index_dir = tmp_path / f"run{n}" / "index"
        shutil.copytree(versions["base"] / "old_index", index_dir)
        args = ["build", str(versions["new_corpus"]), "--index", str(index_dir), "--model", ""]
        proc = subprocess.Popen(
            [sys.executable, "-c", DRIVER, target, str(nth), *args],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        runs.append((f"killed at call {nth} of {target}", index_dir, proc, required))
    outcomes = {}
    for context, index_dir, proc, required in runs:
        _, err = proc.communicate(timeout=300)
        reached = proc.returncode == 137
        assert reached or (not required and proc.returncode == 0), (
            f"{context}: exit {proc.returncode} ({err.decode()[-800:]})"
        )
        outcomes[context] = _assert_usable(index_dir, versions, context)
    assert "old" in outcomes.values()  # the early kill points really left the old index in place


def test_a_build_killed_with_sigkill_at_random_moments_leaves_a_usable_index(versions, tmp_path):
    rng = random.Random(20261121)
    delays = sorted(rng.uniform(0.3, 4.0) for _ in range(4))
    runs = []
    for n, delay in enumerate(delays):
        index_dir = tmp_path / f"run{n}" / "index"
        shutil.copytree(versions["base"] / "old_index", index_dir)
        proc = subprocess.Popen(
            _ipqa("build", str(versions["new_corpus"]), "--index", str(index_dir), "--model", ""),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        runs.append((delay, index_dir, proc))
    started = time.monotonic()
    for delay, index_dir, proc in runs:
        time.sleep(max(0.0, started + delay - time.monotonic()))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    for delay, index_dir, _ in runs:
        _assert_usable(index_dir, versions, f"SIGKILL after {delay:.2f} s")


def test_the_next_build_after_a_kill_succeeds(versions, tmp_path):
    index_dir = tmp_path / "index"
    shutil.copytree(versions["base"] / "old_index", index_dir)
    args = ["build", str(versions["new_corpus"]), "--index", str(index_dir), "--model", ""]
    dead = subprocess.run(
        [sys.executable, "-c", DRIVER, "ipqa.index.manifest.write_manifest", "1", *args],
        cwd=ROOT,
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert dead.returncode == 137
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert _results(Index.load(index_dir)) == versions["new"]


def test_the_next_build_clears_what_a_killed_build_left(versions, tmp_path):
    """A killed build of the full collection leaves a temp folder as large as the index; the next build, which
    holds the lock and so knows no other build is writing, removes it."""
    index_dir = tmp_path / "index"
    shutil.copytree(versions["base"] / "old_index", index_dir)
    args = ["build", str(versions["new_corpus"]), "--index", str(index_dir), "--model", ""]
    dead = subprocess.run(
        [sys.executable, "-c", DRIVER, "ipqa.index.manifest.write_manifest", "1", *args],
        cwd=ROOT,
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert dead.returncode == 137 and list(tmp_path.glob(".index.building-*"))
    assert CliRunner().invoke(main, args).exit_code == 0
    assert not [p.name for p in tmp_path.iterdir() if p.is_dir() and p.name.startswith(".index.")]


# --- damaged index files -----------------------------------------------------------------------------------


def _index_files(folder: Path) -> list[str]:
    return sorted(json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["checksums"])


def test_the_manifest_checksums_every_index_file(versions):
    folder = versions["base"] / "old_index"
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert set(_index_files(folder)) == on_disk - {"manifest.json"}


@pytest.mark.parametrize("damage", ["flip", "truncate", "append", "delete", "hand_edit"])
def test_a_damaged_or_edited_index_file_is_named_at_load(versions, tmp_path, damage):
    names = _index_files(versions["base"] / "old_index")
    for name in names:
        folder = tmp_path / name.replace("/", "_") / "index"
        shutil.copytree(versions["base"] / "old_index", folder)
        path = folder / name
        data = path.read_bytes()
        if damage == "flip":
            path.write_bytes(data[: len(data) // 2] + bytes([data[len(data) // 2] ^ 0x01]) + data[len(data) // 2 + 1 :])
        elif damage == "truncate":
            path.write_bytes(data[: len(data) // 2])
        elif damage == "append":
            path.write_bytes(data + b"\n")
        elif damage == "delete":
            path.unlink()
        elif name.endswith((".jsonl", ".json")):  # a plausible hand edit: valid JSON, one word changed
            text = data.decode("utf-8")
            path.write_text(
                text.replace("知识产权", "知识产品", 1) if "知识产权" in text else text + " ", encoding="utf-8"
            )
        else:
            continue
        with pytest.raises(IndexLoadError) as caught:
            Index.load(folder)
        assert name.rsplit("/", 1)[-1] in str(caught.value), (name, str(caught.value))
        assert "ipqa build" in str(caught.value)


@pytest.mark.parametrize("content", [b"", b"{", b'{"format_version": 1', b"\xff\xfe\x00", b"[]", b'"text"'])
def test_a_broken_manifest_is_named_at_load(versions, tmp_path, content):
    folder = tmp_path / "index"
    shutil.copytree(versions["base"] / "old_index", folder)
    (folder / "manifest.json").write_bytes(content)
    with pytest.raises(IndexLoadError) as caught:
        Index.load(folder)
    assert "manifest.json" in str(caught.value)
    result = CliRunner().invoke(main, ["search", "专利", "--index", str(folder)])
    assert result.exit_code == 1 and "manifest.json" in result.output and "Traceback" not in result.output


# --- stale corpus ------------------------------------------------------------------------------------------


def test_a_changed_corpus_is_reported_stale_with_the_files_named(versions, tmp_path):
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(versions["old_corpus"], corpus)
    build_index([corpus], index_dir, Settings(model=""))
    assert index_state([corpus], index_dir) == ("fresh", [])
    seeds = sorted(corpus.glob("*.txt"))
    seeds[0].write_text(seeds[0].read_text(encoding="utf-8") + "改", encoding="utf-8")
    seeds[1].unlink()
    (corpus / "sub").mkdir()
    (corpus / "sub" / "added.md").write_text(NEW_DOC, encoding="utf-8")
    (corpus / f"{seeds[2].stem}.meta.json").write_text('{"issuer": "测试市人民政府"}', encoding="utf-8")
    state, changed = index_state([corpus], index_dir)
    expected = {seeds[0], seeds[1], corpus / "sub" / "added.md", corpus / f"{seeds[2].stem}.meta.json"}
    assert state == "stale" and {Path(p).resolve() for p in changed} == {p.resolve() for p in expected}
    shown = CliRunner().invoke(main, ["info", "--index", str(index_dir)])
    assert shown.exit_code == 0 and "stale" in shown.output
    assert all(p.name in shown.output for p in expected)


# --- two builds at once ------------------------------------------------------------------------------------


def test_two_builds_at_once_leave_one_complete_index(versions, tmp_path):
    index_dir = tmp_path / "index"
    shutil.copytree(versions["base"] / "old_index", index_dir)
    procs = [
        subprocess.Popen(
            _ipqa("build", str(versions["new_corpus"]), "--index", str(index_dir), "--model", ""),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    codes = [p.returncode for p in procs]
    errors = [err.decode() for _, err in outputs]
    assert 0 in codes, errors
    for code, err in zip(codes, errors):  # a build that lost the race says so; it never crashes
        assert code == 0 or ("另一个建索引任务正在运行" in err and "Traceback" not in err), err[-1500:]
    assert _results(Index.load(index_dir)) == versions["new"]
    leftovers = [p.name for p in index_dir.parent.iterdir() if p.name.startswith(".index.") and p.is_dir()]
    assert not leftovers, leftovers
    assert os.listdir(index_dir)
