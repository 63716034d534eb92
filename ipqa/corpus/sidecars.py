"""User corrections of metadata: ``<name>.meta.json`` beside a file, or one ``meta.csv`` at a corpus root
(columns ``file`` or ``doc_id``, then Metadata field names). A sidecar value overrides whatever was read or
inferred. Problems (unknown field, bad JSON) become warnings, never crashes: a typo in a correction file must
not stop a build.
"""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Sequence
from dataclasses import fields, replace
from functools import lru_cache
from pathlib import Path

from ipqa.records import Metadata

log = logging.getLogger(__name__)

JSON_SUFFIX = ".meta.json"
CSV_NAME = "meta.csv"
FIELDS = tuple(f.name for f in fields(Metadata))
_KEY_COLUMNS = ("file", "doc_id")


def is_sidecar(path: Path) -> bool:
    return path.name.endswith(JSON_SUFFIX) or path.name == CSV_NAME


def json_paths(path: Path) -> list[Path]:
    """Where the ``.meta.json`` sidecars of ``path`` may be, in the order they apply (a later one wins):
    ``<stem>.meta.json`` and ``<name>.meta.json`` beside it."""
    path = Path(path)
    return [path.with_name(path.stem + JSON_SUFFIX), path.with_name(path.name + JSON_SUFFIX)]


def sidecar_paths(path: Path, root: Path) -> list[Path]:
    """Every place a sidecar that corrects ``path`` may be, existing or not: its ``.meta.json`` files and the
    corpus root's ``meta.csv``. An index treats a change to any of them like a change to the document."""
    return [*json_paths(path), Path(root) / CSV_NAME]


def is_folder(path: Path) -> bool:
    """``Path.is_dir`` that is False, not raised, for any path the OS refuses (a name too long, a loop …)."""
    try:
        return Path(path).is_dir()
    except OSError:
        return False


def sidecars_under(root: Path) -> list[Path]:
    """Every sidecar file anywhere under ``root``, hidden folders included (folder links not followed). A folder
    that cannot be listed or an entry that cannot be checked is passed over, never raised."""
    import os
    import stat

    found = []
    for folder, _dirs, names in os.walk(root, onerror=lambda exc: None):
        for name in names:
            path = Path(folder) / name
            if is_sidecar(path):
                try:
                    if stat.S_ISREG(os.stat(path).st_mode):
                        found.append(path)
                except OSError:
                    continue
    return found


def _check_fields(values: dict, where: str) -> tuple[dict[str, str], list[str]]:
    known, problems = {}, []
    for key, value in values.items():
        if key in _KEY_COLUMNS:
            continue
        if key not in FIELDS:
            problems.append(f"unknown field {key!r} in {where} ignored (known fields: {', '.join(FIELDS)})")
        elif not isinstance(value, (str, int, float)) or isinstance(value, bool):
            problems.append(f"field {key!r} in {where} must be text, got {type(value).__name__}")
        else:
            known[key] = str(value).strip()
    return known, problems


def _json_values(path: Path) -> tuple[dict, list[str]]:
    try:
        values = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return {}, [f"{path.name} is not readable JSON ({exc}); its corrections are ignored"]
    if not isinstance(values, dict):
        return {}, [f"{path.name} must hold a JSON object of field: value; its corrections are ignored"]
    return _check_fields(values, path.name)


@lru_cache(maxsize=16)
def _csv_rows(path: str, mtime_ns: int, size: int) -> tuple[dict[str, dict], tuple[str, ...]]:
    """Rows of a meta.csv keyed by their file/doc_id cell (cached per file version)."""
    rows: dict[str, dict] = {}
    problems: list[str] = []
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            if not any(k in header for k in _KEY_COLUMNS):
                return {}, (f"{CSV_NAME} needs a 'file' or 'doc_id' column; its corrections are ignored",)
            unknown = [h for h in header if h not in FIELDS and h not in _KEY_COLUMNS]
            if unknown:
                problems.append(
                    f"unknown column(s) {', '.join(map(repr, unknown))} in {CSV_NAME} ignored "
                    f"(known fields: {', '.join(FIELDS)})"
                )
            for row in reader:
                key = (row.get("file") or row.get("doc_id") or "").strip()
                if key:
                    rows[key] = {k: v for k, v in row.items() if k in FIELDS and v and v.strip()}
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        return {}, (f"{CSV_NAME} is not readable CSV ({exc}); its corrections are ignored",)
    return rows, tuple(problems)


def _csv_for(root: Path) -> tuple[dict[str, dict], tuple[str, ...]]:
    path = root / CSV_NAME
    if not path.is_file():
        return {}, ()
    stat = path.stat()
    return _csv_rows(str(path), stat.st_mtime_ns, stat.st_size)


def _row_keys(path: Path, root: Path) -> list[str]:
    rel = path.relative_to(root) if path != root else Path(path.name)
    return [rel.as_posix(), rel.with_suffix("").as_posix(), path.name]


def apply(meta: Metadata, path: Path, root: Path) -> tuple[Metadata, list[str]]:
    """``meta`` with the sidecar corrections for ``path`` applied, and the problems found in the sidecars."""
    path, root = Path(path), Path(root)
    values: dict[str, str] = {}
    problems: list[str] = []
    rows, csv_problems = _csv_for(root)
    problems.extend(csv_problems)
    for key in _row_keys(path, root):
        if key in rows:
            values.update(rows[key])
            break
    for json_path in json_paths(path):
        if json_path.is_file():
            json_values, json_problems = _json_values(json_path)
            values.update(json_values)  # the file's own sidecar wins over the shared table
            problems.extend(json_problems)
    if values:
        log.info("%s: metadata corrected by sidecar: %s", path, ", ".join(sorted(values)))
        meta = replace(meta, **values)
    return meta, problems


def unmatched_rows(roots: Sequence[Path], doc_ids: set[str]) -> list[str]:
    """Warnings for meta.csv rows that name no document read from that root."""
    warnings = []
    for root in roots:
        root = Path(root)
        if not is_folder(root):
            continue
        rows, _ = _csv_for(root)
        for key in rows:
            stem = Path(key).with_suffix("").as_posix() if Path(key).suffix else key
            if stem not in doc_ids and not any(d.rsplit("/", 1)[-1] == stem for d in doc_ids):
                warnings.append(f"{root / CSV_NAME}: row {key!r} matches no document")
    return warnings
