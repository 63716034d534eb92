"""Re-check saved citations against the files they quote: the file still has the same sha256, and the text at
the cited span is still the quote. Reads an ``ipqa ask --json`` output or an ``ipqa eval`` RUN.jsonl."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ipqa.index.manifest import Manifest

log = logging.getLogger(__name__)


class VerifyInputError(ValueError):
    """The file to verify is missing or is not an ask/eval JSON output; the message says which."""


@dataclass(frozen=True)
class Report:
    checked: int
    problems: list[str]


def load_citations(path: Path) -> list[dict]:
    """Every citation dict in an ``ask --json`` object (or a list of them) or a JSON-lines run file."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise VerifyInputError(f"cannot read {path}: {exc}") from exc
    try:
        data = json.loads(raw)
        records = data if isinstance(data, list) else [data]
    except json.JSONDecodeError:
        records = []
        for n, line in enumerate(raw.splitlines(), start=1):
            if line.strip():
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise VerifyInputError(
                        f"{path} line {n} is not JSON ({exc.msg}); expected the output of "
                        "`ipqa ask --json` or an `ipqa eval --out` run file"
                    ) from exc
    if not all(isinstance(r, dict) and isinstance(r.get("citations", []), list) for r in records):
        raise VerifyInputError(f'{path} holds no ask/eval records (objects with a "citations" list)')
    return [c for r in records for c in r.get("citations", []) if isinstance(c, dict)]


def _root_of(source: Path, doc_id: str) -> Path:
    """The corpus root a file was read under: doc_id is the path below the root without the extension."""
    depth = len(PurePosixPath(doc_id).parts)
    return source.parents[depth - 1] if len(source.parents) >= depth else source.parent


def _candidate_roots(manifest: Manifest | None, index_dir: Path | None, roots: list[Path]) -> list[Path]:
    """Where the corpus may be: the folders given (``--root``), then the roots the index recorded — as written
    (relative to the working folder) and relative to the index folder's parent, so verify works from anywhere."""
    out = list(roots)
    for root in manifest.roots if manifest else []:
        out.append(Path(root))
        if index_dir is not None and not Path(root).is_absolute():
            out.append(Path(index_dir).resolve().parent / root)
    return list(dict.fromkeys(out))


def _locate(
    cit: dict, manifest: Manifest | None, index_dir: Path | None, roots: list[Path] = ()
) -> tuple[Path, Path] | None:
    """(file, root) for a citation: the given and recorded roots first, then the recorded source path (as
    given, then relative to the index's parent folder)."""
    from ipqa.corpus.formats import SUFFIXES

    doc_id = cit.get("doc_id", "")
    for root in _candidate_roots(manifest, index_dir, list(roots)):
        # the suffix's case is the file's own (001.TXT); match it case-insensitively, never by glob (ids may
        # hold [ ] * characters)
        folder = Path(root) / PurePosixPath(doc_id).parent
        stem = PurePosixPath(doc_id).name
        if folder.is_dir():
            for path in sorted(folder.iterdir()):
                if path.stem == stem and path.suffix.lower() in SUFFIXES and path.is_file():
                    return path, Path(root)
    entry = manifest.documents.get(doc_id) if manifest else None
    source = Path(cit.get("source") or (entry.source if entry else ""))
    candidates = [source] + ([index_dir.resolve().parent / source] if index_dir and not source.is_absolute() else [])
    for path in candidates:
        if str(path) and path.is_file():
            return path, _root_of(path, doc_id)
    return None


_FIELD_TYPES = {
    "doc_id": str,
    "quote": str,
    "start": int,
    "end": int,
    "sha256": str,
    "source": str,
    "clause_id": str,
    "reference": str,
}


def check_citation(
    cit: dict, manifest: Manifest | None, index_dir: Path | None, cache: dict, roots: list[Path] = ()
) -> str | None:
    """The problem with one citation, or None when it checks out."""
    from ipqa.corpus.reading import UnreadableFile, read_document

    name = f"{cit.get('clause_id', '?')} {cit.get('reference', '')}".strip()
    missing = [k for k in ("doc_id", "quote", "start", "end", "sha256") if k not in cit]
    if missing:
        return f"{name}: citation lacks {', '.join(missing)}"
    # the citation file is input, perhaps edited by hand: a field of the wrong type is reported, never a traceback
    wrong = [k for k, kind in _FIELD_TYPES.items() if k in cit and not isinstance(cit[k], kind)]
    if wrong:
        return f"{name}: citation field(s) {', '.join(wrong)} have the wrong type"
    located = _locate(cit, manifest, index_dir, roots)
    if located is None:
        return f"{name}: source file {cit.get('source', '')!r} not found"
    path, root = located
    if path not in cache:
        try:
            cache[path] = read_document(path, root)
        except UnreadableFile as exc:
            cache[path] = str(exc)
    doc = cache[path]
    if isinstance(doc, str):
        return f"{name}: cannot re-read {path}: {doc}"
    if doc.sha256 != cit["sha256"]:
        return f"{name}: {path} changed since it was cited (sha256 {cit['sha256'][:12]}… is now {doc.sha256[:12]}…)"
    start, end = cit["start"], cit["end"]
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(doc.text)):
        return f"{name}: span [{start}, {end}) is not inside the document ({len(doc.text)} characters)"
    if doc.text[start:end] != cit["quote"]:
        return f"{name}: the text at [{start}, {end}) is {doc.text[start:end][:40]!r}…, not the quoted {cit['quote'][:40]!r}…"
    return None


def verify_citations(citations: list[dict], index_dir: Path | None = None, roots: list[Path] = ()) -> Report:
    """Check every citation; ``roots`` (corpus folders) and the manifest of ``index_dir`` (when given and readable)
    say where the corpus is."""
    from ipqa.index.manifest import read_manifest
    from ipqa.index.store import IndexLoadError

    manifest = None
    if index_dir is not None:
        try:
            manifest = read_manifest(Path(index_dir), verify=False)
        except IndexLoadError as exc:
            log.warning("verifying without the index manifest (%s); using the citations' source paths", exc)
    cache: dict = {}
    problems = [p for c in citations if (p := check_citation(c, manifest, index_dir, cache, list(roots)))]
    return Report(len(citations), problems)


def verify_file(path: Path, index_dir: Path | None = None) -> list[str]:
    """Problems with the citations saved in ``path`` ([] when every one checks out)."""
    return verify_citations(load_citations(path), index_dir).problems
