"""What the app shows of the corpus reader's findings, skip reasons and search notes is Chinese: known English
details are translated, unknown ones left out; validity codes only when their meaning is known; the semantic
search banner is one short line for people, the how-to is the administrator's."""

from __future__ import annotations

import re

import pytest

from ipqa.records import Clause, Document, Flag, Hit, Metadata, RetrieverScore
from ipqa.views.findings import flag_detail, flag_messages, note_text, skip_reason, spam_text
from ipqa.views.html import filter_options
from ipqa.views.labels import FLAG_LABELS, dense_admin, dense_banner, validity_label, why_details, why_matched
from ipqa.views.tables import FLAG_SHORT, corpus_rows, flag_rows, spam_rows
from tests.helpers.paths import CORPUS

WORD = re.compile(r"[A-Za-z]{2,}")


@pytest.mark.parametrize(
    ("detail", "shown"),
    [
        ("spam line “欧美激欧美啪啪片sm” (porn)", "整行为无关内容（色情）"),
        ("inline phrase “0.1元入场捕鱼” ×9 (gambling)", "反复插入的无关短语，共 9 处（赌博）"),
        ("spam phrase “棋牌代理” (ads/gambling)", "插入的无关短语（广告、赌博）"),
        ("3 boilerplate line(s): footer 1, registration 1, share 1", "3 行（页脚 1、备案 1、分享 1）"),
        ("written in traditional characters; search also matches simplified queries", ""),
        (
            "doc number “知戰辦發2020〕3號” lacks the opening bracket 〔 before the year; recorded as written",
            "“知戰辦發2020〕3號”缺少年份前的“〔”，按原文记录",
        ),
        ("the text starts at (五): what comes before it is missing", "正文从“(五)”开始，前面的内容缺失"),
        ("发布机关: 甲 ≠ 乙", "发布机关: 甲 ≠ 乙"),  # a Chinese detail as written
        ("something new the reader says", ""),  # unknown English: the label alone
    ],
)
def test_flag_details_in_chinese(detail, shown):
    assert flag_detail(Flag("spam", detail)) == shown


def test_spam_text_only_on_demand():
    flag = Flag("spam", "spam line “欧美激欧美啪啪片sm” (porn)", 0, 9)
    assert spam_text(flag) == "欧美激欧美啪啪片sm"
    assert "欧美" not in flag_messages([flag])[0]
    assert spam_text(Flag("boilerplate", "3 boilerplate line(s): footer 3")) == ""


def test_every_finding_of_the_seed_corpus_reads_in_chinese():
    from ipqa.corpus.reading import read_corpus

    read = read_corpus([CORPUS])
    docs = {d.doc_id: d for d in read.documents}
    rows = flag_rows(docs)
    assert rows and {r["类别"] for r in rows} <= set(FLAG_LABELS.values())
    assert not [r for r in rows if WORD.search(r["说明"])]
    assert not [m for d in docs.values() for m in flag_messages(d.flags) if WORD.search(m)]
    table = corpus_rows(docs, {})
    assert all(k in FLAG_SHORT.values() for r in table for k in r["质量标记"].split("；") if k)
    assert "编码" not in table[0]
    assert any(r["注入的文字"] for r in spam_rows(docs))


@pytest.mark.parametrize(
    ("reason", "shown"),
    [
        ("corrupt PDF (PdfStreamError: Stream has ended unexpectedly)", "PDF 文件损坏，无法读取"),
        ("unsupported format .xyz", "不支持的文件格式（.xyz）"),
        ("encrypted PDF (needs a password)", "PDF 已加密（需要密码）"),
        (
            "PDF with 3 page(s) but no extractable text (scanned? needs OCR)",
            "PDF 共 3 页但没有可提取的文字（可能是扫描件，需要文字识别）",
        ),
        ("a reason nobody wrote down yet", "无法读取（原因见管理员视图）"),
    ],
)
def test_skip_reasons_in_chinese(reason, shown):
    assert skip_reason(reason) == shown


def test_notes_in_chinese():
    assert note_text("the query was cut to its first 200 characters") == "问题太长，只用了前 200 个字检索。"
    assert note_text("semantic search off: disabled by setting") == ""


def test_validity_only_when_its_meaning_is_known():
    assert validity_label("有效") == "有效" and validity_label("0") == "" and validity_label("") == ""
    docs = {
        "a": Document("a", "a.txt", "0" * 64, "x", meta=Metadata(validity="0")),
        "b": Document("b", "b.txt", "0" * 64, "x", meta=Metadata(validity="失效")),
    }
    assert filter_options(docs).validities == ("失效",)
    assert [r["有效性"] for r in corpus_rows(docs, {})] == ["", "失效"]


def test_why_matched_says_it_in_words():
    clause = Clause("d#1", "d", "1", ("1",), "x", 0, 1)
    hit = Hit(clause, 0.0164, {"bm25": RetrieverScore(1, 26.572), "dense": RetrieverScore(3, 0.8)})
    assert why_matched(hit) == "关键词匹配、语义相近"
    assert why_details(hit) == "关键词匹配 第1名（26.572） · 语义相近 第3名（0.800） · 综合得分 0.0164"


def test_semantic_banner_is_one_short_line_and_the_howto_is_for_the_admin():
    line = dense_banner("disabled by setting")
    assert not WORD.search(line) and len(line) < 40
    howto = dense_admin("disabled by setting")
    assert "IPQA_MODEL" in howto and "disabled by setting" in howto
    assert "后台计算" in dense_banner("clause vectors are being computed", (1, 2))  # that branch as it was
