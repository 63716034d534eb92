"""Faults around the index folder (issue 14), each one Chinese sentence and a non-zero exit, never a traceback, and
the previous index untouched: the disk filling up during a build (a real 640 KB tmpfs where the test may mount one
in a private mount namespace, else a short write simulated where numpy writes), a read-only index folder (a
read-only bind mount, else a simulated EROFS), a manifest nested 100,000 levels deep or with settings of the wrong
type (the next build replaces it), an index format that is not a number, and a checksum deleted from the manifest
to let an edited texts.txt through."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ipqa.cli import main
from ipqa.index import store
from ipqa.index.searcher import Index, IndexLoadError, build_index
from ipqa.settings import Settings
from tests.helpers.paths import CORPUS, ROOT

SMALL = ["000_81f9c92258dafa0e.txt", "001_e22083f13b5790bb.txt"]


@pytest.fixture()
def old_index(tmp_path) -> tuple[Path, Path, int]:
    """(corpus of all seeds, an index over two of them, its clause count)."""
    small = tmp_path / "small"
    small.mkdir()
    for name in SMALL:
        shutil.copy(CORPUS / name, small)
    index_dir = tmp_path / "index"
    report = build_index([small], index_dir, Settings(model=""))
    return CORPUS, index_dir, report.clauses


def _cli(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def _intact(index_dir: Path, clauses: int) -> None:
    index = Index.load(index_dir)
    assert len(index.clauses) == clauses and {d.split("_")[0] for d in index.documents} == {"000", "001"}
    assert not [p for p in index_dir.parent.iterdir() if p.name.startswith(".index.")]  # no half-written folder


def _can_mount() -> bool:
    if os.geteuid() != 0 or not shutil.which("unshare") or not shutil.which("mount"):
        return False
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True, timeout=30, check=False)
    return probe.returncode == 0


def _in_namespace(script: str, tmp_path: Path) -> subprocess.CompletedProcess:
    """Run a shell script in a private mount namespace (its mounts vanish with it), ipqa as `$IPQA`."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), IPQA=f"{sys.executable} -m ipqa.cli")
    return subprocess.run(
        ["unshare", "-m", "sh", "-c", script],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=tmp_path,
        check=False,
    )


# --- the disk fills up -------------------------------------------------------------------------------------------


def test_disk_full_while_writing_is_a_sentence_and_the_old_index_serves(old_index, monkeypatch):
    corpus, index_dir, clauses = old_index
    real = store.save_tokens

    def short_write(folder, *args):
        real(folder, *args)
        raise OSError("42565 requested and 19424 written")  # numpy's tofile on a full disk: no errno

    monkeypatch.setattr(store, "save_tokens", short_write)
    result = _cli("build", str(corpus), "--index", str(index_dir), "--model", "")
    assert result.exit_code == 1 and "磁盘空间不足" in result.output and "原有索引保持不变" in result.output
    _intact(index_dir, clauses)


@pytest.mark.skipif(not _can_mount(), reason="needs root and unshare to mount a small tmpfs in a private namespace")
def test_disk_full_on_a_small_real_filesystem(old_index, tmp_path):
    corpus, index_dir, _clauses = old_index
    used = sum(p.stat().st_size for p in index_dir.rglob("*") if p.is_file()) // 1024
    disk = tmp_path / "disk"
    disk.mkdir()
    script = f"""
mount -t tmpfs -o size={used + 200}k tmpfs {disk} || exit 99
cp -r {index_dir} {disk}/index
$IPQA build {corpus} --index {disk}/index --model ""
echo "build exit $?"
$IPQA search 专利导航 --index {disk}/index --json > {tmp_path}/hits.json
echo "search exit $?"
"""
    done = _in_namespace(script, tmp_path)
    assert "build exit 1" in done.stdout, (done.stdout, done.stderr)
    assert "磁盘空间不足" in done.stderr and "Traceback" not in done.stderr
    assert "search exit 0" in done.stdout
    hits = json.loads((tmp_path / "hits.json").read_text(encoding="utf-8"))["hits"]
    assert hits and {h["doc_id"].split("_")[0] for h in hits} <= {"000", "001"}  # the old index answered


# --- a read-only index folder ------------------------------------------------------------------------------------


