from __future__ import annotations

import pytest

from ipqa.clauses.departments import extract_departments, states_lead_rule


def units(text: str, first_is_lead: bool = False) -> tuple[tuple[str, ...], tuple[str, ...]]:
    found = extract_departments(text, first_is_lead)
    return found.lead, found.support


@pytest.mark.parametrize(
    "text, first_is_lead, lead, support",
    [
        ("加快推进。（省市场监管局负责）", False, ("省市场监管局",), ()),
        ("推进试点工作。（省委军民融合办、省市场监管局负责）", False, ("省委军民融合办", "省市场监管局"), ()),
        ("推进试点工作。（省委军民融合办、省市场监管局负责）", True, ("省委军民融合办",), ("省市场监管局",)),
        (
            "研究制定实施意见。（省市场监管局牵头，各成员单位按照职责分工负责）",
            True,
            ("省市场监管局",),
            ("各成员单位",),
        ),
        ("鼓励支持。（各成员单位按照职责分工负责）", True, ("各成员单位",), ()),
        # traditional script, half-width brackets; units stay as written
        ("落實改革措施(省市場監管局負責)", False, ("省市場監管局",), ()),
        ("建立誠信檔案體系。(省市場監管局牽頭,各成員單位按照職責分工負責", False, ("省市場監管局",), ("各成員單位",)),
        # unclosed at the line end, and an opening bracket lost after prose
        ("提高資金使用效益(省市場監管局負責", False, ("省市場監管局",), ()),
        ("切實提高高校的創新質量和效益省市場監管局、省教育廳負責)", True, ("省市場監管局",), ("省教育廳",)),
        ("由市市场监管局牵头", False, ("市市场监管局",), ()),
        ("由市市场监管局牵头，市科技局、市财政局配合", False, ("市市场监管局",), ("市科技局", "市财政局")),
        ("有关工作。市市场监管局要牵头做好规划组织实施工作，推动规划有效落实", False, ("市市场监管局",), ()),
        ("责任单位：市市场监管局、市公安局", False, ("市市场监管局", "市公安局"), ()),
        ("牵头单位：市市场监管局 配合单位：市科技局、市财政局", False, ("市市场监管局",), ("市科技局", "市财政局")),
        ("3.执行单位。各示范城市知识产权局必做。", False, ("各示范城市知识产权局",), ()),
        # 和 splits two units, but not inside one name
        ("（省林草局和省农业农村厅负责）", False, ("省林草局", "省农业农村厅"), ()),
        ("（市文化和旅游局负责）", False, ("市文化和旅游局",), ()),
        ("（兰州海关负责）", False, ("兰州海关",), ()),
    ],
)
def test_patterns(text, first_is_lead, lead, support):
    assert units(text, first_is_lead) == (lead, support)


@pytest.mark.parametrize(
    "text",
    [
        "建立以市长为组长，相关职能部门和镇街主要负责人为成员的工作专班",  # 负责人 is a person, not a unit
        "鼓励行业协会商会牵头成立知识产权保护联盟",  # encouraged, not assigned
        "鼓勵支持行業協會等組織牽頭注冊地理標志商標。",
        "专班下设办公室，办公室设在市市场监管局。",
        "（此件公开发布）",
    ],
)
def test_prose_names_no_responsible_unit(text):
    assert not extract_departments(text)


def test_lead_rule_detected_in_either_script():
    assert states_lead_rule("上述各項任務分工中,由多個部門負責的,列第一位的部門為牽頭部門,其他為配合部門。")
    assert states_lead_rule("由两个以上单位负责的，排在第一位的单位为牵头单位。")
    assert not states_lead_rule("各成员单位按照职责分工负责，省市场监管局牵头。")


