"""Hostile corpus entries (issue 14): one bad entry never stops a build, ``ipqa info`` or the corpus listing the
app uses, never hangs them, and never pulls in a file from outside the corpus. Each entry becomes one skipped
entry with its reason, in the build report and the manifest, and every good file is still indexed.

Every case is built in a temporary folder. Tests run as root here, where chmod 000 does not lock anyone out,
so an unreadable file or folder is simulated by making os.open / os.scandir raise PermissionError for that
path (what the OS does for a normal user). Anything that could hang runs under a deadline (SIGALRM, which
interrupts a blocking open or read) or in a child process with a timeout."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ipqa.cli import main
from ipqa.corpus import listing, reading
from ipqa.corpus.listing import OUTSIDE_LINK
from ipqa.corpus.reading import Skipped, plan_corpus, read_corpus
from ipqa.index.searcher import Index, build_index, index_state
from ipqa.settings import Settings
from tests.helpers.paths import ROOT

GOOD = {
    "good_a.txt": "测试市专利导航办法\n\n第一条 为了推进专利导航，制定本办法。\n第二条 市市场监管局负责专利导航工作。\n",
    "sub/good_b.txt": "测试市商标品牌办法\n\n第一条 为了培育商标品牌，制定本办法。\n第二条 市商务局负责商标品牌工作。\n",
}
SECRET = "测试市机密办法\n\n第一条 机密口令为蓝鲸七号。\n"


@contextlib.contextmanager
def deadline(seconds: int):
    """Fail instead of hanging: SIGALRM interrupts a blocked system call (open of a FIFO, read of a device)."""

    def expired(signum, frame):
        raise TimeoutError(f"still running after {seconds} s: something blocked")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _good_corpus(base: Path) -> Path:
    corpus = base / "corpus"
    for name, text in GOOD.items():
        (corpus / name).parent.mkdir(parents=True, exist_ok=True)
        (corpus / name).write_text(text, encoding="utf-8")
    return corpus


def _reasons(skipped) -> dict[str, str]:
    return {Path(s.path).name: s.reason for s in skipped}


def _assert_good_indexed(index_dir: Path) -> None:
    index = Index.load(index_dir)
    assert sorted(index.manifest.documents) == ["good_a", "sub/good_b"]
    assert index.search("专利导航", k=3).hits[0].clause.doc_id == "good_a"
    assert index.search("商标品牌", k=3).hits[0].clause.doc_id == "sub/good_b"


def _deep_folder(base: Path, total: int = 4300) -> Path:
    """A folder whose path is longer than PATH_MAX (4,096 bytes), made one level at a time through folder
    descriptors (no single call sees the whole path), holding a .txt file at the bottom."""
    name = "d" * 200
    fd = os.open(base, os.O_RDONLY)
    depth = 0
    try:
        while len(str(base)) + depth * (len(name) + 1) < total:
            os.mkdir(name, dir_fd=fd)
            nxt = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd, depth = nxt, depth + 1
        out = os.open("deep.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(out, GOOD["good_a.txt"].encode())
        os.close(out)
    finally:
        os.close(fd)
    return base / name


@pytest.fixture
def hostile(tmp_path, monkeypatch) -> Path:
    """The good corpus plus one of each bad entry of issue 14 (item 1)."""
    corpus = _good_corpus(tmp_path)
    os.symlink(corpus / "nowhere.txt", corpus / "broken.txt")  # broken link
    os.symlink(corpus / "loop_b.txt", corpus / "loop_a.txt")  # two links pointing at each other
    os.symlink(corpus / "loop_a.txt", corpus / "loop_b.txt")
    monkeypatch.chdir(corpus)  # a unix socket path must fit in 108 bytes: bind it relative to the corpus
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind("x.txt")
    monkeypatch.chdir(tmp_path)
    (corpus / "locked.txt").write_text(GOOD["good_a.txt"], encoding="utf-8")
    _deep_folder(corpus)
    real_open = os.open

    def locked_open(path, *args, **kwargs):  # root is never refused: simulate the PermissionError a user gets
        if isinstance(path, (str, os.PathLike)) and Path(path).name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", locked_open)
    yield corpus
    server.close()


EXPECTED = {
    "broken.txt": "broken link",
    "loop_a.txt": "link loop",
    "loop_b.txt": "link loop",
    "x.txt": "a socket, not a regular file",
    "locked.txt": "permission denied",
    "d" * 200: "path too long",
}


def test_each_bad_entry_is_one_skipped_entry_with_its_reason_and_the_rest_is_indexed(hostile, tmp_path):
    with deadline(120):
        report = build_index([hostile], tmp_path / "index", Settings(model=""))
    reasons = _reasons(report.skipped)
    for name, expected in EXPECTED.items():
        assert expected in reasons[name], (name, reasons.get(name))
    assert set(reasons) == set(EXPECTED)
    assert report.documents == 2
    _assert_good_indexed(tmp_path / "index")
    manifest = json.loads((tmp_path / "index" / "manifest.json").read_text(encoding="utf-8"))
    assert _reasons(Skipped(**s) for s in manifest["skipped"]) == reasons


def test_ipqa_info_and_index_state_survive_every_bad_entry(hostile, tmp_path):
    with deadline(120):
        build_index([hostile], tmp_path / "index", Settings(model=""))
        assert index_state([hostile], tmp_path / "index") == ("fresh", [])  # what the app's corpus page calls
        result = CliRunner().invoke(main, ["info", "--index", str(tmp_path / "index"), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["state"] == "fresh"
    assert {Path(s["path"]).name for s in data["skipped"]} == set(EXPECTED)


def test_read_corpus_reports_the_same_entries(hostile):
    with deadline(60):
        read = read_corpus([hostile])
    assert sorted(d.doc_id for d in read.documents) == ["good_a", "sub/good_b"]
    assert set(_reasons(read.skipped)) == set(EXPECTED)


def test_a_file_deleted_between_listing_and_hashing_is_skipped(tmp_path, monkeypatch):
    corpus = _good_corpus(tmp_path)
    (corpus / "vanishing.txt").write_text(GOOD["good_a.txt"], encoding="utf-8")
    real_hash = reading.file_sha256

    def deleting_hash(path):  # the concurrent deleter of the issue, at the worst moment
        if Path(path).name == "vanishing.txt":
            Path(path).unlink()
        return real_hash(path)

    monkeypatch.setattr(reading, "file_sha256", deleting_hash)
    with deadline(60):
        report = build_index([corpus], tmp_path / "index", Settings(model=""))
    assert "disappeared" in _reasons(report.skipped)["vanishing.txt"]
    _assert_good_indexed(tmp_path / "index")


def test_a_file_deleted_between_planning_and_reading_is_skipped(tmp_path, monkeypatch):
    corpus = _good_corpus(tmp_path)
    (corpus / "vanishing.txt").write_text(GOOD["good_a.txt"], encoding="utf-8")
    real_read = reading._read_bytes

    def deleting_read(path):
        if Path(path).name == "vanishing.txt":
            Path(path).unlink()
        return real_read(path)

    monkeypatch.setattr(reading, "_read_bytes", deleting_read)
    with deadline(60):
        report = build_index([corpus], tmp_path / "index", Settings(model=""))
    assert "disappeared" in _reasons(report.skipped)["vanishing.txt"]
    _assert_good_indexed(tmp_path / "index")


def test_a_corpus_root_whose_name_is_too_long_is_reported(tmp_path):
    corpus = _good_corpus(tmp_path)
    too_long = tmp_path / ("n" * 300)  # over NAME_MAX (255 bytes): the OS refuses the name itself
    with deadline(60):
        plan = plan_corpus([corpus, too_long])
        assert index_state([corpus, too_long], tmp_path / "none") == ("missing", [])
        report = build_index([corpus, too_long], tmp_path / "index", Settings(model=""))
    skipped = [item for item in plan if isinstance(item, Skipped)]
    assert len(skipped) == 1 and "path too long" in skipped[0].reason
    assert "path too long" in _reasons(report.skipped)["n" * 300]
    _assert_good_indexed(tmp_path / "index")


# --- item 2: FIFOs and devices never hang; regular files only, with a size limit --------------------------------


def _fifo_corpus(tmp_path: Path) -> Path:
    corpus = _good_corpus(tmp_path)
    os.mkfifo(corpus / "pipe.txt")
    os.symlink("/dev/zero", corpus / "zero.txt")
    return corpus


def test_fifo_and_link_to_dev_zero_are_skipped_without_hanging(tmp_path):
    corpus = _fifo_corpus(tmp_path)
    with deadline(60):
        report = build_index([corpus], tmp_path / "index", Settings(model=""))
        state = index_state([corpus], tmp_path / "index")
    reasons = _reasons(report.skipped)
    assert "a FIFO (named pipe), not a regular file" in reasons["pipe.txt"]
    assert "a character device, not a regular file" in reasons["zero.txt"]
    assert state == ("fresh", [])
    _assert_good_indexed(tmp_path / "index")


def test_fifo_build_in_a_child_process_ends(tmp_path):
    """The whole CLI build, in a child process that is killed if it does not end: a hang fails the test instead
    of stopping the suite."""
    corpus = _fifo_corpus(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "ipqa.cli", "build", str(corpus), "--index", str(tmp_path / "index"), "--model", ""]
    done = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=180, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "2 个文件" in done.stdout
    assert "FIFO" in done.stdout and "character device" in done.stdout


def test_reading_a_fifo_or_device_directly_is_refused_at_once(tmp_path):
    corpus = _fifo_corpus(tmp_path)
    with deadline(20):
        for name in ("pipe.txt", "zero.txt"):
            result = reading.read_one(corpus / name, corpus)  # planned before it was swapped for a FIFO, say
            assert isinstance(result, Skipped) and "not a regular file" in result.reason
            assert reading.file_sha256(corpus / name) is None


def test_a_file_over_the_size_limit_is_skipped(tmp_path, monkeypatch):
    corpus = _good_corpus(tmp_path)
    (corpus / "huge.txt").write_text(GOOD["good_a.txt"] * 100, encoding="utf-8")
    monkeypatch.setattr(listing, "MAX_FILE_BYTES", 4096)  # the real limit is 256 MiB (ipqa.settings)
    report = build_index([corpus], tmp_path / "index", Settings(model=""))
    assert "over the 0 MB limit" in _reasons(report.skipped)["huge.txt"]
    with pytest.raises(reading.UnreadableFile, match="limit"):  # grown after it was listed
        reading.read_document(corpus / "huge.txt", corpus)
    _assert_good_indexed(tmp_path / "index")


# --- item 3: links outside the corpus refused unless opted in; folder links followed or reported ------------------


@pytest.fixture
def linked(tmp_path) -> Path:
    corpus = _good_corpus(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    os.symlink(outside / "secret.txt", corpus / "passwd.txt")  # `ln -s /etc/passwd corpus/passwd.txt`
    os.symlink(outside, corpus / "elsewhere")  # a folder link out of the corpus
    hidden = corpus / ".archive"
    hidden.mkdir()
    (hidden / "old.txt").write_text(
        "测试市地理标志办法\n\n第一条 为了保护地理标志，制定本办法。\n", encoding="utf-8"
    )  # not read as a hidden folder, but read through the link below
    os.symlink(hidden, corpus / "archive")
    os.symlink(corpus / "sub", corpus / "again")  # a second way to a folder that is read already
    os.symlink(corpus, corpus / "sub" / "up")  # a loop: corpus/sub/up/sub/up/…
    return corpus


def test_links_outside_the_corpus_are_refused_with_the_reason(linked, tmp_path):
    with deadline(60):
        report = build_index([linked], tmp_path / "index", Settings(model=""))
    reasons = _reasons(report.skipped)
    assert OUTSIDE_LINK in reasons["passwd.txt"] and str(tmp_path / "outside" / "secret.txt") in reasons["passwd.txt"]
    assert OUTSIDE_LINK in reasons["elsewhere"]
    index = Index.load(tmp_path / "index")
    assert not any("蓝鲸" in h.clause.text for h in index.search("机密口令 蓝鲸七号", k=10).hits)
    assert sorted(index.manifest.documents) == ["archive/old", "good_a", "sub/good_b"]


def test_folder_links_inside_are_followed_once_and_loops_reported(linked, tmp_path):
    with deadline(60):
        read = read_corpus([linked])
    assert sorted(d.doc_id for d in read.documents) == ["archive/old", "good_a", "sub/good_b"]
    reasons = _reasons(read.skipped)
    assert "read already" in reasons["again"] and "read already" in reasons["up"]
    assert set(reasons) == {"passwd.txt", "elsewhere", "again", "up"}  # nothing silently ignored


def test_links_outside_are_read_when_the_user_opts_in(linked, tmp_path):
    with deadline(60):
        report = build_index([linked], tmp_path / "index", Settings(model="", outside_links=True))
        state = index_state([linked], tmp_path / "index")
    index = Index.load(tmp_path / "index")
    assert {"passwd", "elsewhere/secret"} <= set(index.manifest.documents)
    assert not any(OUTSIDE_LINK in s.reason for s in report.skipped)
    assert state == ("fresh", [])  # the manifest's setting decides what info and the app compare with
    result = CliRunner().invoke(
        main, ["build", str(linked), "--index", str(tmp_path / "cli"), "--model", "", "--outside-links"]
    )
    assert result.exit_code == 0 and "5 个文件" in result.output, result.output


def test_an_unreadable_sub_folder_is_reported_not_lost(tmp_path, monkeypatch):
    corpus = _good_corpus(tmp_path)
    locked = corpus / "locked"
    locked.mkdir()
    (locked / "inside.txt").write_text(GOOD["good_a.txt"], encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path="."):  # root can list any folder: simulate the PermissionError a user gets
        if Path(os.fsdecode(path)).name == "locked":
            raise PermissionError(13, "Permission denied", os.fsdecode(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    with deadline(60):
        report = build_index([corpus], tmp_path / "index", Settings(model=""))
    reason = _reasons(report.skipped)["locked"]
    assert "folder cannot be listed" in reason and "permission denied" in reason
    _assert_good_indexed(tmp_path / "index")


# --- the app: the corpus page compares the corpus with the index (index_state) on every run ------------------------


def test_the_app_corpus_page_serves_through_bad_entries(tmp_path, monkeypatch):
    import streamlit as st

    from tests.helpers.apptest import app_test

    corpus = _fifo_corpus(tmp_path)  # a FIFO and a link to /dev/zero, which the page's freshness check must not open
    os.symlink(corpus / "nowhere.txt", corpus / "broken.txt")
    os.symlink(corpus / "loop_b.txt", corpus / "loop_a.txt")
    os.symlink(corpus / "loop_a.txt", corpus / "loop_b.txt")
    build_index([corpus], tmp_path / "index", Settings(model=""))
    for key, value in {"IPQA_INDEX": tmp_path / "index", "IPQA_CORPUS": corpus, "IPQA_MODEL": ""}.items():
        monkeypatch.setenv(key, str(value))
    st.cache_resource.clear()
    try:
        app = app_test()
        app.query_params["page"] = "corpus"
        with deadline(150):
            at = app.run()
    finally:
        st.cache_resource.clear()
    assert not at.exception
    skipped = next(df.value for df in at.dataframe if "原因" in df.value.columns)
    shown = {Path(p).name for p in skipped["文件"]}
    assert {"pipe.txt", "zero.txt", "broken.txt", "loop_a.txt", "loop_b.txt"} <= shown


def test_a_sidecar_beside_a_linked_file_outside_is_watched_when_opted_in(linked, tmp_path):
    build_index([linked], tmp_path / "index", Settings(model="", outside_links=True))
    sidecar = tmp_path / "outside" / "secret.meta.json"
    sidecar.write_text(json.dumps({"title": "改过的标题"}, ensure_ascii=False), encoding="utf-8")
    state, changed = index_state([linked], tmp_path / "index")
    assert state == "stale" and str(sidecar) in changed
