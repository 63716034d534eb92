"""The app's pure helpers: escaping, highlighting across scripts and line breaks, cards, outline, filters."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipqa.records import Answer, Clause, Departments, Document, Flag, Hit, Metadata, RetrieverScore
from ipqa.text import merge_spans
from ipqa.views.findings import flag_messages
from ipqa.views.html import (
    card_html,
    clause_html,
    context_span,
    document_html,
    filter_options,
    group_clauses,
    hit_card,
    link,
    outline,
    outline_html,
)
from ipqa.views.labels import (
    FLAG_LABELS,
    answer_html,
    convert_script,
    match_spans,
    question_problem,
    render_spans,
    why_details,
    why_matched,
)


def highlight_html(text: str, terms, script="original") -> str:
    """A text as the app shows a clause: safe HTML with the matched terms in <mark>."""
    return clause_html(Clause("d#1", "d", "", (), text, 0, len(text)), terms, script)


HOSTILE = '第一条 <script>alert(1)</script> 与 <b>加粗</b> & "引号" 由省市场监管局负责。'


class Tags(HTMLParser):
    """Collects the tags an HTML string really creates."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def visible(html: str) -> str:
    parser = Tags(html)
    parser.close()
    return "".join(parser.text)


def make_doc(text: str, doc_id: str = "d", **meta) -> Document:
    return Document(doc_id=doc_id, source=f"corpus/{doc_id}.txt", sha256="0" * 64, text=text, meta=Metadata(**meta))


def clause_of(doc: Document, fragment: str, path=("一、总则", "第一条"), **kw) -> Clause:
    start = doc.text.index(fragment)
    return Clause(
        clause_id=f"{doc.doc_id}#{'/'.join(path)}",
        doc_id=doc.doc_id,
        label=path[-1],
        path=tuple(path),
        text=fragment,
        start=start,
        end=start + len(fragment),
        **kw,
    )


def test_document_markup_is_escaped_and_creates_no_element():
    html = highlight_html(HOSTILE, ["省市场监管局", "script"])
    assert Tags(html).tags == ["mark"] * 3  # only our highlights (script twice), no <script> or <b>
    assert visible(html) == HOSTILE


def test_simplified_term_matches_traditional_text_and_spans_line_breaks():
    text = "加快推進知識產權質押\n融資，省市場監管局負責"
    spans = match_spans(text, ["质押融资", "省市场监管局"])
    assert [text[s:e] for s, e in spans] == ["質押\n融資", "省市場監管局"]


def test_full_width_and_case_fold():
    assert match_spans("落实ＩＳＯ５６００５标准", ["iso56005"]) == [(2, 10)]


def test_single_character_terms_are_not_highlighted():
    assert match_spans("的的的局", ["的", "局"]) == []


def test_overlapping_terms_merge():
    assert match_spans("知识产权质押融资", ["知识产权", "产权质押", "融资"]) == [(0, 8)]
    assert merge_spans([(5, 6), (0, 2), (1, 3)]) == [(0, 3), (5, 6)]


def test_render_spans_nests_layers():
    html = render_spans("abcdef", {"x": [(0, 4)], "ipqa-hl": [(2, 3)]})
    assert html == '<span class="x">ab</span><mark class="x ipqa-hl">c</mark><span class="x">d</span>ef'


def test_script_toggle():
    assert convert_script("知識產權", "simplified") == "知识产权"
    assert convert_script("知识产权", "traditional") == "知識產權"
    assert convert_script("知识產權", "original") == "知识產權"
    assert visible(highlight_html("知識產權質押", ["质押"], "simplified")) == "知识产权质押"


@pytest.mark.parametrize("question", ["", "   \n\t ", "x" * 10_000, "😀🎉", "？？！！"])
def test_bad_questions_get_a_message(question):
    assert question_problem(question)


@pytest.mark.parametrize("question", ["谁负责知识产权质押融资？", "ISO 56005", "谁负责专利导航😀"])
def test_good_questions_pass(question):
    assert question_problem(question) is None


