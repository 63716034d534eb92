from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipqa.clauses.numbering import match_label, normalise_label
from ipqa.clauses.split import split_clauses
from ipqa.records import Document, Flag, Metadata
from tests.helpers.paths import CORPUS

SEEDS = sorted(CORPUS.glob("*.txt"))


def plain(path: Path) -> Document:
    """The seed's text as a Document with no cleaning: the splitter alone decides the structure."""
    return Document(path.stem, str(path), "", path.read_text(encoding="utf-8"))


def seed(prefix: str) -> Document:
    return plain(next(p for p in SEEDS if p.name.startswith(prefix)))


def doc(text: str, excluded=(), flags=(), title: str = "") -> Document:
    return Document("d", "d.txt", "", text, Metadata(title=title), excluded=tuple(excluded), flags=tuple(flags))


def check_spans(document: Document, clauses) -> None:
    for c in clauses:
        assert document.text[c.start : c.end] == c.text
        assert c.text and c.text == c.text.strip()
    ids = [c.clause_id for c in clauses]
    assert len(ids) == len(set(ids))


def bases(clauses) -> list[str]:
    return [c.clause_id for c in clauses if "~" not in c.clause_id and not c.clause_id.endswith("#序言")]


# Labelled clauses per seed, counted by hand from the text (preamble and long-clause parts not counted).
EXPECTED_COUNTS = {"000": 34, "001": 80, "002": 35, "003": 21, "004": 21}
EXPECTED_PATHS = {
    "000": [
        ("三、工作任务", "(二)促进知识产权运用", "3.持续优化知识产权金融服务"),
        ("二、工作目标",),
        ("二、工作目标", "(一)知识产权创造能力日益增长"),
        ("四、保障措施", "(六)定期监测评估"),
        ("一、指导思想",),
    ],
    "001": [
        ("一、深化知識產權領域改革", "(一)推進知識產權管理體制機制改革", "1."),
        ("二、嚴格保護知識產權", "(一)加強保護長效機制建設", "13"),
        ("三、促進知識產權創造運用", "(一)強化知識產權創造質量導向", "38."),
        ("五、加強組織實施和政策保障", "(三)大力倡導知識產權文化", "80."),
    ],
    "002": [
        ("四、主要任务", "(一)高质量推进知识产权创造", "1.提升创新主体创新能力"),
        ("一、规划背景", "(一)“十三五”时期知识产权工作成效基础"),
        ("三、发展目标", "(二)主要定量指标", "2."),
    ],
    "003": [("(五)全面提升企事业单位知识产权管理水平", "3.执行单位"), ("四、保障措施", "(五)提供政策倾斜支持")],
    "004": [
        ("一、总体要求", "（二）基本原则", "1.坚持市场导向"),
        ("二、主要任务", "（一）优化知识产权制度体系"),
        ("四、加强组织领导，强化监测评估",),
        ("二、主要任务", "（五）强化知识产权服务监管", "2.加强知识产权服务监管"),
    ],
}


@pytest.mark.parametrize("prefix", sorted(EXPECTED_COUNTS))
def test_seed_structure(prefix):
    document = seed(prefix)
    clauses = split_clauses(document)
    check_spans(document, clauses)
    assert len(bases(clauses)) == EXPECTED_COUNTS[prefix]
    paths = {c.path for c in clauses}
    for path in EXPECTED_PATHS[prefix]:
        assert path in paths
    assert clauses[0].path == ("序言",) and clauses[0].label == ""
    assert all(len(c.text) <= 500 for c in clauses)


def test_seed_000_ids_labels_and_headings_without_body():
    clauses = split_clauses(seed("000"))
    c = next(c for c in clauses if c.path[-1] == "3.持续优化知识产权金融服务")
    assert c.clause_id == "000_81f9c92258dafa0e#三/(二)/3"
    assert c.labels == ("三、", "(二)", "3.") and c.label == "3."
    assert c.text.startswith("3.持续优化") and c.text.endswith("不低于2亿元/年。")
    # "三、工作任务" and "(二)促进知识产权运用" have no body text: path elements, not clauses
    assert not [c for c in clauses if c.path in {("三、工作任务",), ("三、工作任务", "(二)促进知识产权运用")}]
    heading = next(c for c in clauses if c.path == ("二、工作目标",))  # heading with body text of its own
    assert heading.text.startswith("二、工作目标") and heading.text.endswith("引领助推经济高质量发展。")


def test_seed_001_broken_lines_and_lost_dots():
    clauses = {c.path[-1]: c for c in split_clauses(seed("001"))}
    assert [n for n in range(1, 81) if f"{n}." not in clauses and str(n) not in clauses] == []
    assert {"11", "13", "15", "22", "23", "27", "28"} <= set(clauses)  # the dot was lost in the source
    assert "意見和具體措施" in clauses["38."].text  # heading broken across lines stays in one clause
    assert "控物資生產企業" in clauses["42."].text
    assert "”區域品牌" in clauses["39."].text
    assert clauses["13"].clause_id.endswith("#二/(一)/13")


