"""Set-up command: fetch the embedding model once into models/ (scripts/setup.sh runs it)."""

from __future__ import annotations

import click

from ipqa.cli import main
from ipqa.settings import DEFAULT_MODEL


@main.command(name="fetch-model")
@click.argument("name", default=DEFAULT_MODEL)
@click.option(
    "--dest",
    default="models",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder to fetch into; ipqa looks for models/<name> by itself.",
)
@click.option(
    "--endpoint",
    envvar="HF_ENDPOINT",
    default=None,
    help="Hugging Face hub or mirror URL (default: the public hub; environment HF_ENDPOINT).",
)
@click.option("--strict", is_flag=True, help="Exit 1 when the model could not be fetched.")
def fetch_model_command(name, dest, endpoint, strict):
    """Fetch embedding model NAME (default: the index's default model) once, where a hub or mirror is reachable.
    Without one it says so in one line and ipqa runs keyword search only."""
    from pathlib import Path

    from ipqa.retrieval.fetch import fetch_model

    result = fetch_model(name, Path(dest), endpoint)
    click.echo(result.message)
    if strict and not result.fetched:
        raise SystemExit(1)
