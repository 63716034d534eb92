"""Documents and clauses as plain columns on disk, so 150k clauses load with a few C-speed ``json.loads`` calls.

Files (written by :func:`write_documents` and :func:`write_clauses`, no pickle)::

    documents.jsonl   one line per document: ids, metadata, flags, excluded spans, and where its text lies in
    texts.txt         every document's text, concatenated (UTF-8; ``chars`` in documents.jsonl are code points)
    clauses.jsonl     one line per column: {"column": name, "values": [...]}, row ``i`` = clause ``i``
    clauses.keys.npy  (n, 32) uint8 sha256 digests of each clause's indexed text, what a rebuild reuses vectors by

A clause's text is not stored again: it is ``document.text[start:end]`` (the invariant every clause keeps). A
clause that ever broke it would keep its own text in the sparse ``text`` column, so loading never changes a text.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ipqa.index import store
from ipqa.records import Clause, Departments, Document, Flag, Metadata

# Per-row clause columns, in the order a builder hands them over. "doc" (the document row) and the sparse "text"
# column are added when writing.
COLUMNS = ("clause_id", "label", "path", "start", "end", "lead", "support", "flags", "labels")
_NO_UNITS = Departments()
# Lone surrogates are not text, but a decoder may have let one through: keep them byte-exact rather than fail.
_ERRORS = "surrogatepass"


def clause_columns(doc: Document, clauses: list[Clause]) -> tuple[dict[str, list], dict[int, str]]:
    """(columns of ``clauses``, texts of the rows whose text is not ``doc.text[start:end]``, by row)."""
    cols: dict[str, list] = {name: [] for name in COLUMNS}
    own: dict[int, str] = {}
    for i, c in enumerate(clauses):
        cols["clause_id"].append(c.clause_id)
        cols["label"].append(c.label)
        cols["path"].append(list(c.path))
        cols["start"].append(c.start)
        cols["end"].append(c.end)
        cols["lead"].append(list(c.departments.lead))
        cols["support"].append(list(c.departments.support))
        cols["flags"].append([f.to_dict() for f in c.flags])
        cols["labels"].append(list(c.labels))
        if doc.text[c.start : c.end] != c.text:
            own[i] = c.text
    return cols, own


def build_clause(cols: dict[str, list], i: int, doc: Document, own: dict[int, str]) -> Clause:
    """Clause ``i`` of the columns, its text cut from its document."""
    start, end, lead, support = cols["start"][i], cols["end"][i], cols["lead"][i], cols["support"][i]
    flags = cols["flags"][i]
    return Clause(
        clause_id=cols["clause_id"][i],
        doc_id=doc.doc_id,
        label=cols["label"][i],
        path=tuple(cols["path"][i]),
        text=own[i] if i in own else doc.text[start:end],
        start=start,
        end=end,
        departments=Departments(tuple(lead), tuple(support)) if lead or support else _NO_UNITS,
        flags=tuple(Flag(**f) for f in flags) if flags else (),
        labels=tuple(cols["labels"][i]),
    )


def write_documents(folder: Path, docs: list[Document]) -> list[str]:
    """documents.jsonl and texts.txt."""
    rows, pos = [], 0
    for d in docs:
        rows.append(
            {
                "doc_id": d.doc_id,
                "source": d.source,
                "sha256": d.sha256,
                "encoding": d.encoding,
                "meta": dict(d.meta.__dict__),
                "flags": [f.to_dict() for f in d.flags],
                "excluded": [list(span) for span in d.excluded],
                "chars": [pos, pos + len(d.text)],
            }
        )
        pos += len(d.text)
    store.write_jsonl(folder / "documents.jsonl", rows)
    with open(folder / "texts.txt", "w", encoding="utf-8", errors=_ERRORS, newline="") as f:
        f.writelines(d.text for d in docs)
    return ["documents.jsonl", "texts.txt"]


def read_documents(folder: Path) -> list[Document]:
    with open(folder / "texts.txt", encoding="utf-8", errors=_ERRORS, newline="") as f:
        texts = f.read()
    with open(folder / "documents.jsonl", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    if rows and rows[-1]["chars"][1] != len(texts):
        raise ValueError("texts.txt does not hold the documents' texts")
    return [
        Document(
            doc_id=d["doc_id"],
            source=d["source"],
            sha256=d["sha256"],
            text=texts[slice(*d["chars"])],
            meta=Metadata(**d["meta"]),
            flags=tuple(Flag(**f) for f in d["flags"]),
            excluded=tuple(tuple(s) for s in d["excluded"]),
            encoding=d["encoding"],
        )
        for d in rows
    ]


def write_clauses(folder: Path, cols: dict[str, list], own: dict[int, str], keys: list[bytes]) -> list[str]:
    """clauses.jsonl (one line per column, ``cols`` must hold "doc" too) and clauses.keys.npy."""
    lines = [{"column": name, "values": cols[name]} for name in ("doc", *COLUMNS)]
    lines.append({"column": "text", "values": {str(i): t for i, t in own.items()}})
    store.write_jsonl(folder / "clauses.jsonl", lines)
    digests = np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), 32)
    np.save(folder / "clauses.keys.npy", digests, allow_pickle=False)
    return ["clauses.jsonl", "clauses.keys.npy"]


def read_clause_columns(folder: Path) -> tuple[dict[str, list], dict[int, str]]:
    """(columns, own texts by row) as written by :func:`write_clauses`."""
    cols: dict[str, list] = {}
    with open(folder / "clauses.jsonl", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                item = json.loads(line)
                cols[item["column"]] = item["values"]
    own = {int(i): t for i, t in cols.pop("text", {}).items()}
    n = len(cols["doc"])
    if any(len(cols[name]) != n for name in COLUMNS):
        raise ValueError("clauses.jsonl has columns of different lengths")
    return cols, own


def read_keys(folder: Path) -> list[bytes]:
    """The sha256 digests written by :func:`write_clauses`, one per clause row."""
    raw = np.load(folder / "clauses.keys.npy", allow_pickle=False).tobytes()
    return [raw[i : i + 32] for i in range(0, len(raw), 32)]


def read_clauses(folder: Path, docs: list[Document]) -> list[Clause]:
    """Every clause, in row order, with its text cut from ``docs`` (as read by :func:`read_documents`)."""
    cols, own = read_clause_columns(folder)
    # One pass over zipped columns (the loop that turns 150k rows into Clauses is most of an index's load time).
    out = []
    rows = zip(
        cols["doc"],
        cols["clause_id"],
        cols["label"],
        cols["path"],
        cols["start"],
        cols["end"],
        cols["lead"],
        cols["support"],
        cols["flags"],
        cols["labels"],
    )
    for i, (d, clause_id, label, path, start, end, lead, support, flags, labels) in enumerate(rows):
        doc = docs[d]
        out.append(
            Clause(
                clause_id,
                doc.doc_id,
                label,
                tuple(path),
                own[i] if i in own else doc.text[start:end],
                start,
                end,
                Departments(tuple(lead), tuple(support)) if lead or support else _NO_UNITS,
                tuple(Flag(**f) for f in flags) if flags else (),
                tuple(labels),
            )
        )
    return out
