"""PDF page texts into document text (issue 14): lines cut by the right margin joined again, sentence ends,
numbered items and short lines kept, running headers and footers dropped, look-alike glyphs and font-seam spaces
folded. The pages here are what pypdf extracts; the seeds printed by LibreOffice and Chromium are in
tests/corpus/test_converted_seeds.py."""

from __future__ import annotations

from ipqa.corpus.pdftext import display_width, pdf_text, text_width, without_furniture

FULL = "为深入实施知识产权战略加快特色型知识产权强省建设明确细化全省"  # 30 wide characters: the text width


def test_a_line_cut_by_the_margin_joins_the_next_and_the_unit_is_whole():
    page = "\n".join([FULL, FULL + "（省市场监", "管局负责）", "2.推进专利导航。（省科技厅负责）", FULL[:10]])
    text = pdf_text([FULL + "\n" + page])
    assert "（省市场监管局负责）\n2.推进专利导航" in text
    assert FULL + FULL + FULL in text  # the first three lines are one sentence


def test_sentence_ends_short_lines_and_numbered_items_are_not_joined():
    lines = [
        FULL[:28] + "。",  # full, but the sentence ends
        FULL[:12],  # a short heading
        FULL + "，以及",  # full, sentence goes on, but the next line is an item of its own
        "（二）加强知识产权保护",
        FULL + "并且",
        "13加快推进专利转化",  # an item whose dot was lost
        FULL + "在",
        "2020年底前完成。",  # a year, not an item: joined
    ]
    text = pdf_text(["\n".join([FULL] * 3 + lines)])
    assert FULL[:28] + "。\n" + FULL[:12] + "\n" in text
    assert "以及\n（二）加强" in text and "并且\n13加快" in text
    assert FULL + "在2020年底前完成。" in text


def test_a_page_of_short_lines_is_a_list_not_wrapped_text():
    units = ["市市场监管局", "市科技局局长", "市财政局局长", "市商务局局长"]
    assert pdf_text(["\n".join(units * 5)]) == "\n".join(units * 5)


def test_a_sentence_running_over_the_page_break_is_joined():
    first = "\n".join([FULL] * 4 + [FULL + "（省市场监"])
    second = "管局负责）\n" + "\n".join([FULL] * 2)
    text = pdf_text([first, second])
    assert "（省市场监管局负责）" in text and text.count("\n\n") == 0
    ended = pdf_text([first.replace("（省市场监", "。"), second])
    assert ended.count("\n\n") == 1  # a page that ends its sentence stays a page


def test_running_headers_and_footers_are_dropped_content_lines_kept():
    pages = [[f"第{n}页 共3页", FULL, "（省市场监管局负责）", FULL, f"file:///tmp/plan.txt {n}/3"] for n in (1, 2, 3)]
    kept = without_furniture(pages)
    assert all(lines == [FULL, "（省市场监管局负责）", FULL] for lines in kept)
    body = {1: ["一、总体要求", FULL], 2: ["二、主要任务", FULL[:20]], 3: ["三、保障措施", FULL[:10]]}
    title = [["测试市知识产权规划", *body[n]] for n in (1, 2, 3)]
    assert without_furniture(title) == [body[1], body[2], body[3]]
    two = [["测试市知识产权规划", FULL], ["测试市知识产权规划", FULL]]
    assert without_furniture(two) == two  # a line without a number on only two pages may be content


def test_lookalike_glyphs_and_font_seam_spaces_are_folded():
    text = pdf_text(["\u2f00、总体要求\n( \u2f00 ) 泰安市\u2f08\u2ea0政府\u2ed4户网站 2020 年 6 \u2f49 4 日 :通知"])
    assert text == "一、总体要求\n(一)泰安市人民政府门户网站2020年6月4日:通知"


def test_widths_count_wide_characters_twice_and_ignore_spaces():
    assert display_width("专利 ab1") == 7
    assert text_width([FULL] * 2 + ["短"] * 50 + [FULL * 3]) == display_width(FULL)


def test_no_text_and_one_line():
    assert pdf_text([]) == "" and pdf_text([""]) == ""
    assert pdf_text([FULL]) == FULL