def test_answer_markers_become_links_and_text_is_escaped():
    answer = Answer(question="q", kind="who", text="<b>省市场监管局</b>[1]；省财政厅[2][1]")
    html = answer_html(answer)
    assert Tags(html).tags == ["sup", "a", "sup", "a", "sup", "a"]
    assert 'href="#ipqa-cite-2"' in html


def test_hit_card_shows_units_flags_and_why():
    doc = make_doc(
        "前言。" + HOSTILE,
        title="某市<i>方案</i>",
        issuer="某市人民政府",
        doc_number="某政字〔2024〕1号",
        date_written="2024-04-29",
        level="municipal",
    )
    spam = Flag("spam", "0.1元入场捕鱼", 3, 8)
    clause = clause_of(doc, HOSTILE, departments=Departments(("省市场监管局",), ("省财政厅",)), flags=(spam,))
    hit = Hit(clause, 0.0325, {"bm25": RetrieverScore(1, 12.5), "dense": RetrieverScore(4, 0.71)}, ("质押",))
    card = hit_card(1, hit, doc, ["省市场监管局"])
    assert card.title == "某市<i>方案</i>"  # plain text; the app escapes it
    assert card.meta == "某市人民政府 · 某政字〔2024〕1号 · 2024-04-29 · 市级"
    assert card.lead == ("省市场监管局",) and card.support == ("省财政厅",)
    assert any("注入" in w for w in card.warnings)
    assert card.why == "关键词匹配、语义相近"  # in words; the numbers are in the detail
    assert card.why_detail == "关键词匹配 第1名（12.500） · 语义相近 第4名（0.710） · 综合得分 0.0325"
    assert Tags(card.body_html).tags == ["span", "mark"]
    assert card.body_html.startswith('<span class="ipqa-excluded">第一条 &lt;</span>')  # the flagged span


def test_why_matched_bm25_only():
    clause = Clause("d#1", "d", "1", ("1",), "x", 0, 1)
    hit = Hit(clause, 0.0164, {"bm25": RetrieverScore(1, 3.0)})
    assert why_matched(hit) == "关键词匹配"
    assert why_details(hit) == "关键词匹配 第1名（3.000） · 综合得分 0.0164"


def test_document_view_marks_cited_clause_in_context():
    text = "头部<script>\n一、甲事项。\n二、乙事项由省市场监管局负责。\n三、丙事项。\n四、丁。\n"
    doc = Document("d", "d.txt", "0" * 64, text, excluded=((0, 10),))
    clauses = [
        clause_of(doc, frag, path=(frag[:2],))
        for frag in ("一、甲事项。", "二、乙事项由省市场监管局负责。", "三、丙事项。", "四、丁。")
    ]
    span = context_span(clauses, 1, around=1)
    assert text[span[0] : span[1]] == "一、甲事项。\n二、乙事项由省市场监管局负责。\n三、丙事项。"
    html = document_html(doc, (0, len(text)), clauses[1], ["省市场监管局"])
    assert '<span class="ipqa-excluded">头部&lt;script&gt;</span>' in html
    assert '<mark class="ipqa-cited ipqa-hl">省市场监管局</mark>' in html
    assert visible(html) == text


def test_outline_links_are_encoded_and_escaped():
    doc = make_doc("一、<b>总则</b>。二、分则。", doc_id="省/文件 a&b")
    clauses = [
        clause_of(doc, "一、<b>总则</b>。", path=("一、<b>总则</b>",)),
        clause_of(doc, "二、分则。", path=("二、分则",)),
    ]
    rows = outline(clauses, current=clauses[1].clause_id)
    assert [r.current for r in rows] == [False, True]
    html = outline_html(rows, doc.doc_id)
    assert Tags(html).tags == ["div", "div", "a", "div", "a"]
    assert link(doc="省/文件 a&b", clause="") == "?doc=%E7%9C%81%2F%E6%96%87%E4%BB%B6+a%26b"
    assert re.search(r'href="\?doc=[^"]*&amp;clause=', html)


