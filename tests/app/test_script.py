"""One script at a time (the sidebar's 文字 switch): in 简体 every quote, title, unit and filter value on the page is
simplified and a unit is named once; in 原文 the source spelling is shown, with the simplified form once."""

from __future__ import annotations

from tests.helpers.apptest import PLEDGE, ask, html_bodies, page_text

TRADITIONAL = ("甘肅", "知識產權", "監管", "戰略", "辦發")  # from the traditional-script seed document (001)


def answer_of(at) -> str:
    return next(b for b in html_bodies(at) if 'class="ipqa-answer"' in b)


def test_simplified_shows_everything_simplified_and_each_unit_once(app):
    at = ask(app, PLEDGE)
    at.radio(key="script").set_value("simplified").run()
    assert not at.exception
    answer = answer_of(at)
    assert "省市场监管局负责" in answer and "原文：" not in answer
    texts = page_text(at)
    assert any("甘肃省" in t for t in texts)  # the document is there, simplified: titles, quotes, filter values
    assert not [t for t in texts if any(word in t for word in TRADITIONAL)]
    at.button(key="open_cite_1").click().run()
    assert not at.exception
    assert not [t for t in page_text(at) if any(word in t for word in TRADITIONAL)]


def test_original_shows_the_source_spelling_with_the_simplified_form_once(app):
    at = ask(app, PLEDGE)
    assert at.radio(key="script").value == "original"
    answer = answer_of(at)
    assert "省市場監管局（简体：省市场监管局）" in answer
    assert "（原文：" not in answer and "《2020年甘肅省" in answer
    assert any("甘肅省" in t for t in page_text(at))  # quotes and titles as written
