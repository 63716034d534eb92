"""Adding files to a corpus folder and taking them out again, for people managing documents in the app.

A file is added under a sanitised name (no folders, no hidden names, no control characters; a supported suffix,
at most MAX_FILE_BYTES), written to a hidden temp file and linked into place, so a half-written upload is never
read and an existing file is never overwritten: a different file of the same name is saved beside it as
``名称（2）.txt``, unless the caller asks to replace it, and then the old one is moved out first. Removing moves the
file (and its metadata sidecar) into ``.ipqa-removed/<time>/`` inside the same folder, which the listing skips as
hidden: the person can put it back. Messages are Chinese: they are shown to the person as they are.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ipqa.corpus.formats import SUFFIXES
from ipqa.corpus.sidecars import json_paths
from ipqa.settings import MAX_FILE_BYTES

REMOVED = ".ipqa-removed"  # hidden: never read as corpus, so a removed file stays out of the index
MAX_NAME_BYTES = 200  # under the 255-byte limit of common file systems, leaving room for "（99）"
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


class RejectedFile(ValueError):
    """A file that cannot be added; ``str(exc)`` is the Chinese reason."""


@dataclass(frozen=True)
class Added:
    path: Path  # where the file now is
    status: str  # "added" | "renamed" (a different file had the name) | "replaced" | "same" (already there)
    moved_to: Path | None = None  # the replaced file's new place

    @property
    def message(self) -> str:
        name = self.path.name
        return {
            "added": f"已保存为 {name}",
            "renamed": f"同名文件已存在，另存为 {name}",
            "replaced": f"已替换 {name}（原文件已移到回收文件夹）",
            "same": f"{name} 已在语料中（内容相同），未重复保存",
        }[self.status]


def safe_name(name: str) -> str:
    """The file name to store an upload under: the last path component, NFC, without control or reserved
    characters, not hidden, at most MAX_NAME_BYTES; raises RejectedFile when nothing usable is left or the
    suffix is not a supported format."""
    base = unicodedata.normalize("NFC", name.replace("\\", "/")).rsplit("/", 1)[-1]
    base = _UNSAFE.sub("_", base).strip().lstrip(".").strip()
    stem, dot, suffix = base.rpartition(".")
    if not dot or not stem.strip("._ "):
        raise RejectedFile(f"文件名“{name}”不可用：需要文件名和表示格式的扩展名（{supported_in_words()}文件）")
    suffix = "." + suffix.lower()
    if suffix not in SUFFIXES:
        raise RejectedFile(f"不支持的文件格式 {suffix}：可上传{supported_in_words()}文件")
    encoded = stem.encode("utf-8")[: MAX_NAME_BYTES - len(suffix)]
    return encoded.decode("utf-8", errors="ignore").rstrip() + suffix


def supported() -> str:
    """The supported suffixes, for a message about one file's name."""
    return "、".join(sorted(SUFFIXES))


KIND_NAMES = {
    "text": "文本",
    "html": "网页",
    "docx": "Word",
    "doc": "WPS 与旧版 Word（.doc）",
    "odt": "ODT",
    "ofd": "OFD 版式",
    "pdf": "PDF",
}  # the formats table's kinds, in words


def supported_in_words() -> str:
    """The supported formats as a person names them (文本、网页、Word、PDF)."""
    kinds = dict.fromkeys(SUFFIXES.values())
    return "、".join(KIND_NAMES.get(kind, kind) for kind in kinds)


def _numbered(folder: Path, name: str, n: int) -> Path:
    stem, suffix = os.path.splitext(name)
    return folder / f"{stem}（{n}）{suffix}"


def add_file(folder: Path, name: str, data: bytes, replace: bool = False) -> Added:
    """Save ``data`` as ``name`` (sanitised) in ``folder``; never overwrites: see the module docstring."""
    folder = Path(folder)
    if not data:
        raise RejectedFile(f"{name} 是空文件")
    if len(data) > MAX_FILE_BYTES:
        raise RejectedFile(
            f"{name} 有 {len(data) / 2**20:,.0f} MB，超过单个文件 {MAX_FILE_BYTES / 2**20:,.0f} MB 的上限"
        )
    target = folder / safe_name(name)
    digest = hashlib.sha256(data).hexdigest()
    folder.mkdir(parents=True, exist_ok=True)
    temp = folder / f".upload-{os.getpid()}-{time.monotonic_ns()}{target.suffix}"
    temp.write_bytes(data)
    try:
        moved = None
        if target.exists() and _sha256(target) == digest:
            return Added(target, "same")
        if target.exists() and replace:
            moved = move_out(folder, target)
        for n in range(1, 1000):
            candidate = target if n == 1 else _numbered(folder, target.name, n)
            try:
                os.link(temp, candidate)  # fails when the name is taken: no overwrite, even in a race
            except FileExistsError:
                if _sha256(candidate) == digest:
                    return Added(candidate, "same")
                continue
            status = "replaced" if moved else ("added" if n == 1 else "renamed")
            return Added(candidate, status, moved)
        raise RejectedFile(f"{target.name} 的同名文件太多，请改名后再上传")
    finally:
        temp.unlink(missing_ok=True)


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def move_out(root: Path, path: Path) -> Path:
    """Move ``path`` (a file under the corpus folder ``root``) and its own metadata sidecar into
    ``root/.ipqa-removed/<time>/``, keeping its path below ``root``; returns the file's new place. Raises
    RejectedFile for a path outside ``root`` or one that is not a file."""
    root, path = Path(root).resolve(), Path(path)
    real = path.resolve()
    if not real.is_relative_to(root) or real.is_relative_to(root / REMOVED):
        raise RejectedFile(f"{path} 不在语料文件夹 {root} 中")
    if path.is_symlink() or not path.is_file():
        raise RejectedFile(f"{path} 不是语料中的普通文件")
    stamp = time.strftime("%Y%m%d-%H%M%S") + f"-{time.monotonic_ns() % 10**6:06d}"
    rel = real.relative_to(root)
    dest = root / REMOVED / stamp / rel
    dest.parent.mkdir(parents=True, exist_ok=True)
    os.replace(real, dest)
    for sidecar in json_paths(real):  # its own <name>.meta.json; a folder's meta.csv is shared: left in place
        if sidecar.is_file():
            os.replace(sidecar, dest.parent / sidecar.name)
    return dest
