"""Documents a question names: which of them the corpus holds, and the refusal for one it does not."""

from __future__ import annotations

import pytest

from ipqa.answer.constraints import corpus_places
from ipqa.answer.documents import NamedDocument, named_documents, same_document
from ipqa.answer.pipeline import ask

HAIMEN = "南通市海门区“十四五”知识产权发展规划"
TAIAN = "泰安市“十四五”知识产权保护和运用规划"


@pytest.mark.parametrize(
    "name, title, same",
    [
        ("泰安市十四五知识产权规划", TAIAN, True),
        ("泰安十四五知产规划", TAIAN, True),  # 知产 is the asker's word for 知识产权
        ("海门的规划", HAIMEN, True),  # the district named without its city
        ("南通市十四五知识产权发展规划", HAIMEN, False),  # the city's plan, not the district's
        ("海门十三五规划", HAIMEN, False),  # another period
        ("专利法", "中华人民共和国专利法", True),
        ("专利法", "中华人民共和国专利法实施细则", False),  # a law is not its implementing rules
        ("邹城市专利转化运用实施方案(2024—2026年)", "邹城市国家知识产权强县建设试点县工作方案(2024—2026年)", False),
    ],
)
def test_a_name_is_a_title_when_kind_words_years_and_places_agree(seed_index, name, title, same):
    assert same_document(name, title, corpus_places(seed_index)) is same


@pytest.mark.parametrize(
    "question, names",
    [
        (
            "《海门区重大经济科技活动知识产权分析评议管理办法》规定哪些项目必须做评议？",
            ["海门区重大经济科技活动知识产权分析评议管理办法"],
        ),
        ("南通市十四五知识产权发展规划里，南通全市的目标是多少？", ["南通市十四五知识产权发展规划"]),
        ("邹城方案依据的山东省十四五知产规划，是哪一年印发的？", ["山东省十四五知产规划"]),  # opens at the last place
        ("中国（甘肃）知识产权保护中心计划哪一年建成？", []),  # 计划 as a verb names no document
        ("海门那边的知识产权执法是哪个局在搞？", []),  # nor does 执法
    ],
)
def test_the_documents_a_question_names(seed_index, question, names):
    assert [n.name for n in named_documents(question, corpus_places(seed_index))] == names


def test_a_quoted_name_is_meant_as_a_title():
    assert named_documents("《专利法》第二十二条怎么规定的？") == [NamedDocument("专利法", True)]


def test_a_document_the_corpus_does_not_hold_is_refused_with_that_reason(seed_index):
    sibling = ask(seed_index, "海门十三五规划当年给每万人发明专利拥有量定的目标是多少？")
    assert not sibling.answered and "海门十三五规划" in sibling.confidence and "这份文件" in sibling.confidence
    city = ask(seed_index, "南通市十四五知识产权发展规划里，南通全市每万人高价值发明专利的目标是多少？")
    assert not city.answered and "20件" not in city.text, city.text
    # 000 says the 实施方案 is to be issued, and holds nothing of what it says
    mentioned = ask(seed_index, "《邹城市专利转化运用实施方案（2024—2026年）》里，每年要转化多少件专利？")
    assert not mentioned.answered and "全文" in mentioned.confidence, mentioned.confidence
    # a law the seeds do not hold
    law = ask(seed_index, "《专利法》里专利权的期限是多少年？")
    assert not law.answered and "《专利法》" in law.confidence


def test_a_named_corpus_document_or_a_cited_ones_years_are_still_answered(seed_index):
    held = ask(seed_index, "《泰安市十四五知识产权规划》里，到2025年每万人口高价值发明专利达到多少件？")
    assert held.answered and "3.6件" in held.text, held.text
    # the years of a plan 002 cites are the citing clause's to give
    cited = ask(seed_index, "海门要贯彻的江苏省那个专利转化的专项方案，是哪几年的？")
    assert cited.answered and "2021" in cited.text, cited.text
