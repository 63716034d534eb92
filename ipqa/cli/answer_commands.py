"""Answer commands: ask, verify, show."""

from __future__ import annotations

import sys

import click

from ipqa.cli import main
from ipqa.cli.common import echo_json, filter_options, filters_from, index_option, open_index


@main.command()
@click.argument("question")
@index_option
@click.option("-k", default=10, show_default=True, type=click.IntRange(1, 100), help="Clauses to search.")
@filter_options
@click.option("--json", "as_json", is_flag=True, help="Print the answer, citations and hits as JSON.")
def ask(question, index_dir, k, region, level, issuer, doc_type, validity, year_from, year_to, doc, as_json):
    """Answer QUESTION from the indexed clauses, with numbered verbatim citations."""
    from ipqa.answer.pipeline import ask as answer_question
    from ipqa.views.terminal import answer_dict, answer_text

    if not question.strip():
        raise click.ClickException('问题是空的：请用一句话提问，例如 ipqa ask "谁负责知识产权质押融资？"')
    index = open_index(index_dir)
    filters = filters_from(region, level, issuer, doc_type, year_from, year_to, validity, doc)
    reply = answer_question(index, question, k=k, filters=filters)
    if as_json:
        echo_json(answer_dict(index, reply))
    else:
        click.echo(answer_text(reply))


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--index",
    "index_dir",
    default=None,
    envvar="IPQA_INDEX",
    help="Index folder whose manifest says where the corpus is (else the citations' source paths).",
)
@click.option(
    "--root",
    "roots",
    multiple=True,
    type=click.Path(file_okay=False),
    help="A corpus folder to find the cited files in (repeatable); tried before the folders the index recorded.",
)
def verify(file, index_dir, roots):
    """Re-check every citation in FILE (an `ask --json` output or an `eval --out` run) against the source
    files: unchanged sha256, the quote still at its span, and every field it states (title, 发文字号, issuer, date,
    clause path, reference, source path); and that each answer sentence is backed by the citations it marks.
    Exit 1 naming each broken citation or sentence."""
    from pathlib import Path

    from ipqa.evaluation.verify import VerifyInputError, load_records, verify_records

    try:
        records = load_records(Path(file))
        report = verify_records(records, Path(index_dir) if index_dir else None, [Path(r) for r in roots])
    except VerifyInputError as exc:
        raise click.ClickException(str(exc)) from exc
    if not report.checked and not report.problems:
        click.echo(f"{file} 中没有引文，无需核对。")
        return
    for problem in report.problems:
        click.echo(problem)
    if report.problems:
        click.echo(f"{report.checked} 条引文及其答案中有 {len(report.problems)} 处问题。", err=True)
        sys.exit(1)
    click.echo(f"全部 {report.checked} 条引文与源文件核对无误，答案的每一句都有引文支持。")


@main.command()
@click.argument("item_id", metavar="ID")
@index_option
@click.option(
    "--context",
    default=1,
    show_default=True,
    type=click.IntRange(0, 50),
    help="Clauses shown before and after a clause.",
)
def show(item_id, index_dir, context):
    """Show a document (metadata and clause outline) or a clause (path, units, flags and its neighbours)."""
    from ipqa.views.terminal import UnknownId, describe

    try:
        click.echo(describe(open_index(index_dir), item_id, context))
    except UnknownId as exc:
        raise click.ClickException(str(exc)) from exc
