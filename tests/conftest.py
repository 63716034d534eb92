"""Shared fixtures: the ../shared resources (skipped with the reason where absent), a keyword-only index of the
seeds built once per session, and the tiny sentence-transformers model (tests/helpers/tiny_model.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

from tests.helpers.paths import CORPUS, LAWREFBOOK, SEED_DEV, need
from tests.helpers.tiny_model import tiny_model_dir  # noqa: F401  (a session fixture, shared by every module)

# Property tests check what a function returns, never how fast: hypothesis' default 200 ms deadline per example
# failed under load (486 ms for sentence_spans at load 5, 0.04 ms on retry). Speed is the benchmarks' business.
settings.register_profile("ipqa", deadline=None)
settings.load_profile("ipqa")


@pytest.fixture(scope="session")
def lawrefbook() -> Path:
    return need(LAWREFBOOK)


@pytest.fixture(scope="session")
def seed_dev() -> Path:
    return need(SEED_DEV)


@pytest.fixture(scope="session")
def seed_bm25_index(tmp_path_factory):
    """A keyword-only index over corpus/ (the seeds ship in the repo), built once per session and shared by the
    fuzz, bad-input, security and concurrency tests; they only read it."""
    from ipqa.index import Index, build_index
    from ipqa.settings import Settings

    folder = tmp_path_factory.mktemp("seed_bm25") / "index"
    build_index([CORPUS], folder, Settings(model=""))
    return Index.load(folder)
