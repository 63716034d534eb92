"""Number, date and name answers held to what the question asks: the asker's own figure, the year that governs a
figure, what a per-unit measure is per, the thing counted before a comma, a date that must be stated, the names of
a list's members, a person's name, a signature."""

from __future__ import annotations

import pytest

from ipqa.answer.analysis import analyse, last_years, names_asked
from ipqa.answer.measures import measure_asked, per_units
from ipqa.answer.pipeline import ask
from ipqa.text import to_simplified


def test_the_figure_the_asker_states_is_not_the_answer(seed_index):
    # 002: 马德里国际注册商标量25件 at the end of 十三五, 40件 the 十四五 target
    answer = ask(seed_index, "海门十三五末走马德里的国际商标才25件，到十四五末想涨到多少件？")
    assert answer.answered and "40件" in answer.text and "25件" not in answer.text, answer.text
    # "4.2个亿" says the unit asked: money, not the 400件 of PCT applications
    money = ask(seed_index, "海门这些年专利权质押一共融了4.2个亿，十四五累计要做到多少？")
    assert money.answered and "15亿元" in money.text and "400件" not in money.text, money.text


def test_the_last_year_before_a_figure_governs_it():
    assert last_years("“十四五”期间,发明专利授权量稳步增长,到2025年年末全市有效发明专利达到") == {2025}
    assert last_years("2018年新增获得认证证书的企业数量较2017年增长") == {2018}  # 较2017年 is a base


def test_a_figure_governed_by_another_year_does_not_answer(seed_index):
    # 004: "“十四五”期间…到2025年年末…3300件…3.6件"; the period spans 2021, the figures are 2025's
    answer = ask(seed_index, "泰安2021年全市新增发明专利授权多少件？")
    assert not answer.answered and "3300" not in answer.text and "3.6" not in answer.text, answer.text


def test_a_per_unit_measure_is_answered_only_per_the_same_unit(seed_index):
    assert per_units("每十亿元GDP的高质量发明专利") == {"产值"}
    assert per_units("每万人口高价值发明专利") == {"人"}
    answer = ask(seed_index, "海门每十亿元GDP的高质量发明专利，十四五末要提到多少件？")
    assert not answer.answered and "20件" not in answer.text, answer.text
    per_head = ask(seed_index, "泰安到2025年每万人口高价值发明专利要达到多少件？")
    assert per_head.answered and "3.6件" in per_head.text and "3300" not in per_head.text, per_head.text


def test_the_thing_counted_may_be_said_before_a_comma(seed_index):
    assert measure_asked("邹城那支知识产权志愿者队伍，打算招多少人？") == "队伍"
    assert measure_asked("每年质押登记额保底是多少？") == ""  # 保底 says which bound, not what is counted
    answer = ask(seed_index, "邹城那支知识产权志愿者队伍，打算招多少人？")
    assert not answer.answered and "专管员" not in answer.text, answer.text


def test_a_when_question_whose_clauses_state_no_time_is_refused(seed_index):
    answer = ask(seed_index, "中国（甘肃）知识产权保护中心计划哪一年建成、正式对外服务？")
    assert not answer.answered and "具体时间" in answer.confidence, answer.text
    # a year inside a name is still a year the answer states
    named = ask(seed_index, "甘肃那个打击网络盗版的剑网专项行动是哪一年的？")
    assert named.answered and "2020" in named.text, named.text


@pytest.mark.parametrize(
    "question, kind",
    [
        ("邹城高价值专利重点企业培育库里现在都有哪些企业？", "公司"),  # members of a list: firms by name
        ("泰安那个专利密集型产业培育目录里，都列了哪些产业？", "产业"),
        ("泰安重点支持哪些企业？", ""),  # kinds of firm, not names
    ],
)
def test_the_members_of_a_list_are_asked_by_name(question, kind):
    assert names_asked(question) == kind


def test_a_list_whose_members_no_clause_names_is_refused(seed_index):
    answer = ask(seed_index, "泰安那个专利密集型产业培育目录里，都列了哪些产业？")
    assert not answer.answered and "名称" in answer.confidence, answer.text


def test_a_post_asked_by_name_is_a_person():
    assert analyse("甘肃省市场监管局管知识产权的那个处，处长叫什么名字？").person
    assert not analyse("邹城工作专班的组长由谁担任？").person  # a post the text may name


def test_an_office_district_asked_is_an_address():
    assert analyse("甘肃那个兰州代办处在兰州哪个区办公？").moment == "address"


def test_the_signature_date_is_answered_from_the_signature(seed_index):
    # 000's page header gives 成文日期 2024-04-29; its signature line 2024年4月29日
    answer = ask(seed_index, "邹城印发强县方案的那份通知，落款写的是几月几号？")
    assert answer.answered and "2024年4月29日" in to_simplified(answer.text), answer.text
    header = ask(seed_index, "邹城强县方案的成文日期是哪天？")
    assert "2024-04-29" in header.text, header.text


def test_what_a_document_was_drawn_up_on_is_quoted_from_its_preamble(seed_index):
    from ipqa.evaluation.verify import verify_citations

    answer = ask(seed_index, "泰安这份规划是照着哪两份上位文件编出来的？")
    assert answer.answered and answer.kind == "metadata", answer.text
    assert "山东省“十四五”知识产权保护和运用规划" in answer.text and "制定本规划" in answer.text, answer.text
    assert not verify_citations([c.to_dict() for c in answer.citations], seed_index.folder).problems
