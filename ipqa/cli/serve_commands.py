"""Serve command: the HTTP API (ipqa.api) under uvicorn."""

from __future__ import annotations

import click

from ipqa.cli import main
from ipqa.cli.common import index_option


@main.command()
@index_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes, each with its own copy of the index (the GIL caps one process's throughput).",
)
@click.option(
    "--token",
    default=None,
    envvar="IPQA_API_TOKEN",
    help="Require `Authorization: Bearer TOKEN` on every endpoint but /health (env IPQA_API_TOKEN).",
)
def serve(index_dir, host, port, workers, token):
    """Serve the search and question-answering HTTP API over the index folder (OpenAPI at /openapi.json, docs at
    /docs). The index is reloaded when a build swaps a new one in; no restart needed."""
    from ipqa.api.server import run
    from ipqa.cli.common import open_index

    open_index(index_dir)  # fail now, with the reason, rather than on the first request
    if host not in ("127.0.0.1", "localhost", "::1") and not token:
        click.echo(f"注意：在 {host} 上提供服务但没有设置 --token，任何能连到它的人都能查询索引。", err=True)
    run(index_dir, host, port, workers, token)
