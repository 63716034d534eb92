"""The one JSON writer: Chinese kept readable, and safe for lone surrogates (a file name that was not valid UTF-8
reaches Python as one, and so can pasted text), which ``ensure_ascii=False`` cannot encode as UTF-8."""

from __future__ import annotations

import json
import re

_SURROGATE = re.compile("[\ud800-\udfff]")


def dumps(value, **options) -> str:
    """``json.dumps`` with Chinese readable; a value holding a lone surrogate is written with ``\\u`` escapes."""
    text = json.dumps(value, ensure_ascii=False, **options)
    return json.dumps(value, **options) if _SURROGATE.search(text) else text
