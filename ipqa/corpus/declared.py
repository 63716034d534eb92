"""Metadata a container declares (OFD's DocInfo: title, author, creation date) filled into the fields the text
left empty. The text's own header, title line and signature come first, and a sidecar correction still wins
over both (ipqa.corpus.sidecars runs after this)."""

from __future__ import annotations

from dataclasses import fields, replace

from ipqa.corpus.metadata import titles
from ipqa.records import Flag, Metadata

_FIELDS = frozenset(f.name for f in fields(Metadata))


def fill(meta: Metadata, flags: list[Flag], declared: tuple[tuple[str, str], ...]) -> tuple[Metadata, list[Flag]]:
    """``meta`` with each declared (field, value) where the field is empty; a declared title also settles a
    ``missing_title`` finding and gives the short title and document type."""
    changes = {name: value for name, value in declared if name in _FIELDS and value and not getattr(meta, name)}
    if meta.title and meta.title == dict(declared).get("title"):  # taken from the title hint: declared, not missing
        flags = [f for f in flags if f.kind != "missing_title"]
    if not changes:
        return meta, flags
    if title := changes.get("title"):
        changes.setdefault("short_title", titles.short_title(title))
        if not meta.doc_type:
            changes["doc_type"] = titles.doc_type_of(title)
        flags = [f for f in flags if f.kind != "missing_title"]
    return replace(meta, **changes), flags
