"""The document page (``?doc=…&clause=…``): the document opened at the cited clause, highlighted in its context,
with the clause outline beside it and the way back to the question (``?q=`` rides along)."""

from __future__ import annotations

from functools import partial

import streamlit as st

from app_pages.common import Config, go, url_state
from ipqa.views import findings, html, labels, scripts
from ipqa.views.export import citation_text
from ipqa.views.labels import Script, md_text


def show_page(loaded: html.Loaded, script: Script, config: Config) -> None:
    params = st.query_params
    show_document(loaded, params["doc"], params.get("clause", ""), script)


def show_document(loaded: html.Loaded, doc_id: str, clause_id: str, script: Script) -> None:
    """The document opened at the cited clause, highlighted in its context, with the clause outline beside it."""
    from ipqa.answer.citations import citation_for
    from ipqa.retrieval.tokens import tokenize

    index = loaded.index
    question = st.query_params.get("q", "")
    st.button("← 返回问答", key="back", on_click=go, kwargs={"q": question})
    doc = index.documents.get(doc_id)
    if doc is None:
        st.error(f"索引里没有这个文件：{md_text(doc_id)}")
        return
    clauses = loaded.by_doc.get(doc_id, [])
    ids = [c.clause_id for c in clauses]
    if clause_id and clause_id not in ids:
        st.warning(f"这个文件里没有条款 {md_text(clause_id)}，显示全文。")
        clause_id = ""
    position = ids.index(clause_id) if clause_id else None
    cited = clauses[position] if position is not None else None
    st.html(html.document_header_html(doc, script))
    convert = partial(labels.convert_script, script=script)
    for message in findings.flag_messages(doc.flags, "warning"):
        st.warning(md_text(convert(message)), icon="⚠️")
    for message in findings.flag_messages(doc.flags, "info"):
        st.caption(md_text(convert(message)))
    outline_col, text_col = st.columns([1, 2])
    with outline_col.container(height=640):
        st.caption(f"条款目录（{len(clauses)}）")
        rows = html.outline(clauses, clause_id)
        st.html(html.outline_html(rows, doc_id, script, question, url_state()))
    with text_col:
        span = (0, len(doc.text))
        if cited is not None:
            st.caption(f"引用条款：{md_text(convert(cited.path_text))}")
            citation = citation_for(index, cited, cited.start, cited.end)
            st.code(citation_text(citation, convert), language=None, wrap_lines=True)
            if not st.toggle("显示全文", key="full_text"):
                span = html.context_span(clauses, position)
        terms = tokenize(question) if question and not labels.question_problem(question) else ()
        st.html(html.document_html(doc, span, cited, terms, script))
        if cited is not None:
            st.html(scripts.scroll_to_cited(f"{cited.clause_id} {span}"), unsafe_allow_javascript=True)
