"""State in the address: the script and the filters ride along in the query parameters on every view, so a shared
link reproduces the page, the document's outline links keep them, and going back to an earlier address restores
the answer as it was."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests.helpers.apptest import PLEDGE, ask, html_bodies


def params(at) -> dict[str, str]:
    return {k: at.query_params[k] for k in at.query_params}


def test_a_shared_link_reproduces_script_and_filters(app):
    app.query_params.update({"q": PLEDGE, "script": "simplified", "level": "provincial"})
    at = app.run()
    assert not at.exception
    assert at.radio(key="script").value == "simplified"
    assert at.selectbox(key="f_level").value == "provincial"
    assert at.text_input(key="question").value == PLEDGE
    answer = at.session_state["_answer"][1]
    assert answer.hits and {h.clause.doc_id for h in answer.hits} == {"001_e22083f13b5790bb"}  # the provincial one
    assert "甘肃省" in next(b for b in html_bodies(at) if 'class="ipqa-answer"' in b)
    assert params(at) == {"q": PLEDGE, "script": "simplified", "level": "provincial"}


def test_changing_the_script_or_a_filter_updates_the_address(app):
    at = ask(app, PLEDGE)
    assert params(at) == {"q": PLEDGE}  # defaults stay out of the address
    at.radio(key="script").set_value("simplified").run()
    at.selectbox(key="f_level").set_value("county").run()
    assert params(at) == {"q": PLEDGE, "script": "simplified", "level": "county"}
    at.selectbox(key="f_level").set_value("全部").run()
    assert params(at) == {"q": PLEDGE, "script": "simplified"}


def test_document_keeps_the_state_and_going_back_restores_the_answer(app):
    at = ask(app, PLEDGE)
    at.radio(key="script").set_value("simplified").run()
    at.selectbox(key="f_level").set_value("provincial").run()
    answer_address = params(at)
    at.button(key="open_cite_1").click().run()
    assert not at.exception
    opened = params(at)
    assert opened["doc"] and opened["script"] == "simplified" and opened["level"] == "provincial"
    outline = next(b for b in html_bodies(at) if 'class="ipqa-outline"' in b)
    href = outline.split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    link = {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}
    assert link["script"] == "simplified" and link["level"] == "provincial" and link["q"] == PLEDGE
    at.query_params.clear()  # the browser's Back: the earlier address
    at.query_params.update(answer_address)
    at.run()
    assert not at.exception
    assert at.text_input(key="question").value == PLEDGE
    assert at.radio(key="script").value == "simplified" and at.selectbox(key="f_level").value == "provincial"
    assert any('class="ipqa-answer"' in b for b in html_bodies(at))


def test_an_address_naming_nothing_offered_is_ignored(app):
    app.query_params.update({"q": PLEDGE, "script": "klingon", "region": "不存在省", "years": "x-y", "docs": "nope"})
    at = app.run()
    assert not at.exception
    assert at.radio(key="script").value == "original" and at.selectbox(key="f_region").value == "全部"
    assert at.session_state["_answer"][1].hits
    assert "script" not in at.query_params and "region" not in at.query_params
