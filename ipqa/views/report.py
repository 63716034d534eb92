"""The corpus data-quality report behind ``ipqa report``: what was read, what was skipped and why, which
documents carry flags, and how complete the metadata is (per field and per document)."""

from __future__ import annotations

from collections import Counter
from dataclasses import fields

from ipqa.corpus.reading import CorpusRead
from ipqa.records import Metadata
from ipqa.views.labels import INFO_FLAGS

METADATA_FIELDS = tuple(f.name for f in fields(Metadata))


def build_report(read: CorpusRead) -> dict:
    """A JSON-ready summary of a corpus read."""
    docs = read.documents
    completeness = {name: sum(bool(getattr(d.meta, name)) for d in docs) for name in METADATA_FIELDS}
    flagged = []
    for d in docs:
        if not d.flags:
            continue
        flagged.append(
            {
                "doc_id": d.doc_id,
                "title": d.meta.title,
                "flags": [f.to_dict() for f in d.flags],
            }
        )
    return {
        "documents": len(docs),
        "characters": sum(len(d.text) for d in docs),
        "encodings": dict(Counter(d.encoding for d in docs)),
        "skipped": [{"path": s.path, "reason": s.reason} for s in read.skipped],
        "warnings": list(read.warnings),
        "flag_counts": dict(Counter(f.kind for d in docs for f in d.flags)),
        "flagged": flagged,
        "metadata_completeness": completeness,
        "missing_metadata": [
            {"doc_id": d.doc_id, "missing": [n for n in METADATA_FIELDS if not getattr(d.meta, n)]}
            for d in docs
            if any(not getattr(d.meta, n) for n in METADATA_FIELDS)
        ],
        "documents_detail": [
            {
                "doc_id": d.doc_id,
                "source": d.source,
                "encoding": d.encoding,
                "chars": len(d.text),
                "metadata": {n: getattr(d.meta, n) for n in METADATA_FIELDS},
            }
            for d in docs
        ],
    }


def format_report(report: dict, limit: int = 20) -> str:
    """The report as text for a terminal; long lists are cut at ``limit`` entries (``--json`` has them all)."""
    n = report["documents"]
    out = [
        f"documents read: {n} ({report['characters']:,} characters; encodings: "
        + ", ".join(f"{k} {v}" for k, v in sorted(report["encodings"].items()))
        + ")"
    ]
    out.append(f"skipped: {len(report['skipped'])}")
    out.extend(f"  {s['path']}: {s['reason']}" for s in report["skipped"][:limit])
    for warning in report["warnings"][:limit]:
        out.append(f"warning: {warning}")
    counts = report["flag_counts"]
    out.append("flags: " + (", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none"))
    problems = [d for d in report["flagged"] if any(f["kind"] not in INFO_FLAGS for f in d["flags"])]
    for d in problems[:limit]:
        out.append(f"  {d['doc_id']} {d['title'] or '(no title)'}")
        seen = Counter()
        for f in d["flags"]:
            if f["kind"] in INFO_FLAGS or seen[f["detail"]]:
                seen[f["detail"]] += 1
                continue
            seen[f["detail"]] += 1
            out.append(f"    {f['kind']}: {f['detail']}")
    if len(problems) > limit:
        out.append(f"  … {len(problems) - limit} more flagged documents (see --json)")
    out.append("metadata completeness:")
    for name, have in report["metadata_completeness"].items():
        out.append(f"  {name:<15} {have:>6}/{n}")
    missing = report["missing_metadata"]
    out.append(f"documents with missing fields: {len(missing)}")
    for m in missing[:limit]:
        out.append(f"  {m['doc_id']}: {', '.join(m['missing'])}")
    if len(missing) > limit:
        out.append(f"  … {len(missing) - limit} more (see --json)")
    return "\n".join(out)
