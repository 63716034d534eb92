"""Each answer sentence backed by the citations it marks (ipqa.evaluation.backing), on hand-made answers: the
claims and their marks, a bracketed year inside a quote, the composers' own words, a metadata answer."""

from __future__ import annotations

from ipqa.evaluation.backing import claims, unbacked


def _cit(quote: str, title: str = "测试市知识产权规划", short: str = "") -> dict:
    return {"doc_id": "doc", "title": title, "short_title": short, "quote": quote}


def test_claims_pair_each_text_with_the_marks_after_it():
    line = "《规划》：甲负责[1][2]；乙配合[3]。"
    assert claims(line, 3) == ([("《规划》：甲负责", [1, 2]), ("；乙配合", [3])], "。")
    # [2019] names no citation: it is the quote's own text (国发[2019]8号)
    assert claims("依据国发[2019]8号[1]", 1) == ([("依据国发[2019]8号", [1])], "")


def test_backed_answers_of_each_shape():
    cits = [_cit("（省市場監管局牽頭，各成員單位按照職責分工負責）"), _cit("到2025年有效发明专利达到3300件以上")]
    who = "《测试市知识产权规划》：省市场监管局（原文：省市場監管局）牵头，各成员单位配合[1]。"
    assert unbacked(who, cits) == []
    assert unbacked("《测试市知识产权规划》：到2025年有效发明专利达到3300件以上[2]", cits) == []
    assert unbacked("《测试市知识产权规划》也涉及此事项，但未明确责任单位[2]。", cits) == []
    dated = "《测试市知识产权规划》的成文日期（文件未标明发布日期）：2023年4月3日[1]"
    assert unbacked(dated, [_cit("成文日期：2023年4月3日")]) == []


def test_unbacked_pieces_are_named_by_line():
    cits = [_cit("到2025年有效发明专利达到3300件以上")]
    [problem] = unbacked("《测试市知识产权规划》：到2025年有效发明专利达到9999件以上[1]", cits)
    assert problem.startswith("答案第 1 行") and "9999" in problem
    [problem] = unbacked("第一行没有问题[1]\n《测试市知识产权规划》：专利达到3300件", [_cit("第一行没有问题")])
    assert "第 2 行" in problem and "没有引文标注" in problem
    [problem] = unbacked("《别的规划》：到2025年有效发明专利达到3300件以上[1]", cits)
    assert "《别的规划》不是引文 [1] 所出自的文件" in problem
    assert unbacked("《规划简称》：专利达到3300件以上[1]", [_cit("专利达到3300件以上", short="规划简称")]) == []


def test_a_document_name_with_nested_brackets_opens_the_line():
    title = "浙江省实施《中华人民共和国农村土地承包法》办法"
    cits = [_cit("承包方享有土地承包经营权流转的自主权", title=title)]
    assert unbacked(f"《{title}》：承包方享有土地承包经营权流转的自主权[1]", cits) == []
    [problem] = unbacked("《浙江省实施《别的法》办法》：承包方享有土地承包经营权流转的自主权[1]", cits)
    assert "不是引文 [1] 所出自的文件" in problem
