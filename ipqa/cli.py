"""The ``ipqa`` command line: a thin shell over the library. Each command parses, calls one function, prints."""

from __future__ import annotations

import json
import logging
import sys

import click


def echo_json(data) -> None:
    """JSON for scripts; Chinese stays readable."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log progress and diagnostics to stderr.")
@click.version_option(package_name="ipqa")
def main(verbose: bool) -> None:
    """ipqa: search and question answering over Chinese IP policy texts, with auditable citations."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")


# --- corpus commands (clauses, report) ---------------------------------------------------------------------


# --- index commands (build, search, info, eval) ------------------------------------------------------------


# --- answer commands (ask, verify, show) -------------------------------------------------------------------


if __name__ == "__main__":
    main()
