"""Export of answers and results with full citations (CSV, Markdown, one copy-able citation)."""

from __future__ import annotations

import csv
import io

from ipqa.records import Answer, Citation, Clause, Hit, RetrieverScore
from ipqa.views.export import COLUMNS, citation_text, export_rows, to_csv, to_markdown

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


def test_csv_round_trips_with_full_citations():
    data = to_csv(ANSWER.question, ANSWER, [result()])
    rows = list(csv.DictReader(io.StringIO(data)))
    assert rows[0]["类别"] == "问题" and rows[0]["引文"] == ANSWER.question
    assert rows[1]["引文"] == "省市场监管局[1]"
    cited = rows[2]
    assert cited["引文"] == QUOTE and cited["发文字号"] == "知战办发〔2020〕3号"
    assert cited["文件校验值"] == "ab" * 32 and cited["起始字符"] == "100"
    assert cited["引用"] == "《甘肃省推进计划》二、（四）2."


def test_csv_neutralises_formula_cells():
    rows = list(csv.DictReader(io.StringIO(to_csv("=1+1", None, [result('=HYPERLINK("http://x")')]))))
    assert rows[0]["引文"] == "'=1+1"
    assert rows[1]["引文"].startswith("'=HYPERLINK")


def test_markdown_report_escapes_document_markup():
    hostile = "<script>alert(1)</script> *强调* [链接](http://x) 省市场监管局负责"
    md = to_markdown(ANSWER.question, ANSWER, [result(hostile)])
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert "\\*强调\\*" in md and "\\[链接\\]" in md
    assert "## 答案" in md and "[1] 《甘肃省推进计划》二、（四）2.（知战办发〔2020〕3号）" in md
    assert f"> {QUOTE}" in md and f"文件校验值（SHA-256）`{'ab' * 32}`" in md
    assert "### 1. 《甘肃省推进计划》二、（四）2." in md


def test_markdown_without_answer_or_results():
    md = to_markdown("问题", None, [])
    assert md == "# 问题：问题\n\n## 检索结果\n"
