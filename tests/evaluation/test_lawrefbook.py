"""Clause splitting on real statutes (../shared/data/lawrefbook): article counts, statute paths, spans."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from ipqa.clauses.split import split_clauses
from ipqa.corpus.reading import read_document

# The simple oracle: lines that start with 第X条 (or 第X条之一) followed by a space.
ARTICLE_LINE = re.compile(
    r"^[ \t\u3000]*第[零一二三四五六七八九十百千〇两]+条(?:之[一二三四五六七八九十]+)?[ \t\u3000]", re.MULTILINE
)


def split(root: Path, relative: str):
    document = read_document(root / relative, root)
    return document, split_clauses(document)


def check(document, clauses) -> None:
    body = "".join(
        document.text[s:e]
        for s, e in zip(
            [0] + [e for _, e in document.excluded], [s for s, _ in document.excluded] + [len(document.text)]
        )
    )
    assert bool(clauses) == bool(body.strip()), document.doc_id  # only a file with no body has no clauses
    for c in clauses:
        assert document.text[c.start : c.end] == c.text, c.clause_id
        assert c.text.strip() and c.text == c.text.strip(), c.clause_id
        assert len(c.text) <= 500
    ids = [c.clause_id for c in clauses]
    assert len(ids) == len(set(ids))
    articles = {
        c.clause_id.split("~")[0]
        for c in clauses
        if c.label.startswith("第") and c.label.endswith("条") or "条之" in c.label
    }
    assert len(articles) == len(ARTICLE_LINE.findall(document.text)), document.doc_id


def test_sample_of_100_laws(lawrefbook):
    files = sorted(p.relative_to(lawrefbook).as_posix() for p in lawrefbook.rglob("*.md"))
    for relative in random.Random(20240521).sample(files, 100):
        check(*split(lawrefbook, relative))


def test_civil_code_part_subpart_chapter_section(lawrefbook):
    document, clauses = split(lawrefbook, "民法典/合同编.md")
    check(document, clauses)
    by_label = {c.label: c for c in clauses if "~" not in c.clause_id}
    guarantee = by_label["第六百八十一条"]
    assert guarantee.path == ("第二分编 典型合同", "第十三章 保证合同", "第一节 一般规定", "第六百八十一条")
    assert guarantee.labels == ("第二分编", "第十三章", "第一节", "第六百八十一条")
    assert guarantee.clause_id == "民法典/合同编#第二分编/第十三章/第一节/第六百八十一条"
    assert by_label["第四百六十三条"].path == ("第一分编 通则", "第一章 一般规定", "第四百六十三条")


def test_patent_law_articles_keep_paragraphs_and_items(lawrefbook):
    path = next((lawrefbook / "民法商法").glob("专利法(*.md"))
    document, clauses = split(lawrefbook, path.relative_to(lawrefbook).as_posix())
    check(document, clauses)
    articles = [c for c in clauses if c.label.endswith("条") and "~" not in c.clause_id]
    assert len(articles) == 82
    second = next(c for c in articles if c.label == "第二条")
    assert second.path == ("第一章 总则", "第二条")
    assert "外观设计，是指" in second.text  # the article's later paragraphs (款) stay in it


def test_judicial_interpretation(lawrefbook):
    matches = sorted((lawrefbook / "司法解释").glob("最高人民法院关于适用《民法典》物权编的解释（一）*.md"))
    document, clauses = split(lawrefbook, matches[0].relative_to(lawrefbook).as_posix())
    check(document, clauses)
    assert clauses[0].path == ("序言",) and clauses[0].text.startswith("为正确审理物权纠纷案件")
    assert [c.label for c in clauses[1:4]] == ["第一条", "第二条", "第三条"]


@pytest.mark.slow
def test_every_law(lawrefbook):
    for path in sorted(lawrefbook.rglob("*.md")):
        check(*split(lawrefbook, path.relative_to(lawrefbook).as_posix()))
