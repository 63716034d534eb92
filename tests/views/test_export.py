"""Export of answers and results with full citations (CSV, Markdown, Word, one copy-able citation): question and
conditions, answer, citations and results in their own sections; the chosen script, the quote as written too."""

from __future__ import annotations

import io

from ipqa.records import Answer, Citation, Clause, Filters, Hit, RetrieverScore
from ipqa.views.export import (
    COLUMNS,
    citation_text,
    describe_filters,
    export_rows,
    read_csv_sections,
    to_csv,
    to_markdown,
)

QUOTE = "深化知识产权质押融资,加强与金融机构合作(省市场监管局负责)"


def citation(quote: str = QUOTE, **kw) -> Citation:
    fields = {
        "clause_id": "001#二/（四）/2",
        "doc_id": "001",
        "title": "甘肃省推进计划",
        "doc_number": "知战办发〔2020〕3号",
        "issuer": "甘肃省知识产权办公室",
        "date": "2020-06-16",
        "path": ("二、重点任务", "（四）运用", "2."),
        "labels": ("二、", "（四）", "2."),
        "quote": quote,
        "start": 100,
        "end": 100 + len(quote),
        "sha256": "ab" * 32,
        "source": "corpus/001.txt",
    }
    fields.update(kw)
    return Citation(**fields)


def result(quote: str = QUOTE, **kw) -> tuple[Hit, Citation]:
    c = citation(quote, **kw)
    clause = Clause(c.clause_id, c.doc_id, "2.", c.path, quote, c.start, c.end)
    return Hit(clause, 0.0328, {"bm25": RetrieverScore(1, 9.5), "dense": RetrieverScore(3, 0.66)}), c


ANSWER = Answer("谁负责知识产权质押融资？", "who", "省市场监管局[1]", citations=(citation(),))


def test_citation_text_has_reference_details_quote_and_check():
    text = citation_text(citation())
    assert text.splitlines() == [
        "《甘肃省推进计划》二、（四）2.（知战办发〔2020〕3号；甘肃省知识产权办公室；2020-06-16）",
        f"“{QUOTE}”",
        f"条款 001#二/（四）/2，字符 100–{100 + len(QUOTE)}，文件校验值（SHA-256）{'ab' * 32}",
    ]


def test_rows_list_answer_citations_then_results():
    rows = export_rows(ANSWER, [result(), result("第二条", clause_id="002#2", doc_id="002")])
    assert [(r["类别"], r["序号"]) for r in rows] == [("答案引用", 1), ("检索结果", 1), ("检索结果", 2)]
    assert rows[1]["关键词匹配名次"] == 1 and rows[1]["语义相近名次"] == 3 and rows[0]["综合得分"] == ""
    assert all(set(r) == set(COLUMNS) for r in rows)


def test_csv_round_trips_with_full_citations_in_sections():
    data = to_csv(ANSWER.question, ANSWER, [result()])
    sections = read_csv_sections(data)
    assert sections["问题"] == [{"值": ANSWER.question}] and sections["答案"] == [{"值": "省市场监管局[1]"}]
    assert sections["文字"] == [{"值": "原文"}] and sections["筛选"] == [{"值": "无"}]
    cited = sections["答案引用"][0]
    assert cited["引文"] == QUOTE and cited["发文字号"] == "知战办发〔2020〕3号"
    assert cited["文件校验值"] == "ab" * 32 and cited["起始字符"] == "100"
    assert cited["引用"] == "《甘肃省推进计划》二、（四）2." and "综合得分" not in cited
    assert sections["检索结果"][0]["关键词匹配名次"] == "1" and "原文引文" not in cited


def test_csv_neutralises_formula_cells():
    sections = read_csv_sections(to_csv("=1+1", None, [result('=HYPERLINK("http://x")')]))
    assert sections["问题"][0]["值"] == "'=1+1"
    assert sections["检索结果"][0]["引文"].startswith("'=HYPERLINK")


TRADITIONAL = "深化知識產權質押融資(省市場監管局負責)"


def test_exports_follow_the_script_and_keep_the_quote_as_written():
    answer = Answer("誰負責？", "who", "省市场监管局（原文：省市場監管局）[1]", citations=(citation(TRADITIONAL),))
    filters = Filters(level="provincial", year_from=2018, year_to=2024)
    sections = read_csv_sections(to_csv(answer.question, answer, [result(TRADITIONAL)], "simplified", filters))
    assert sections["答案"][0]["值"] == "省市场监管局[1]" and sections["文字"][0]["值"] == "简体"
    assert sections["筛选"][0]["值"] == "层级：省级；年份：2018–2024"
    cited = sections["答案引用"][0]
    assert cited["引文"] == "深化知识产权质押融资(省市场监管局负责)" and cited["原文引文"] == TRADITIONAL
    md = to_markdown(answer.question, answer, [result(TRADITIONAL)], "simplified", filters)
    assert "- 文字：简体" in md and "- 筛选：层级：省级；年份：2018–2024" in md
    assert "> 深化知识产权质押融资(省市场监管局负责)" in md and f"原文引文：\n\n> {TRADITIONAL}" in md
    assert md.index("## 答案\n") < md.index("## 答案引用") < md.index("## 检索结果")


def test_filters_in_words():
    assert describe_filters(None) == describe_filters(Filters()) == "无"
    text = describe_filters(Filters(region="甘肃省", issuer="省政府", doc_ids=("001", "002")))
    assert text == "地区：甘肃省；发布机关：省政府；文件：001、002"


def test_markdown_report_escapes_document_markup():
    hostile = "<script>alert(1)</script> *强调* [链接](http://x) 省市场监管局负责"
    md = to_markdown(ANSWER.question, ANSWER, [result(hostile)])
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert "\\*强调\\*" in md and "\\[链接\\]" in md
    assert "## 答案引用" in md and "[1] 《甘肃省推进计划》二、（四）2.（知战办发〔2020〕3号）" in md
    assert f"> {QUOTE}" in md and f"文件校验值（SHA-256）`{'ab' * 32}`" in md
    assert "### 1. 《甘肃省推进计划》二、（四）2." in md


def test_markdown_without_answer_or_results():
    md = to_markdown("问题", None, [])
    assert md == "# 问题：问题\n\n- 文字：原文\n- 筛选：无\n\n## 检索结果\n"


def test_word_export_has_question_answer_and_each_citation():

    from docx import Document as WordDocument

    from ipqa.views.word import to_docx

    answer = Answer("谁负责\x00？", "who", "省市场监管局[1]", citations=(citation(TRADITIONAL),))
    data = to_docx(answer.question, answer, "simplified", Filters(level="provincial"))
    paragraphs = [p.text for p in WordDocument(io.BytesIO(data)).paragraphs]
    assert paragraphs[:5] == ["问题", "谁负责？", "文字：简体", "筛选：层级：省级", "答案"]
    assert (
        "答案引用" in paragraphs
        and "[1] 《甘肃省推进计划》二、（四）2.（知战办发〔2020〕3号；甘肃省知识产权办公室；2020-06-16）" in paragraphs
    )
    assert "“深化知识产权质押融资(省市场监管局负责)”" in paragraphs and f"原文引文：“{TRADITIONAL}”" in paragraphs
    assert f"条款 001#二/（四）/2，字符 100–{100 + len(TRADITIONAL)}，文件校验值（SHA-256）{'ab' * 32}" in paragraphs