def test_filter_options_and_grouping():
    docs = {
        "a": make_doc(
            "x", "a", title="乙", region="山东省", level="county", date_written="2024-01-01", validity="有效"
        ),
        "b": make_doc("y", "b", title="甲", region="甘肃省", level="provincial", date_published="2020-06-16"),
        "c": make_doc("z", "c"),
    }
    opts = filter_options(docs)
    assert opts.regions == ("山东省", "甘肃省")
    assert opts.levels == ("provincial", "county")
    assert opts.years == (2020, 2024)
    assert opts.validities == ("有效",)
    assert opts.documents == (("c", "c"), ("a", "乙"), ("b", "甲"))  # code-point order
    c1, c2 = Clause("a#2", "a", "2", (), "x", 5, 6), Clause("a#1", "a", "1", (), "x", 0, 1)
    assert [c.clause_id for c in group_clauses([c1, c2])["a"]] == ["a#1", "a#2"]


def test_outline_shows_each_heading_once_then_its_clauses():
    long = "1.甲事项" + "很长" * 12 + "。"
    text = f"一、总则\n（一）目标\n{long}\n2.乙事项。\n二、保障\n1.丙事项。"
    doc = make_doc(text)
    clauses = [
        clause_of(doc, long, path=("一、总则", "（一）目标", "1.")),
        clause_of(doc, "2.乙事项。", path=("一、总则", "（一）目标", "2.")),
        clause_of(doc, "1.丙事项。", path=("二、保障", "1.")),
    ]
    rows = outline(clauses, current=clauses[2].clause_id)
    assert [(r.depth, r.text, bool(r.clause_id), r.current) for r in rows] == [
        (0, "一、总则", False, False),
        (1, "（一）目标", False, False),
        (2, "1.甲事项很长很长很长很长很长很长很长很长很长…", True, False),
        (2, "2.乙事项。", True, False),
        (0, "二、保障", False, False),
        (1, "1.丙事项。", True, True),
    ]
    html = outline_html(rows, doc.doc_id, question="谁负责？")
    assert html.count("<summary>") == 3 and html.count("<a ") == 3 and html.count("<details") == 3
    assert html.count("<details open>") == 1  # only 二、保障, above the current clause, starts open
    assert html.index("<details open><summary>二、保障") < html.index("ipqa-current")
    assert html.count("</details>") == 3 and html.endswith("</details></div>")
    assert "q=%E8%B0%81" in html


def test_card_html_escapes_every_field():
    doc = make_doc(HOSTILE, title="<img src=x onerror=alert(1)>", issuer="<i>机关</i>")
    clause = clause_of(doc, HOSTILE, path=("<u>一、</u>", "第一条"), departments=Departments(("<b>局</b>",), ()))
    card = hit_card(3, Hit(clause, 0.01, {"bm25": RetrieverScore(3, 1.0)}), doc, ["省市场监管局"])
    tags = Tags(card_html(card)).tags
    assert set(tags) == {"div", "span", "mark", "details", "summary"}
    assert "&lt;img src=x onerror=alert(1)&gt;" in card_html(card)


def test_flag_levels():
    flags = (Flag("traditional_script", "繁体"), Flag("spam", "捕鱼", 0, 2), Flag("spam", "again"))
    assert flag_messages(flags, "warning") == [f"{FLAG_LABELS['spam']}：捕鱼"]
    assert flag_messages(flags, "info") == [f"{FLAG_LABELS['traditional_script']}：繁体"]
    assert len(flag_messages(flags)) == 2


_TEXT = st.text(alphabet=st.sampled_from(list("知識产權质押融資<>&\"'/ \n\tabcAB１２局市")), max_size=60)


@settings(max_examples=200, deadline=None)
@given(text=_TEXT, terms=st.lists(_TEXT, max_size=4))
def test_highlighting_never_changes_or_leaks_the_text(text, terms):
    html = highlight_html(text, terms)
    assert visible(html) == text
    assert set(Tags(html).tags) <= {"mark"}
    for start, end in match_spans(text, terms):
        assert 0 <= start < end <= len(text) and text[start:end].strip()


