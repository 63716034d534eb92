"""Bytes → text for Chinese policy files: UTF-8 (with or without BOM), UTF-16 (BOM or NUL pattern), GB18030/GBK
and Big5, detected rather than assumed.

Big5 and GBK bytes are usually *both* decodable as the other encoding, so "it decodes" proves little. Each
candidate that decodes strictly is scored by the share of its characters that are plausible in a Chinese
document (ASCII, CJK punctuation, the common hanzi of GB2312 level 1 and Big5's 常用字 block); the wrong
decoding of the pair yields kana, Greek and rare hanzi and loses. charset_normalizer only adds a candidate when
none of ours is convincing.
"""

from __future__ import annotations

import codecs
import logging
import re
from functools import lru_cache

log = logging.getLogger(__name__)


class UnreadableFile(Exception):
    """A file that yields no usable text; ``str(exc)`` is a reason a person can act on."""


_BOMS = (  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SAMPLE_CHARS = 200_000  # plausibility is judged on a prefix: enough for any encoding, fast for a 20 MB file
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_PLAUSIBLE_RANGES = (
    (0x20, 0x7E),
    (0x3000, 0x303F),
    (0xFF01, 0xFF5E),
    (0x2010, 0x2027),
    (0x2030, 0x205E),
    (0x00B7, 0x00B7),
)
CONVINCING = 0.97  # a candidate scoring this high is taken without asking charset_normalizer


@lru_cache(maxsize=1)
def _common_hanzi() -> frozenset[str]:
    """GB2312 level-1 hanzi (the 3,755 most used simplified characters) and Big5's 5,401 常用字 (traditional)."""
    chars: set[str] = set()
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            try:
                chars.add(bytes((lead, trail)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    for lead in range(0xA4, 0xC7):
        for trail in list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF)):
            try:
                chars.add(bytes((lead, trail)).decode("big5"))
            except UnicodeDecodeError:
                pass
    return frozenset(chars)


def plausibility(text: str) -> float:
    """Share of characters (in a prefix) that a Chinese document plausibly contains; 1.0 for an empty string."""
    sample = text[:_SAMPLE_CHARS]
    if not sample:
        return 1.0
    common = _common_hanzi()
    good = 0
    for ch in sample:
        code = ord(ch)
        if ch in "\t\n\r\f" or ch in common or any(lo <= code <= hi for lo, hi in _PLAUSIBLE_RANGES):
            good += 1
    return good / len(sample)


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _utf16_by_nuls(data: bytes) -> str | None:
    """UTF-16 without a BOM: ASCII characters (newlines, digits) leave NULs in every other byte."""
    if len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    if even + odd < max(2, len(data) // 200):
        return None
    if odd >= 4 * even:
        return "utf-16-le"
    if even >= 4 * odd:
        return "utf-16-be"
    return None


def _check_text(text: str, encoding: str) -> None:
    if not text.strip():
        raise UnreadableFile("no text: the file holds only whitespace")
    sample = text[:_SAMPLE_CHARS]
    controls = len(_CONTROL.findall(sample))
    if controls > max(2, len(sample) // 100):
        raise UnreadableFile(
            f"binary data: {controls} control characters in the first {len(sample)} "
            f"characters (decoded as {encoding}); not a text document"
        )


def _candidates(data: bytes) -> list[tuple[float, str, str]]:
    """(plausibility, encoding, text) for every encoding that decodes ``data`` strictly, best first."""
    found = []
    for encoding in ("gb18030", "cp950", "big5hkscs"):
        text = _strict(data, encoding)
        if text is not None:
            found.append((plausibility(text), encoding, text))
    if not found or max(f[0] for f in found) < CONVINCING:
        for encoding in _normalizer_guesses(data):
            text = _strict(data, encoding)
            if text is not None:
                found.append((plausibility(text) - 0.01, encoding, text))  # ours win ties
    order = {"gb18030": 0, "cp950": 1, "big5hkscs": 2}
    found.sort(key=lambda f: (-f[0], order.get(f[1], 9)))
    return found


def _normalizer_guesses(data: bytes) -> list[str]:
    from charset_normalizer import from_bytes

    try:
        results = from_bytes(data[:65536])
    except Exception as exc:  # noqa: BLE001 - a helper only: its failure must not make a file unreadable
        log.debug("charset_normalizer failed: %s", exc)
        return []
    return [r.encoding for r in results][:3]


def _lossy_utf8(data: bytes) -> tuple[str, str] | None:
    """UTF-8 with a few damaged sequences (a page cut mid-character, a stray byte): the damage is replaced by
    U+FFFD and named in the encoding label, so a single bad byte does not cost the whole document."""
    text = data.decode("utf-8", errors="replace")
    damaged = len(re.findall("\ufffd+", text))  # one damaged spot can yield several replacement characters
    # The replacement characters are bounded here (few damaged spots, at most 5% of the text), so they are not
    # held against the plausibility of the rest: one bad sequence must not sink a short file.
    rest = text.replace("\ufffd", "")
    if damaged > max(3, len(text) // 500) or len(rest) < 0.95 * len(text) or plausibility(rest) < CONVINCING:
        return None
    _check_text(text, "utf-8")
    return text, f"utf-8 ({damaged} invalid byte sequence(s) replaced)"


def decode(data: bytes) -> tuple[str, str]:
    """Decode file bytes into text; returns ``(text, encoding)``. A BOM is stripped so offsets count only the
    document's characters; nothing else is changed (``\\r\\n`` stays). Raises UnreadableFile for empty,
    whitespace-only, binary or undecodable data."""
    if not data:
        raise UnreadableFile("empty file (0 bytes)")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom) :], encoding.replace("-sig", ""))
            if text is None:
                raise UnreadableFile(f"starts with a {encoding} byte-order mark but is not valid {encoding}")
            _check_text(text, encoding)
            return text, "utf-8-bom" if encoding == "utf-8-sig" else encoding
    utf16 = _utf16_by_nuls(data)
    if utf16:
        text = _strict(data, utf16)
        if text is not None and plausibility(text) > 0.8:
            _check_text(text, utf16)
            return text, utf16
    nuls = data.count(0)
    if 0 < nuls <= max(3, len(data) // 1000):  # a few stray NULs (a bad copy, a scraper) in otherwise good text
        text, encoding = decode(data.replace(b"\x00", b""))
        return text, f"{encoding} ({nuls} NUL byte(s) removed)"
    if b"\x00" in data[:8000]:  # git's rule: a NUL early on means binary (UTF-16 was handled above)
        raise UnreadableFile("binary data (NUL bytes); not a text document")
    text = _strict(data, "utf-8")
    if text is not None:
        _check_text(text, "utf-8")
        return text, "utf-8"
    candidates = _candidates(data)
    if not candidates or candidates[0][0] < CONVINCING:
        lossy = _lossy_utf8(data)
        if lossy is not None:
            return lossy
    if candidates and candidates[0][0] >= 0.8:
        score, encoding, text = candidates[0]
        log.debug("decoded as %s (plausibility %.3f)", encoding, score)
        _check_text(text, encoding)
        return text, "big5" if encoding == "cp950" else encoding
    tried = ", ".join(f"as {e} only {s:.0%} of characters are plausible" for s, e, _ in candidates[:2])
    raise UnreadableFile(
        "cannot decode: not UTF-8, UTF-16, GB18030/GBK or Big5 text"
        + (f" ({tried})" if tried else " (no encoding decodes it without errors)")
    )
