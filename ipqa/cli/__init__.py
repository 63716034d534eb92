"""The ``ipqa`` command line: a thin shell over the library. Each command parses, calls one function, prints."""

from __future__ import annotations

import logging
import sys

import click


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log progress and diagnostics to stderr.")
@click.version_option(package_name="ipqa")
def main(verbose: bool) -> None:
    """ipqa: search and question answering over Chinese IP policy texts, with auditable citations."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
    )


# Importing the command modules registers their commands on ``main``.
from ipqa.cli import answer_commands, corpus_commands, index_commands, model_commands, serve_commands  # noqa: F401
