"""Corpus commands: how a file splits into clauses, and the data-quality report."""

from __future__ import annotations

import click

from ipqa.cli import main
from ipqa.cli.common import echo_json

_CLAUSE_KEYS = ("clause_id", "label", "path", "text", "start", "end", "departments", "flags")


def _document_json(document, clauses) -> dict:
    from dataclasses import asdict

    head = {"doc_id": document.doc_id, "source": document.source, "sha256": document.sha256}
    head.update(asdict(document.meta), date=document.meta.date, flags=[f.to_dict() for f in document.flags])
    return {"document": head, "clauses": [{k: c.to_dict()[k] for k in _CLAUSE_KEYS} for c in clauses]}


def _echo_clause_tree(document, clauses) -> None:
    """Metadata, flags, then the clauses indented by path; headings without body text are printed once."""
    from ipqa.records import display_title

    meta = document.meta
    click.echo(f"《{display_title(document.doc_id, meta.title)}》  {document.doc_id}  sha256 {document.sha256[:12]}")
    fields = [
        ("发布机关", meta.issuer),
        ("发文字号", meta.doc_number),
        ("日期", meta.date),
        ("地区", meta.region),
        ("层级", meta.level),
        ("类型", meta.doc_type),
        ("效力", meta.validity),
    ]
    click.echo(
        "  " + "  ".join(f"{k}: {v}" for k, v in fields if v) if any(v for _, v in fields) else "  (no metadata)"
    )
    for flag in document.flags:
        click.echo(f"  ⚑ {flag.kind}: {flag.detail}")
    click.echo(f"{len(clauses)} clauses")
    shown: tuple[str, ...] = ()
    for c in clauses:
        for depth in range(len(c.path) - 1):  # enclosing headings not printed yet
            if shown[: depth + 1] != c.path[: depth + 1]:
                click.echo("  " * depth + c.path[depth])
        shown = c.path
        units = "".join(
            f"  {role}: {'、'.join(names)}"
            for role, names in (("牵头", c.departments.lead), ("配合", c.departments.support))
            if names
        )
        flags = "".join(f"  ⚑{f.kind}" for f in c.flags)
        snippet = c.text.replace("\n", " ")[:36]
        click.echo(f"{'  ' * (len(c.path) - 1)}{c.path[-1]}  [{c.clause_id}]{units}{flags}  {snippet}…")


@main.command("clauses")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the document and its clauses as one JSON object.")
@click.option("--max-chars", default=500, show_default=True, help="Split longer clauses at sentence boundaries.")
def clauses_command(file, as_json, max_chars):
    """Show how FILE splits into clauses: its metadata and flags, then the clause tree with units and flags."""
    from pathlib import Path

    from ipqa.clauses.split import split_clauses
    from ipqa.corpus.reading import UnreadableFile, read_document

    path = Path(file)
    if not path.is_file():
        raise click.ClickException(f"{file}: no such file")
    try:
        document = read_document(path, path.parent)
    except UnreadableFile as exc:
        raise click.ClickException(f"无法读取 {file}：{exc}") from None
    clauses = split_clauses(document, max_chars)
    if as_json:
        echo_json(_document_json(document, clauses))
    else:
        _echo_clause_tree(document, clauses)


@main.command("report")
@click.argument("dirs", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--json", "as_json", is_flag=True, help="Print the whole report (every document) as JSON.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1), help="Entries shown per list.")
def report_command(dirs, as_json, limit):
    """Data-quality report over corpus folders DIRS: documents read, files skipped with reasons, flagged
    documents (spam, boilerplate, missing title, excerpt …) and metadata completeness per field and document."""
    from pathlib import Path

    from ipqa.corpus.reading import read_corpus
    from ipqa.views.report import build_report, format_report

    report = build_report(read_corpus([Path(d) for d in dirs]))
    if as_json:
        echo_json(report)
    else:
        click.echo(format_report(report, limit))
