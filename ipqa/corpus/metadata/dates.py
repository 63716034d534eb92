"""Dates as written in Chinese documents → ISO strings: 2024-04-29, 2024年4月29日, 二〇二四年四月二十九日, and the
damaged 2020年6月4 (the 日 lost; the day digits are still certain). Only what is written is kept: a month
without a day gives yyyy-mm."""

from __future__ import annotations

import re

_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "O": 0}
_NUMERIC = re.compile(r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*(?:[-/.月]\s*(?P<d>\d{1,2})(?!\d))?")
_CHINESE = re.compile(
    r"(?P<y>[〇零○一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,2})月"
    r"(?:(?P<d>[一二三四五六七八九十]{1,3})日?)?"
)


def _chinese_number(text: str) -> int:
    """一 … 三十一 (as used for months and days)."""
    if "十" not in text:
        return _DIGITS[text]
    tens, _, ones = text.partition("十")
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)


def _iso(year: int, month: int, day: int | None) -> str:
    if not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
        return ""
    return f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day is not None else "")


def parse_date(text: str) -> str:
    """The first date in ``text`` as yyyy-mm-dd (or yyyy-mm), or "" when there is none."""
    if not text:
        return ""
    m = _NUMERIC.search(text)
    if m:
        return _iso(int(m.group("y")), int(m.group("m")), int(m.group("d")) if m.group("d") else None)
    m = _CHINESE.search(text)
    if m:
        year = int("".join(str(_DIGITS[c]) for c in m.group("y")))
        day = _chinese_number(m.group("d")) if m.group("d") else None
        return _iso(year, _chinese_number(m.group("m")), day)
    return ""