# Seed 001: the units of every item 1–80, read from the text. The document states that, of several units,
# the first named leads ("由多個部門負責的,列第一位的部門為牽頭部門"), so "A、B負責" is lead A, support B.
# Format: "lead, lead | support, support"; S = 省市場監管局, M = 各成員單位 (items 6, 78, 79 name only M).
SEED_001 = {
    1: "S",
    2: "省委軍民融合辦 | S",
    3: "省統計局",
    4: "S",
    5: "S | M",
    6: "M",
    7: "S, 省發展改革委, 省政府研究室 | M",
    8: "省稅務局 | 省財政廳",
    9: "S",
    10: "S",
    11: "S",
    12: "省委宣傳部",
    13: "S",
    14: "S",
    15: "S",
    16: "S | M",
    17: "S | M",
    18: "S",
    19: "S",
    20: "省文旅廳",
    21: "省藥監局",
    22: "省衛生健康委 | 省科技廳",
    23: "省衛生健康委",
    24: "S",
    25: "S",
    26: "省林草局 | 省農業農村廳",
    27: "蘭州海關",
    28: "省公安廳",
    29: "省委宣傳部",
    30: "S",
    31: "S | 省農業農村廳",
    32: "S",
    33: "省法院",
    34: "省法院 | 省檢察院, 省公安廳",
    35: "省檢察院 | 省法院, 省公安廳",
    36: "省司法廳 | S",
    37: "S",
    38: "S",
    39: "S",
    40: "S | 省教育廳, 省科技廳",
    41: "S",
    42: "S",
    43: "S",
    44: "S",
    45: "S | 省財政廳",
    46: "省科技廳 | 省財政廳",
    47: "S",
    48: "省教育廳 | S, 省科技廳",
    49: "S | 省教育廳",
    50: "S",
    51: "省工信廳",
    52: "省國資委 | 省財政廳, 省科技廳, S",
    53: "省生態環境廳",
    54: "S | 省工信廳",
    55: "S | 省工信廳, 省科技廳, 省教育廳",
    56: "省商務廳",
    57: "S | 省科技廳",
    58: "省科技廳 | 省教育廳, S",
    59: "省科技廳",
    60: "省科技廳",
    61: "省科技廳 | 省教育廳, S",
    62: "S",
    63: "S",
    64: "S | 省人社廳, 省教育廳, 省科技廳",
    65: "S",
    66: "省委宣傳部",
    67: "S | M",
    68: "省發展改革委, S | M",
    69: "S, 省委宣傳部 | M",
    70: "S, 省委宣傳部 | M",
    71: "S | 省文旅廳, 省科技廳, 省衛生健康委, 省商務廳",
    72: "S",
    73: "S",
    74: "S",
    75: "省委宣傳部",
    76: "省文旅廳 | 省廣電局",
    77: "S | 省人社廳, 省教育廳, 省科技廳",
    78: "M",
    79: "M",
    80: "S | 省教育廳, 省廣電局",
}


def _expected(spec: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    names = {"S": "省市場監管局", "M": "各成員單位"}
    lead, _, support = spec.partition("|")
    return tuple(
        tuple(names.get(u.strip(), u.strip()) for u in part.split(",") if u.strip()) for part in (lead, support)
    )


def _seed_001_items():
    from ipqa.clauses.split import split_clauses
    from ipqa.records import Document
    from tests.helpers.paths import CORPUS

    path = next(CORPUS.glob("001_*.txt"))
    clauses = split_clauses(Document(path.stem, str(path), "", path.read_text(encoding="utf-8")))
    return {int(c.label.rstrip(".")): c for c in clauses if c.label.rstrip(".").isdigit()}


def test_seed_001_all_80_items():
    items = _seed_001_items()
    assert sorted(items) == list(range(1, 81))
    wrong = {
        n: (items[n].departments.lead, items[n].departments.support)
        for n in items
        if (items[n].departments.lead, items[n].departments.support) != _expected(SEED_001[n])
    }
    assert wrong == {}


def test_without_the_rule_several_units_are_co_responsible():
    text = "34.繼續推行試點知識產權刑事、民事、行政“三合一”審判模式。(省法院、省檢察院、省公安廳負責)"
    assert units(text, first_is_lead=False) == (("省法院", "省檢察院", "省公安廳"), ())