def test_figures_and_years_are_not_items():
    text = "1.目标。\n2020年完成。\n2.措施。\n12.07件以上。\n3项任务全部完成。\n3开展检查。"
    clauses = split_clauses(doc(text))
    assert [c.label for c in clauses] == ["1.", "2.", "3"]
    assert "2020年完成" in clauses[0].text and "12.07件" in clauses[1].text and "3项任务" in clauses[1].text


def test_statute_paragraphs_and_items_stay_in_their_article():
    text = (
        "# 某某法\n\n## 第一章 总则\n\n第一条 为了规范，制定本法。\n\n第二条 有下列情形之一的：\n\n（一）甲；\n\n"
        "（二）乙。\n\n前款规定的情形除外。\n\n## 第二章 附则\n\n### 第一节 一般规定\n\n第三条 本法自公布之日起施行。"
    )
    clauses = split_clauses(doc(text, title="某某法"))  # the title's own H1 is not a path element
    assert [c.label for c in clauses] == ["第一条", "第二条", "第三条"]
    assert clauses[1].text.endswith("前款规定的情形除外。") and "（二）乙" in clauses[1].text
    assert clauses[1].path == ("第一章 总则", "第二条")
    assert clauses[2].path == ("第二章 附则", "第一节 一般规定", "第三条")
    assert clauses[2].clause_id == "d#第二章/第一节/第三条"


def test_repeated_numbering_gets_a_suffix():
    text = "说明。\n一、任务\n内容甲。\n二、保障\n内容乙。\n一、任务\n内容丙。"
    ids = [c.clause_id for c in split_clauses(doc(text))]
    assert ids == ["d#序言", "d#一", "d#二", "d#一_2"]


def test_annexes_are_parts_of_their_own():
    text = "一、任务\n内容甲。\n附件1\n一、名单\n内容乙。\n附件：2.责任分解表\n（一）分工\n内容丙。"
    clauses = split_clauses(doc(text))
    assert [c.clause_id for c in clauses] == ["d#一", "d#附件1/一", "d#附件/(一)"]
    assert clauses[1].path == ("附件1", "一、名单") and clauses[1].labels == ("附件1", "一、")


def test_long_clause_splits_at_sentences_and_keeps_path():
    body = "".join(f"第{i}句讲的是知识产权质押融资工作的具体安排。" for i in range(40))
    text = f"一、总体要求\n（一）融资\n{body}\n（二）其他\n短句。"
    clauses = split_clauses(doc(text), max_chars=120)
    parts = [c for c in clauses if c.clause_id.startswith("d#一/(一)")]
    assert len(parts) > 3 and parts[1].clause_id == "d#一/(一)~2"
    assert all(c.path == ("一、总体要求", "（一）融资") and len(c.text) <= 120 for c in parts)
    assert all(c.text.endswith("。") for c in parts)
    assert "".join(c.text for c in parts).replace("\n", "") == f"（一）融资{body}"


def test_excluded_lines_end_clauses_and_inline_spam_is_flagged():
    text = "一、任务\n关于0.1元入场捕鱼推进工作。\n扫一扫在手机打开当前页\n二、保障\n加强领导。\n欧美垃圾内容"
    spam = text.index("0.1元入场捕鱼")
    spam_span = (spam, spam + len("0.1元入场捕鱼"))
    footer = text.index("扫一扫")
    tail = text.index("欧美")
    excluded = [spam_span, (footer, footer + len("扫一扫在手机打开当前页")), (tail, len(text))]
    flags = [Flag("spam", "injected ad", *spam_span)]
    clauses = split_clauses(doc(text, excluded, flags))
    assert [c.text for c in clauses] == ["一、任务\n关于0.1元入场捕鱼推进工作。", "二、保障\n加强领导。"]
    assert clauses[0].flags == (Flag("spam", "injected ad", *spam_span),)
    assert clauses[0].clean_text == "一、任务\n关于推进工作。"


def test_departments_on_seed_004_prose():
    clause = next(c for c in split_clauses(seed("004")) if c.label == "四、")
    assert clause.departments.lead == ("市市场监管局",)


