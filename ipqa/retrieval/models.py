"""Where fetched models live: a ``models/`` folder, so a model fetched once at set-up (``ipqa fetch-model``, run by
``scripts/setup.sh``) is found by its hub name without any environment variable.

``BAAI/bge-small-zh-v1.5`` is looked for as ``models/bge-small-zh-v1.5`` in the working folder and in the project
folder (the one holding ``app.py``), before the Hugging Face cache. Nothing here touches the network.
"""

from __future__ import annotations

from pathlib import Path

# Files that make a directory loadable: a sentence-transformers model (modules.json) or a plain HF model
# (config.json, which sentence-transformers wraps with mean pooling).
MODEL_MARKERS = ("modules.json", "config.json")
MODELS_FOLDER = "models"


def is_model_dir(path: Path) -> bool:
    return path.is_dir() and any((path / marker).is_file() for marker in MODEL_MARKERS)


def models_roots() -> list[Path]:
    """The folders searched for fetched models: ./models, then <project>/models (an editable or source install)."""
    project = Path(__file__).resolve().parents[2]
    roots = [Path.cwd() / MODELS_FOLDER, project / MODELS_FOLDER]
    return list(dict.fromkeys(r.resolve() for r in roots))


def folder_name(hub_id: str) -> str:
    """The folder a hub model is fetched into: its name without the organisation (BAAI/x → x)."""
    return hub_id.strip().rstrip("/").rsplit("/", 1)[-1]


def fetched_model_dir(hub_id: str) -> Path | None:
    """The fetched copy of ``hub_id`` under a models folder, or None."""
    for root in models_roots():
        candidate = root / folder_name(hub_id)
        if is_model_dir(candidate):
            return candidate
    return None
