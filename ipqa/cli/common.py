"""What the commands share: JSON output, the --index option, opening an index, the search filters."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import click

from ipqa.records import Level

index_option = click.option(
    "--index",
    "index_dir",
    default="index",
    show_default=True,
    envvar="IPQA_INDEX",
    type=click.Path(file_okay=False),
    help="Index folder (env IPQA_INDEX).",
)


def echo_json(data) -> None:
    """JSON for scripts; Chinese stays readable, a lone surrogate (from an argument that was not UTF-8) escaped."""
    from ipqa.jsonio import dumps

    click.echo(dumps(data, indent=2))


def open_index(index_dir: str):
    """The loaded index, or a ClickException naming the problem and saying how to build one."""
    from ipqa.index.searcher import Index, IndexLoadError

    try:
        return Index.load(Path(index_dir))
    except IndexLoadError as exc:
        raise click.ClickException(str(exc)) from None


_FILTER_OPTIONS = [
    click.option("--region", default="", help="Only documents whose region contains this (e.g. 泰安市)."),
    click.option("--level", default="", type=click.Choice(["", *get_args(Level)])),
    click.option("--issuer", default="", help="Only documents whose issuer contains this."),
    click.option("--doc-type", default="", help="Only this document type (通知, 规划, 办法 …)."),
    click.option("--year-from", type=int, default=None, help="Only documents dated this year or later."),
    click.option("--year-to", type=int, default=None, help="Only documents dated this year or earlier."),
    click.option("--validity", default="", help="Only this validity (有效, 失效 …)."),
    click.option("--doc", multiple=True, help="Only this doc_id (repeatable)."),
]


def filter_options(command):
    """Add the document filters (region, level, issuer, type, years, validity, doc) to a command."""
    for option in reversed(_FILTER_OPTIONS):
        command = option(command)
    return command


def filters_from(region, level, issuer, doc_type, year_from, year_to, validity, doc):
    from ipqa.records import Filters

    return Filters(
        region=region,
        level=level,
        issuer=issuer,
        doc_type=doc_type,
        validity=validity,
        year_from=year_from,
        year_to=year_to,
        doc_ids=tuple(doc),
    )
