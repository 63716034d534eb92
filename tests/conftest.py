"""Shared fixtures. ``../shared`` (seeds, lawrefbook, dev questions) exists on the developers' machines and in
CI; a user's clone may not have it, so every test that needs it skips with the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
LAWREFBOOK = SHARED / "data" / "lawrefbook"
LECOQA = SHARED / "data" / "lecoqa" / "train.jsonl"
SEED_DEV = SHARED / "eval" / "seed_dev.jsonl"
TEST_DATA = Path(__file__).resolve().parent / "data"


def need(path: Path) -> Path:
    """Skip the calling test, with the reason, when a ../shared resource is absent."""
    if not path.exists():
        pytest.skip(f"{path} is absent (../shared is only on the developers' machines and in CI)")
    return path


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
