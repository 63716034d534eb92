"""OCR texts kept by the sha256 of the PDF's bytes and the engine that read them, so a scan is read once: every
later build, ``ipqa verify`` and the app read the same text back, which is what citation spans index into.

One JSON file per scan in ``$IPQA_OCR_CACHE`` (default ``$XDG_CACHE_HOME/ipqa/ocr``, i.e. ``~/.cache/ipqa/ocr``),
written atomically. A failed reading is kept too (with its reason), so a scan that cannot be read is not retried
on every build; a different engine version or setting is a different key and reads the scan again.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, replace
from pathlib import Path

from ipqa.corpus.ocr import OcrText, assemble
from ipqa.jsonio import dumps


def folder() -> Path:
    if configured := os.environ.get("IPQA_OCR_CACHE"):
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ipqa" / "ocr"


def _path(sha256: str, engine: str) -> Path:
    return folder() / f"{sha256}-{hashlib.sha256(engine.encode()).hexdigest()[:12]}.json"


def load(sha256: str, engine: str) -> OcrText | str | None:
    """The stored reading, the reason a reading failed (str), or None when this scan was not read yet."""
    try:
        stored = json.loads(_path(sha256, engine).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if "failed" in stored and isinstance(stored["failed"], str):
        return stored["failed"]
    try:
        result = OcrText(**{**stored, "failed": tuple(stored.get("failed", ())), "tsv": tuple(stored.get("tsv", ()))})
    except TypeError:
        return None
    if result.tsv:  # assembled by the current code (the stored text is what it was when read)
        text, confidence = assemble(result.tsv)
        result = replace(result, text=text, confidence=confidence)
    return result


def save(sha256: str, result: OcrText | str) -> None:
    """Keep a reading (or the reason it failed, with the engine of :func:`ipqa.corpus.ocr.engine`)."""
    from ipqa.corpus.ocr import engine

    record = {"failed": result, "engine": engine()} if isinstance(result, str) else asdict(result)
    path = _path(sha256, record["engine"])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(dumps(record), encoding="utf-8")
    tmp.replace(path)
