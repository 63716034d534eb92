"""Encoding detection: exact round trips for every encoding Chinese files come in, the Big5/GBK trap,
binary and empty data, and a property test that decoding arbitrary bytes never raises anything else."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipqa.corpus.decode import UnreadableFile, decode, plausibility

SIMPLIFIED = (
    "泰安市“十四五”知识产权保护和运用规划\r\n一、总体要求\r\n（一）指导思想和工作目标。到2025年年末全市有效发明"
    "专利达到3300件以上，每万人口高价值发明专利达到3.6件。市市场监管局要牵头做好规划组织实施工作。\n"
)
TRADITIONAL = (
    "甘肅省知識產權戰略實施暨強省建設工作領導小組辦公室關于印發《2020年甘肅省深入實施知識產權戰略》的通知\n"
    "為全面貫徹落實黨中央、國務院和省委省政府關于知識產權工作的一系列重要決策部署，深入實施知識產權戰略。\n"
)


@pytest.mark.parametrize(
    "encoding, label",
    [
        ("utf-8", "utf-8"),
        ("gbk", "gb18030"),
        ("gb18030", "gb18030"),
        ("utf-16-le", "utf-16-le"),
        ("utf-16-be", "utf-16-be"),
    ],
)
def test_simplified_round_trip(encoding, label):
    text, found = decode(SIMPLIFIED.encode(encoding))
    assert text == SIMPLIFIED
    assert found == label


@pytest.mark.parametrize(
    "encoding, label",
    [
        ("big5", "big5"),
        ("cp950", "big5"),
        ("gbk", "gb18030"),
        ("utf-8", "utf-8"),
        ("utf-16-le", "utf-16-le"),
        ("utf-16-be", "utf-16-be"),
    ],
)
def test_traditional_round_trip(encoding, label):
    """Big5 bytes also decode as GBK (into nonsense); the plausibility score must pick Big5."""
    text, found = decode(TRADITIONAL.encode(encoding))
    assert text == TRADITIONAL
    assert found == label


@pytest.mark.parametrize(
    "bom, encoding, label",
    [
        (codecs.BOM_UTF8, "utf-8", "utf-8-bom"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
    ],
)
def test_bom_is_stripped(bom, encoding, label):
    text, found = decode(bom + SIMPLIFIED.encode(encoding))
    assert text == SIMPLIFIED  # offsets count document characters only
    assert found == label


def test_big5_read_as_gbk_is_implausible():
    wrong = TRADITIONAL.encode("big5").decode("gbk", errors="replace")
    assert plausibility(wrong) < 0.8 < plausibility(TRADITIONAL)


def test_short_gbk_text():
    assert decode("知识产权质押融资".encode("gbk"))[0] == "知识产权质押融资"


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty"),
        (b"  \r\n\t \n", "whitespace"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "binary"),
        (bytes(range(32)) * 50, "binary"),
    ],
)
def test_unreadable(data, reason):
    with pytest.raises(UnreadableFile, match=reason):
        decode(data)


def test_undecodable_bytes_say_what_was_tried():
    with pytest.raises(UnreadableFile) as info:
        decode(bytes([0x80, 0xFF, 0xFE, 0x81]) * 40)
    assert str(info.value)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_decode_never_raises_anything_else(data):
    try:
        text, encoding = decode(data)
    except UnreadableFile as exc:
        assert str(exc)
    else:
        assert isinstance(text, str) and text.strip() and encoding


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=200))
def test_any_hanzi_text_round_trips_in_utf8_and_utf16(text):
    assert decode(text.encode("utf-8"))[0] == text
    assert decode(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))[0] == text


def test_a_few_damaged_utf8_bytes_do_not_cost_the_document():
    data = SIMPLIFIED.encode("utf-8")
    damaged = data[:30] + b"\xff" + data[30:] + data[:-1]  # a stray byte, and a page cut mid-character
    text, encoding = decode(damaged)
    assert "泰安市" in text and "\ufffd" in text
    assert encoding.startswith("utf-8 (") and "replaced" in encoding


def test_heavily_damaged_utf8_is_not_accepted_as_lossy():
    data = b"".join(SIMPLIFIED.encode("utf-8")[i : i + 5] + b"\xff" for i in range(0, 300, 5))
    with pytest.raises(UnreadableFile):
        decode(data)