def test_read_only_index_folder_is_a_sentence(old_index, monkeypatch):
    corpus, index_dir, clauses = old_index

    def read_only(*_args, **_kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(store, "temp_sibling", read_only)
    result = _cli("build", str(corpus), "--index", str(index_dir), "--model", "")
    assert result.exit_code == 1 and "不可写" in result.output and "--index" in result.output
    _intact(index_dir, clauses)


@pytest.mark.skipif(not _can_mount(), reason="needs root and unshare for a read-only bind mount")
def test_read_only_mount(old_index, tmp_path):
    corpus, index_dir, clauses = old_index
    folder = index_dir.parent
    script = f"""
mount --bind {folder} {folder} && mount -o remount,bind,ro {folder} || exit 99
$IPQA build {corpus} --index {index_dir} --model ""
echo "build exit $?"
$IPQA search 专利导航 --index {index_dir} -k 1
echo "search exit $?"
"""
    done = _in_namespace(script, tmp_path)
    assert "build exit 1" in done.stdout and "search exit 0" in done.stdout, (done.stdout, done.stderr)
    assert "不可写" in done.stderr and "Traceback" not in done.stderr
    _intact(index_dir, clauses)


# --- a manifest that cannot be trusted ---------------------------------------------------------------------------


def _edit_manifest(index_dir: Path, edit) -> None:
    path = index_dir / "manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(edit(data), ensure_ascii=False), encoding="utf-8")


def test_a_manifest_nested_100000_levels_is_a_sentence_and_the_next_build_replaces_it(old_index):
    corpus, index_dir, _clauses = old_index
    (index_dir / "manifest.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    for command in (["search", "专利"], ["info"]):
        result = _cli(*command, "--index", str(index_dir))
        assert result.exit_code == 1 and "嵌套过深" in result.output and "ipqa build" in result.output
    assert _cli("build", str(corpus), "--index", str(index_dir), "--model", "").exit_code == 0
    assert len(Index.load(index_dir).documents) == len(list(corpus.glob("*.txt")))


@pytest.mark.parametrize(
    ("name", "value"),
    [("max_clause_chars", "abc"), ("depth", None), ("rrf_k", [1]), ("bm25_k1", "x"), ("retrievers", 5),
     ("tokenizer", 7), ("tokenizer", "letters"), ("query_expansion", "a"), ("outside_links", "yes")],
)  # fmt: skip
def test_settings_of_the_wrong_type_are_a_sentence_and_the_next_build_replaces_them(old_index, name, value):
    corpus, index_dir, _clauses = old_index
    _edit_manifest(index_dir, lambda m: m | {"settings": m["settings"] | {name: value}})
    for command in (["search", "专利导航"], ["ask", "谁负责专利导航？"], ["info"]):
        result = _cli(*command, "--index", str(index_dir))
        assert result.exit_code == 1 and "不是有效的索引清单" in result.output, result.output
    assert _cli("build", str(corpus), "--index", str(index_dir), "--model", "").exit_code == 0
    assert Index.load(index_dir).manifest.settings == Settings(model="")


def test_an_index_format_that_is_not_a_number_is_said_so(old_index):
    _corpus, index_dir, _clauses = old_index
    _edit_manifest(index_dir, lambda m: m | {"format_version": "2"})
    with pytest.raises(IndexLoadError, match="'2' 不是数字"):
        Index.load(index_dir)
    _edit_manifest(index_dir, lambda m: m | {"format_version": 9})
    with pytest.raises(IndexLoadError, match="索引格式是 9，这个版本的 ipqa 读格式 2、3"):
        Index.load(index_dir)


def test_a_checksum_deleted_to_pass_an_edited_file_is_refused(old_index):
    _corpus, index_dir, _clauses = old_index
    texts = index_dir / "texts.txt"
    texts.write_text(texts.read_text(encoding="utf-8").replace("知识产权", "知识产业"), encoding="utf-8")
    _edit_manifest(
        index_dir, lambda m: m | {"checksums": {k: v for k, v in m["checksums"].items() if k != "texts.txt"}}
    )
    with pytest.raises(IndexLoadError, match="没有 texts.txt 的校验和"):
        Index.load(index_dir)
    _edit_manifest(index_dir, lambda m: m | {"checksums": {}})
    with pytest.raises(IndexLoadError, match="没有列出校验和"):
        Index.load(index_dir)
