"""``index/manifest.json`` as one typed record, with its one reader and one writer.

The manifest says what an index is: format version, the settings it was built with (read back at query time so
tokenizer, model and fusion cannot drift), each retriever's status, the documents with their sha256, the input
files and folders it was built from, and a checksum of every other file in the folder (checked at load).
Format 3 keeps the retrievers' statuses under ``retrievers``; format 2 (one ``dense`` entry, BM25 implied) is
still read, so an index built by the previous version loads without a rebuild.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from ipqa.index.store import MANIFEST, IndexLoadError, sha256_file
from ipqa.jsonio import dumps
from ipqa.retrieval.base import RetrieverStatus
from ipqa.settings import Settings

FORMAT_VERSION = 3  # 3: retrievers' statuses by name; 2: columns, texts.txt, clauses.keys.npy, a "dense" entry
log = logging.getLogger(__name__)

READABLE = (2, 3)


@dataclass(frozen=True)
class DocumentEntry:
    sha256: str
    source: str
    clauses: int


@dataclass(frozen=True)
class SkippedEntry:
    path: str
    reason: str


@dataclass
class Manifest:
    settings: Settings
    retrievers: dict[str, RetrieverStatus]
    documents: dict[str, DocumentEntry]
    skipped: list[SkippedEntry] = field(default_factory=list)
    roots: list[str] = field(default_factory=list)  # the corpus folders the index was built from
    files: dict[str, str] = field(default_factory=dict)  # every input file (documents, sidecars) → sha256
    checksums: dict[str, str] = field(default_factory=dict)  # every other file of the index folder → sha256
    tokenizer: str = ""  # ipqa.retrieval.tokens.tokenizer_signature at build time
    split: str = ""  # ipqa.index.reuse.split_signature at build time
    created: str = ""
    ipqa_version: str = ""
    format_version: int = FORMAT_VERSION

    @property
    def counts(self) -> dict[str, int]:
        return {
            "documents": len(self.documents),
            "clauses": sum(d.clauses for d in self.documents.values()),
            "skipped": len(self.skipped),
        }

    def status(self, name: str) -> RetrieverStatus:
        """A retriever's saved status; one the manifest does not list is off."""
        return self.retrievers.get(name) or RetrieverStatus(name, on=False, reason="not built into this index")

    def to_dict(self) -> dict:
        return {
            "format_version": self.format_version,
            "ipqa_version": self.ipqa_version,
            "created": self.created,
            "settings": self.settings.to_dict(),
            "tokenizer": self.tokenizer,
            "split": self.split,
            "retrievers": {name: s.to_dict() for name, s in self.retrievers.items()},
            "counts": self.counts,
            "documents": {
                d: {"sha256": e.sha256, "source": e.source, "clauses": e.clauses} for d, e in self.documents.items()
            },
            "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped],
            "roots": list(self.roots),
            "files": dict(self.files),
            "checksums": dict(self.checksums),
        }

    @classmethod
    def from_dict(cls, data: dict) -> Manifest:
        """Raises KeyError/TypeError/ValueError on a malformed manifest (the reader turns them into IndexLoadError)."""
        version = data.get("format_version")
        if version == 2:  # BM25 always, dense as recorded
            retrievers = {
                "bm25": RetrieverStatus("bm25", on=True),
                "dense": RetrieverStatus.from_dict("dense", dict(data.get("dense") or {})),
            }
        else:
            retrievers = {str(n): RetrieverStatus.from_dict(str(n), dict(s)) for n, s in data["retrievers"].items()}
        return cls(
            settings=Settings.from_dict(dict(data.get("settings") or {})),
            retrievers=retrievers,
            documents={
                str(d): DocumentEntry(str(e["sha256"]), str(e["source"]), int(e["clauses"]))
                for d, e in dict(data.get("documents") or {}).items()
            },
            skipped=[SkippedEntry(str(s["path"]), str(s["reason"])) for s in data.get("skipped") or []],
            roots=[str(r) for r in data.get("roots") or []],
            files={str(k): str(v) for k, v in dict(data.get("files") or {}).items()},
            checksums={str(k): str(v) for k, v in dict(data.get("checksums") or {}).items()},
            tokenizer=str(data.get("tokenizer") or ""),
            split=str(data.get("split") or ""),
            created=str(data.get("created") or ""),
            ipqa_version=str(data.get("ipqa_version") or ""),
            format_version=int(version),
        )


