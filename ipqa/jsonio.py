"""JSON out, written one way everywhere (index files, ``--json`` output, eval RUN files, benchmarks): Chinese stays
readable (``ensure_ascii=False``), and a lone surrogate is written as its ``\\uXXXX`` escape.

Lone surrogates are not text, but they reach Python: a command-line argument or a file name that was not valid
UTF-8 arrives with them (``os.fsdecode``), and so does a JSON ``"\\ud800"`` escape in a question file. UTF-8 cannot
encode one, so ``json.dumps(..., ensure_ascii=False)`` followed by a UTF-8 write raises UnicodeEncodeError; the
escape is valid JSON and reads back as the same string (except a high surrogate right before a low one: any JSON
reader joins the two escapes into the one character they encode).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape(match: re.Match) -> str:
    return f"\\u{ord(match.group()):04x}"


def dumps(value, **options) -> str:
    """``json.dumps`` with Chinese kept as it is and lone surrogates escaped, so the result encodes as UTF-8.
    Options (``indent`` …) are passed on; ``ensure_ascii`` is always False."""
    # json.dumps leaves non-ASCII characters, lone surrogates included, as they are inside strings, and they can
    # only occur inside strings: escaping them there keeps the JSON valid.
    return _SURROGATE.sub(_escape, json.dumps(value, ensure_ascii=False, **options))


def write_jsonl(path: Path, rows: Iterable) -> None:
    """One JSON value per line, UTF-8."""
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(dumps(row) + "\n" for row in rows)
