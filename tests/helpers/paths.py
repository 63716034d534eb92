"""Where the tests find their data. ``../shared`` (seeds, lawrefbook, dev questions) exists on the developers'
machines and in CI; a user's clone may not have it, so every test that needs it skips with the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
LAWREFBOOK = SHARED / "data" / "lawrefbook"
LECOQA = SHARED / "data" / "lecoqa" / "train.jsonl"
SEED_DEV = SHARED / "eval" / "seed_dev.jsonl"
EVAL = ROOT / "eval"


def need(path: Path) -> Path:
    """Skip the calling test, with the reason, when a ../shared resource is absent."""
    if not path.exists():
        pytest.skip(f"{path} is absent (../shared is only on the developers' machines and in CI)")
    return path
