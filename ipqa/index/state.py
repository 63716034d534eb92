"""An index against its corpus folders: the input files and their sha256, what changed, was added or removed since
the build (a rebuild would drop the removed ones), and the folders the index was built from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ipqa.index import manifest, store
from ipqa.records import IndexState


def source_files(roots: Sequence[Path], outside_links: bool = False, plan: list | None = None) -> dict[str, str]:
    """Every input file under ``roots`` (documents and metadata sidecars) → sha256 of its bytes; ``plan`` is
    ``plan_corpus(roots, outside_links)`` when the caller has it. Never raises for an entry of the corpus: one
    that cannot be planned (broken link, FIFO …) or hashed now (deleted since it was listed, unreadable) is left
    out, and the read that follows reports it as skipped."""
    from ipqa.corpus.reading import Skipped, file_sha256, input_files, plan_corpus, resolved
    from ipqa.corpus.sidecars import is_folder, sidecars_under

    plan = plan_corpus(roots, outside_links) if plan is None else plan
    files = set()
    for item in plan:
        if not isinstance(item, Skipped):  # the document and where its sidecars may be (a followed link's too)
            files.update(resolved(p) for p in input_files(item[1], item[0]))
    for root in roots:
        if is_folder(Path(root)):
            files.update(resolved(p) for p in sidecars_under(root))
    hashes = {path: file_sha256(Path(path)) for path in sorted(files)}
    return {path: digest for path, digest in hashes.items() if digest is not None}


@dataclass(frozen=True)
class IndexChanges:
    """How the files under some corpus folders differ from what an index was built from."""

    state: IndexState  # "missing" | "stale" | "fresh"
    changed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()  # in the index, no longer under the folders: a rebuild would drop them

    @property
    def paths(self) -> list[str]:
        return [*self.changed, *self.added, *self.removed]


def index_changes(roots: Sequence[Path], index_dir: Path) -> IndexChanges:
    """The changed, added and removed files under ``roots`` against the index at ``index_dir``."""
    try:
        record = manifest.read_manifest(Path(index_dir), verify=False)
    except store.IndexLoadError:
        return IndexChanges("missing")
    built, now = record.files, source_files(roots, record.settings.outside_links)
    changed = tuple(sorted(p for p in now if p in built and built[p] != now[p]))
    added = tuple(sorted(p for p in now if p not in built))
    removed = tuple(sorted(p for p in built if p not in now))
    return IndexChanges("stale" if changed or added or removed else "fresh", changed, added, removed)


def index_state(roots: Sequence[Path], index_dir: Path) -> tuple[str, list[str]]:
    """("missing" | "stale" | "fresh", the changed, added and removed file paths) for the files under ``roots``."""
    changes = index_changes(roots, index_dir)
    return changes.state, changes.paths


def built_roots(index_dir: Path, base: Path | None = None) -> list[Path]:
    """The corpus folders the index at ``index_dir`` was built from (relative ones taken from ``base`` when they
    exist there), or [] when there is no readable index."""
    try:
        record = manifest.read_manifest(Path(index_dir), verify=False)
    except store.IndexLoadError:
        return []
    out = []
    for root in record.roots:
        path = Path(root)
        if not path.is_absolute() and base is not None and (base / path).is_dir():
            path = base / path
        out.append(path)
    return out