def test_one_question_length_limit_for_the_app_and_the_search():
    from ipqa.index import searcher
    from ipqa.settings import MAX_QUESTION_CHARS

    assert MAX_QUESTION_CHARS == 512 and searcher.MAX_QUERY_CHARS is MAX_QUESTION_CHARS
    assert question_problem("专" * MAX_QUESTION_CHARS) is None
    assert str(MAX_QUESTION_CHARS) in question_problem("专" * (MAX_QUESTION_CHARS + 1))


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("<b>粗</b> & *强调* _下_ `码` [链接](x) |表| ~~删~~ $x$ #标", None),
        ("2.推进质押融资(省市场监管局负责)", "2\\.推进质押融资(省市场监管局负责)"),
        ("一、总则\n1.目标\n  2) 任务\n- 列表\n+ 加\n===\r3.回车后", None),
        ("第三条 国家鼓励3.5倍 a-b c+d", "第三条 国家鼓励3.5倍 a-b c+d"),
        ("见https://a.cn/x、WWW.b.cn或c@d.cn", "见https\\://a.cn/x、WWW\\.b.cn或c\\@d.cn"),  # no autolink
    ],
)
def test_md_escape_keeps_document_markup_literal(text, escaped):
    from ipqa.views.export import to_markdown
    from ipqa.views.labels import md_escape

    out = md_escape(text)
    if escaped is not None:
        assert out == escaped
    assert not re.search(r"(?<!\\)[*_`\[\]|~$#]", out)  # inline markup is escaped …
    assert "<" not in out and ">" not in out and not re.search(r"&(?!amp;|lt;|gt;)", out)  # … HTML is entities
    assert not re.search(r"(?m)(?:^|(?<=\r))[ \t]*(?:\d+[.)]|[-+=])", out)  # … and no line opens a list
    assert to_markdown(text, None, []).startswith(f"# 问题：{md_escape(text)}\n")  # the export escapes the same way


def test_informational_flags_are_defined_once():
    from ipqa.views import report
    from ipqa.views.labels import INFO_FLAGS

    assert report.INFO_FLAGS is INFO_FLAGS
    assert set(INFO_FLAGS) <= set(FLAG_LABELS)


def test_one_script_names_each_unit_once():
    from ipqa.views.labels import one_script

    text = "《甘肅省計劃》：省市场监管局（原文：省市場監管局）负责，省林草局配合[1]。"
    assert one_script(text, "simplified") == "《甘肃省计划》：省市场监管局负责，省林草局配合[1]。"
    assert one_script(text, "original") == "《甘肅省計劃》：省市場監管局（简体：省市场监管局）负责，省林草局配合[1]。"
    assert one_script(text, "traditional").count("監管局") == 1 and "原文" not in one_script(text, "traditional")
    assert one_script("见（原文：第三条）", "original") == "见（原文：第三条）"  # not a unit note: as written


def test_a_card_from_a_scan_says_the_text_is_machine_read():
    from dataclasses import replace

    doc = make_doc("第一条 开展专利导航服务。")
    clause = clause_of(doc, "第一条 开展专利导航服务。")
    hit = Hit(clause, 0.03, {"bm25": RetrieverScore(1, 3.0)})
    assert not any("机器识别" in w for w in hit_card(1, hit, doc, []).warnings)
    scanned = replace(doc, flags=(Flag("ocr", "text machine-read by tesseract … mean confidence 93%"),))
    assert any("机器识别" in w for w in hit_card(1, hit, scanned, []).warnings)


def test_md_text_keeps_addresses_from_becoming_links_on_screen_only():
    from ipqa.views.labels import WORD_JOINER, md_escape, md_text

    text = "见https://a.cn/x、www.b.cn或c@d.cn，第2.3条"
    shown = md_text(text)
    plain = shown.replace("\\", "")
    assert "https://" not in plain and "www." not in plain and "c@" not in plain
    assert shown.replace(WORD_JOINER, "") == md_escape(text)  # the same text, less the invisible joiners
    assert WORD_JOINER not in md_escape(text)  # exports keep the document's own characters