LINES = st.sampled_from(
    [
        "一、总体要求",
        "（二）基本原则",
        "(三)措施",
        "1.坚持市场导向。",
        "2、质量优先",
        "13加快推进",
        "（1）细项",
        "①子项",
        "第一章 总则",
        "第二条 本法所称",
        "## 第三节 附则",
        "2020年完成目标。",
        "意见和具体措施，",
        "普通的一段正文。",
        "（省市场监管局负责）",
        "",
        "   ",
        "　",
        "扫一扫在手机打开当前页",
        "继续上一行",
        "很长的一行没有任何句号只有逗号，" * 4 + "没有标点符号的长句子" * 3,  # forces cuts inside one sentence
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(LINES, max_size=30),
    st.lists(st.tuples(st.integers(0, 400), st.integers(1, 40)), max_size=4),
    st.sampled_from(["\n", "\n\n", "\r\n"]),
    st.integers(20, 500),
)
def test_span_invariant_property(lines, raw_spans, sep, max_chars):
    text = sep.join(lines)
    excluded = sorted({(min(s, len(text)), min(s + n, len(text))) for s, n in raw_spans if s < len(text)})
    document = doc(text, excluded)
    clauses = split_clauses(document, max_chars=max_chars)
    check_spans(document, clauses)
    for c in clauses:
        assert len(c.text) <= max_chars
        for s, e in excluded:  # a clause never begins or ends inside excluded text
            assert not (s <= c.start < e) and not (s < c.end <= e)


@pytest.mark.parametrize("prefix", sorted(EXPECTED_COUNTS))
def test_seeds_read_by_the_corpus_reader(prefix):
    """Through ipqa.corpus.reading: same structure, and no clause covers a header, boilerplate or spam line."""
    from ipqa.corpus.reading import read_document

    path = next(p for p in SEEDS if p.name.startswith(prefix))
    document = read_document(path, CORPUS)
    clauses = split_clauses(document)
    check_spans(document, clauses)
    assert len(bases(clauses)) == EXPECTED_COUNTS[prefix]
    for s, e in document.excluded:
        line_start = document.text.rfind("\n", 0, s) + 1
        line_end = document.text.find("\n", e) % (len(document.text) + 1)
        whole_line = not document.text[line_start:s].strip() and not document.text[e:line_end].strip()
        for c in clauses:
            if whole_line:
                assert c.end <= s or c.start >= e, (c.clause_id, document.text[s:e])
            elif c.start < e and s < c.end:  # inline: flagged, so clean_text drops it
                assert any(f.kind == "spam" and f.start <= max(s, c.start) and f.end >= min(e, c.end) for f in c.flags)
                assert document.text[max(s, c.start) : min(e, c.end)] not in c.clean_text
    assert not any("扫一扫" in c.text or "欧美" in c.text or "捕鱼" in c.clean_text for c in clauses)


def test_cli_clauses_json_and_tree():
    import json

    from click.testing import CliRunner

    from ipqa.cli import main

    path = str(next(p for p in SEEDS if p.name.startswith("001")))
    result = CliRunner().invoke(main, ["clauses", path, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {
        "doc_id",
        "source",
        "sha256",
        "title",
        "issuer",
        "doc_number",
        "date",
        "region",
        "level",
        "doc_type",
        "flags",
        "short_title",
        "date_written",
        "date_published",
        "validity",
    } <= set(data["document"])
    item = next(c for c in data["clauses"] if c["label"] == "2.")
    assert list(item) == ["clause_id", "label", "path", "text", "start", "end", "departments", "flags"]
    assert item["departments"] == {"lead": ["省委軍民融合辦"], "support": ["省市場監管局"]}
    assert "省委軍民融合辦" in result.output  # ensure_ascii=False

    tree = CliRunner().invoke(main, ["clauses", path]).output
    assert tree.count("一、深化知識產權領域改革\n") == 1  # a heading without body is printed once, as a tree node
    assert "\n    2.  [001_e22083f13b5790bb#一/(一)/2]  牵头: 省委軍民融合辦  配合: 省市場監管局" in tree


def test_cli_clauses_unreadable_file_is_one_line_error(tmp_path):
    from click.testing import CliRunner

    from ipqa.cli import main

    bad = tmp_path / "x.xyz"
    bad.write_text("内容")
    for target in (bad, tmp_path / "missing.txt"):
        result = CliRunner().invoke(main, ["clauses", str(target)])
        assert result.exit_code == 1
        assert result.output.startswith("Error: ") and result.output.count("\n") == 1
        assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "line, kind, label",
    [
        ("第一编 总则", "bian", "第一编"),
        ("第二分编　典型合同", "fenbian", "第二分编"),
        ("第十三章 保证合同", "zhang", "第十三章"),
        ("第一节一般规定", "jie", "第一节"),
        ("第十七条之一 已满七十五周岁", "tiao", "第十七条之一"),
        ("第一百二十条　国家鼓励", "tiao", "第一百二十条"),
        ("一、总体要求", "cn", "一、"),
        ("十一．附则", "cn", "十一．"),
        ("（一）指导思想", "cn_paren", "（一）"),
        ("(一)指导思想", "cn_paren", "(一)"),
        ("1.坚持", "arabic", "1."),
        ("1、坚持", "arabic", "1、"),
        ("12．坚持", "arabic", "12．"),
        ("（1）细项", "arabic_paren", "（1）"),
        ("(2)细项", "arabic_paren", "(2)"),
        ("3）细项", "arabic_paren", "3）"),
        ("①子项", "circled", "①"),
        ("## 第一章  总则", "md2", "第一章"),
        ("### 基本案情", "md3", ""),
        ("附件2 名单", "annex", "附件2"),
    ],
)
def test_label_families(line, kind, label):
    found = match_label(line)
    assert (found.kind, found.text) == (kind, label)


@pytest.mark.parametrize(
    "line",
    [
        "第二十条规定的情形",
        "2020年完成",
        "12.07件",
        "1.5亿元",
        "(基地)管理办法》",
        "（此件公开发布）",
        "第七节相应改为第八节，第一百二十三条",
        "附件中所列",
        "13加快推进",
    ],
)
def test_text_lines_are_not_labels(line):
    assert match_label(line) is None  # "13…" without a running sequence is text too


def test_lost_dot_needs_the_running_sequence():
    assert match_label("13加快推进", prev_number=12).text == "13"
    assert match_label("13个项目", prev_number=12) is None
    assert match_label("14加快推进", prev_number=12) is None


@pytest.mark.parametrize(
    "label, normal",
    [
        ("三、", "三"),
        ("（二）", "(二)"),
        ("3.", "3"),
        ("12．", "12"),
        ("第十四條", "第十四条"),
        ("①", "1"),
        ("附件 2", "附件2"),
    ],
)
def test_normalise_label(label, normal):
    assert normalise_label(label) == normal


def test_items_take_the_units_named_on_their_heading():
    text = (
        "一、任务\n（一）质押融资（市市场监管局牵头，市金融局配合）\n1.建立项目库。\n2.开展培训。（市科技局负责）\n"
        "（二）宣传\n1.开展宣传。"
    )
    units = {c.clause_id: (c.departments.lead, c.departments.support) for c in split_clauses(doc(text))}
    assert units == {
        "d#一/(一)/1": (("市市场监管局",), ("市金融局",)),
        "d#一/(一)/2": (("市科技局",), ()),
        "d#一/(二)/1": ((), ()),
    }


def test_markdown_headings_with_numbering_of_either_family():
    text = "## 一、一般规定\n\n第一条 甲。\n\n## 二、管辖\n\n第二条 乙。\n\n### 基本案情\n\n案情正文。"
    clauses = split_clauses(doc(text))
    assert [c.path for c in clauses] == [("一、一般规定", "第一条"), ("二、管辖", "第二条"), ("二、管辖", "基本案情")]
    assert [c.clause_id for c in clauses] == ["d#一/第一条", "d#二/第二条", "d#二/基本案情"]


LINE_BREAKS = ["\n", "\r\n", "\r", "\u2028", "\u2029", "\x85", "\v", "\f"]
THREE_ITEMS = [
    "一、加强专利导航服务，建设专利导航服务基地。",
    "二、推进知识产权质押融资（市市场监管局负责）。",
    "三、强化知识产权执法保护。",
]


@pytest.mark.parametrize("br", LINE_BREAKS)
@pytest.mark.parametrize("items", [THREE_ITEMS, [f"{n}.{t[2:]}" for n, t in enumerate(THREE_ITEMS, 1)]])
def test_every_line_break_style_gives_the_same_clauses(br, items):
    document = doc(br.join(items) + br)
    clauses = split_clauses(document)
    check_spans(document, clauses)
    expected = split_clauses(doc("\n".join(items) + "\n"))
    assert len(clauses) == 3
    assert [c.labels for c in clauses] == [c.labels for c in expected]
    assert [c.clause_id for c in clauses] == [c.clause_id for c in expected]
    assert [c.text for c in clauses] == [c.text for c in expected]
    assert clauses[1].departments.lead == ("市市场监管局",)


@pytest.mark.parametrize("br", ["\r\n", "\r", "\u2028"])
def test_line_breaks_inside_a_read_file_keep_the_span_invariant(tmp_path, br):
    from ipqa.corpus.reading import read_document

    text = "关于印发某市知识产权工作方案的通知" + br + br.join(THREE_ITEMS) + br + "扫一扫在手机打开当前页" + br
    (tmp_path / "a.txt").write_bytes(text.encode("utf-8"))
    document = read_document(tmp_path / "a.txt", tmp_path)
    clauses = split_clauses(document)
    check_spans(document, clauses)
    assert [c.label for c in clauses if c.label] == ["一、", "二、", "三、"]
    assert "扫一扫" not in clauses[-1].text  # the boilerplate line was recognised as a line of its own
