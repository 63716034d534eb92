"""The ask page (app_pages/ask.py): the question box and examples, the cited answer, the result cards, the export,
and a message instead of a traceback for bad input."""

from __future__ import annotations

import io

import pytest
from docx import Document as WordDocument
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from ipqa.text import normalise
from ipqa.views.export import read_csv_sections
from tests.helpers.apptest import PLEDGE, ask, html_bodies, visible_text


def test_ask_gives_a_cited_answer_and_updates_the_address(app):
    at = ask(app, PLEDGE)
    answer = next(b for b in html_bodies(at) if 'class="ipqa-answer"' in b)
    assert "省市场监管局" in normalise(answer)
    assert 'href="#ipqa-cite-1"' in answer  # a numbered citation marker
    assert any(c.value.startswith("《") and "SHA-256" in c.value for c in at.code)  # copy-able citation
    assert any('class="ipqa-card"' in b for b in html_bodies(at))
    assert at.query_params["q"] == PLEDGE


def test_shared_address_asks_the_question(app):
    app.query_params["q"] = PLEDGE
    at = app.run()
    assert not at.exception
    assert at.text_input(key="question").value == PLEDGE
    assert "省市场监管局" in normalise(visible_text(at))


def test_example_button_asks(app):
    app.run()
    at = app.button(key="example_0").click().run()
    assert at.text_input(key="question").value == PLEDGE
    assert any('class="ipqa-answer"' in b for b in html_bodies(at))


def test_question_the_corpus_cannot_answer_says_so(app):
    at = ask(app, "如何申请离婚？")
    assert any("没有找到" in i.value for i in at.info)
    assert not any('class="ipqa-answer"' in b for b in html_bodies(at))
    assert any("最接近的条款" in h.value for h in at.subheader)


def test_export_downloads_contain_the_citations(app, monkeypatch):
    saved: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def capture(self, data, mimetype, kind, filename=None):
        saved[filename] = data
        return original(self, data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", capture)
    at = ask(app, PLEDGE)
    assert [b.label for b in at.download_button] == ["导出 CSV", "导出 Markdown", "导出 Word"]
    cited = at.session_state["_answer"][1].citations[0]
    sections = read_csv_sections(saved["ipqa-results.csv"].decode("utf-8-sig"))
    cite_row = sections["答案引用"][0]
    assert cite_row["引用"] == cited.reference() and cite_row["文件校验值"] == cited.sha256
    assert cite_row["引文"] == cited.quote
    md = saved["ipqa-results.md"].decode("utf-8")
    assert cited.reference().replace(".", "\\.") in md or cited.reference() in md
    assert cited.sha256 in md
    word = [p.text for p in WordDocument(io.BytesIO(saved["ipqa-results.docx"])).paragraphs]
    assert PLEDGE in word and any(cited.sha256 in p for p in word)
    at.radio(key="script").set_value("traditional").run()  # the exports follow the page's script
    sections = read_csv_sections(saved["ipqa-results.csv"].decode("utf-8-sig"))
    assert sections["文字"][0]["值"] == "繁體" and "原文引文" in sections["答案引用"][0]


@pytest.mark.parametrize("question", ["", "   ", "知" * 10_000, "😀🎉🚀", "？！。"])
def test_bad_input_gives_a_message_not_a_traceback(app, question):
    at = ask(app, question)
    assert not at.exception
    assert not any('class="ipqa-answer"' in b for b in html_bodies(at))
    if question.strip():
        assert at.info and ("太长" in at.info[0].value or "没有可检索" in at.info[0].value)


def test_emoji_inside_a_real_question_still_answers(app):
    at = ask(app, "谁负责知识产权质押融资😀？")
    assert "省市场监管局" in normalise(visible_text(at))


def test_banner_says_semantic_search_is_off_in_one_line_and_the_corpus_page_says_how(app):
    at = app.run()
    banner = next(c.value for c in at.caption if "语义检索未开启" in c.value)
    assert "IPQA_MODEL" not in banner and "\n" not in banner and len(banner) < 40
    app.query_params["page"] = "corpus"
    at = app.run()
    admin = next(e for e in at.expander if e.label.startswith("管理员"))
    howto = "\n".join(m.value for m in admin.markdown)
    assert "IPQA_MODEL" in howto and "重建索引" in howto


def test_the_answer_says_how_sure_it_is(app):
    app.query_params["q"] = "谁负责知识产权质押融资？"
    app.run()
    assert not app.exception
    assert any(c.value.startswith("把握") for c in app.caption), [c.value for c in app.caption]


def test_a_question_over_the_limit_never_goes_into_the_address(app):
    """Links the app writes stay far below the ~128 KB request line the server accepts (a longer address gets the
    server's own HTTP 400 before the app runs): a question over MAX_QUESTION_CHARS is refused, not shared."""
    from ipqa.settings import MAX_QUESTION_CHARS

    at = ask(app, "知" * (MAX_QUESTION_CHARS + 1))
    assert "太长" in at.info[0].value and "q" not in at.query_params
    at = ask(app, "知" * MAX_QUESTION_CHARS)
    assert at.query_params["q"] == "知" * MAX_QUESTION_CHARS


def test_a_question_of_question_words_only_is_told_in_chinese(app):
    at = ask(app, "什么？")
    assert not at.exception
    assert any("没有可检索的词" in i.value for i in at.info)
    assert not any("searchable" in i.value for i in at.info)