def write_manifest(folder: Path, manifest: Manifest) -> None:
    """Write the manifest whole or not at all (a temporary file renamed over it): a reader never sees half of it,
    which matters when the vectors of a serving index are completed in place (ipqa.index.embed)."""
    import os

    path = Path(folder) / MANIFEST
    tmp = path.with_name(f".{MANIFEST}.{os.getpid()}.tmp")
    tmp.write_text(dumps(manifest.to_dict(), indent=1), encoding="utf-8")
    os.replace(tmp, path)


def read_manifest(folder: Path, verify: bool = True) -> Manifest:
    """The manifest of a complete index, else IndexLoadError naming the file at fault and what to do (in Chinese:
    the app and the CLI show it as it is)."""
    from ipqa.index.store import recover

    folder = Path(folder)
    rebuild = _rebuild(folder)
    if not folder.exists():
        recover(folder)
    if not folder.is_dir():
        raise IndexLoadError(f"{folder} 没有索引：请先运行 `ipqa build`")
    path = folder / MANIFEST
    if not path.is_file():
        raise IndexLoadError(f"{folder} 中没有 {MANIFEST}（上次构建被中断，或这不是索引文件夹）；{rebuild}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except RecursionError:  # json recurses once per nesting level: 100,000 nested [ overflow it
        raise IndexLoadError(f"{path} 嵌套过深，不是索引清单；{rebuild}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise IndexLoadError(f"{path} 不是有效的 JSON（{type(exc).__name__}）；{rebuild}") from None
    if not isinstance(data, dict):
        raise IndexLoadError(f"{path} 不是索引清单（内容是 JSON {type(data).__name__}）；{rebuild}")
    version, readable = data.get("format_version"), "、".join(map(str, READABLE))
    if version not in READABLE or isinstance(version, bool):
        said = (
            f"是 {version}" if isinstance(version, int) and not isinstance(version, bool) else f"{version!r} 不是数字"
        )
        raise IndexLoadError(f"{path} 记录的索引格式{said}，这个版本的 ipqa 读格式 {readable}；{rebuild}")
    try:
        manifest = Manifest.from_dict(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        log.info("%s: %s: %s", path, type(exc).__name__, exc)  # which field, for an administrator (ipqa -v)
        raise IndexLoadError(f"{path} 不是有效的索引清单（有字段缺失或类型不对）；{rebuild}") from None
    if verify:
        verify_files(folder, manifest)
    return manifest


def _rebuild(folder: Path) -> str:
    return f"请运行 `ipqa build --index {folder}` 重建"


def verify_files(folder: Path, manifest: Manifest) -> None:
    """Raise IndexLoadError naming the first index file that is missing or does not match its checksum."""
    rebuild, listing = _rebuild(folder), Path(folder) / MANIFEST
    if not manifest.checksums:
        raise IndexLoadError(f"{listing} 没有列出校验和，索引文件无法信任；{rebuild}")
    if unlisted := _unlisted(Path(folder), manifest):
        raise IndexLoadError(f"{listing} 没有 {unlisted} 的校验和，索引无法信任；{rebuild}")
    for name, expected in manifest.checksums.items():
        file = Path(folder) / name
        if not file.is_file():
            raise IndexLoadError(f"索引文件 {file} 不见了；{rebuild}")
        if sha256_file(file) != expected:
            raise IndexLoadError(f"索引文件 {file} 与 {MANIFEST} 中的校验和不符（被修改过或没有写完）；{rebuild}")


def _unlisted(folder: Path, manifest: Manifest) -> str | None:
    """An index file the loader would read but the manifest has no checksum for (a checksum deleted by hand lets an
    edited file through): every file at the top of the folder, and those of each retriever that serves (a
    retriever still computing writes its files before the manifest lists them). Dot-files are temporary."""
    folders = [folder] + [folder / name for name, status in manifest.retrievers.items() if status.on]
    for place in folders:
        for path in sorted(place.iterdir()) if place.is_dir() else []:
            name = path.relative_to(folder).as_posix()
            if path.is_file() and name != MANIFEST and not path.name.startswith(".") and name not in manifest.checksums:
                return name
    return None
