"""The document page (app_pages/document.py, ``?doc=…&clause=…``): opened at the cited clause with the outline,
the way back to the question, the script switch, document markup shown as text, unknown ids as a message."""

from __future__ import annotations

from tests.helpers.apptest import PLEDGE, Tags, ask, html_bodies, own_scripts


def test_open_cited_document_at_the_clause(app):
    at = ask(app, PLEDGE)
    cited = at.session_state["_answer"][1].citations[0]
    at.button(key="open_cite_1").click().run()
    assert not at.exception
    assert at.query_params["doc"] == cited.doc_id and at.query_params["clause"] == cited.clause_id
    bodies = html_bodies(at)
    assert any('class="ipqa-outline"' in b and 'class="ipqa-item ipqa-current"' in b for b in bodies)
    doc_html = next(b for b in bodies if 'class="ipqa-doc"' in b)
    assert "ipqa-cited" in doc_html
    assert any("scrollIntoView" in body and cited.clause_id in body for body in own_scripts(at))  # opens at it
    at.button(key="back").click().run()
    assert at.query_params["q"] == PLEDGE and at.text_input(key="question").value == PLEDGE
    at.button(key="open_cite_1").click().run()
    at.radio(key="script").set_value("traditional").run()
    assert "省市場監管局" in next(b for b in html_bodies(at) if 'class="ipqa-doc"' in b)


def test_document_markup_renders_as_text(app):
    at = ask(app, "专利导航服务基地由谁负责？")
    bodies = html_bodies(at)
    assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in b for b in bodies)
    assert any("&lt;b&gt;" in b for b in bodies)
    assert not any(Tags(b).tags & {"script", "b"} for b in bodies)
    hit = next(h for h in at.session_state["_answer"][1].hits if h.clause.doc_id == "900_hostile")
    at.query_params.update({"doc": "900_hostile", "clause": hit.clause.clause_id})
    at.query_params.pop("q", None)
    at.run()
    bodies = html_bodies(at)
    assert any('class="ipqa-doc"' in b and "&lt;script&gt;" in b for b in bodies)
    assert not any(Tags(b).tags & {"script", "b"} for b in bodies)


def test_unknown_document_is_a_message(app):
    app.query_params.update({"doc": "nope/../../etc", "clause": "x"})
    at = app.run()
    assert not at.exception and "没有这个文件" in at.error[0].value
