"""The ask page: the question box with examples, the grounded answer with numbered citations, the result cards
(each opens its document at the clause) and the CSV/Markdown export. The sidebar carries the filters."""

from __future__ import annotations

import logging
from functools import partial

import streamlit as st

from app_pages.common import Config, go, show_banner, show_filters
from ipqa.records import Filters
from ipqa.views import findings, html, labels
from ipqa.views.export import citation_text, to_csv, to_markdown
from ipqa.views.labels import Script, md_text

log = logging.getLogger("ipqa.app")
EXAMPLES = [
    "谁负责知识产权质押融资？",
    "邹城市知识产权质押融资登记金额要达到多少？",
    "植物新品种保护行政执法由哪些部门负责？",
    "如何加强地理标志保护？",
]


def show_page(loaded: html.Loaded, script: Script, config: Config) -> None:
    show_banner(loaded.index)
    show_ask(loaded, show_filters(loaded.options, script), script)


def show_ask(loaded: html.Loaded, filters: Filters, script: Script) -> None:
    st.title("知识产权政策问答")
    if "question" not in st.session_state:  # a shared address (?q=…) or coming back from a document
        st.session_state["question"] = st.query_params.get("q", "")
    cols = st.columns(len(EXAMPLES))
    for i, (col, example) in enumerate(zip(cols, EXAMPLES)):
        col.button(
            example,
            key=f"example_{i}",
            on_click=st.session_state.__setitem__,
            args=("question", example),
            width="stretch",
        )
    question = st.text_input("问题（回车提问）", key="question", placeholder="例如：谁负责知识产权质押融资？")
    if not question.strip():
        st.query_params.pop("q", None)
        st.caption("输入问题后按回车，或点上面的示例。")
        return
    problem = labels.question_problem(question)
    if problem:
        st.info(problem)
        return
    if st.query_params.get("q") != question:
        go(q=question)
    answer = run_ask(loaded.index, question, filters)
    if answer is not None:
        show_answer(loaded.index, answer, script, filters)


def run_ask(index, question: str, filters: Filters):
    """The answer for this question and filters, computed once per change and kept in the session."""
    from ipqa.answer.pipeline import ask

    key = (question, filters, id(index))
    cached = st.session_state.get("_answer")
    if cached and cached[0] == key:
        return cached[1]
    try:
        with st.spinner("正在检索…"):
            answer = ask(index, question, k=10, filters=filters or None)
    except Exception:  # the app's edge: a person sees a sentence, the log keeps the traceback
        log.exception("ask failed for %r", question)
        st.error("这个问题没有得到处理（内部错误，已记录日志）。请换个说法再试。")
        return None
    st.session_state["_answer"] = (key, answer)
    return answer


def show_answer(index, answer, script: Script, filters: Filters | None = None) -> None:
    from ipqa.answer.citations import citation_for
    from ipqa.retrieval.tokens import tokenize

    for note in answer.notes:
        if not (index.dense_status and index.dense_status in note) and (text := findings.note_text(note)):
            st.caption(md_text(text))  # (semantic search off: the banner already says it)
    if answer.answered:
        st.subheader("答案")
        st.html(f'<div class="ipqa-answer">{labels.answer_html(answer, script)}</div>')
    else:
        st.info(md_text(labels.one_script(findings.message_text(answer.text), script)))
    if answer.confidence and answer.confidence != answer.text:
        st.caption(md_text(answer.confidence))  # how sure, and why (or why it was refused)
    convert = partial(labels.convert_script, script=script)
    for i, c in enumerate(answer.citations, 1):
        details = " · ".join(p for p in (c.doc_number, c.date) if p)
        st.html(html.citation_header_html(i, convert(c.reference()), convert(details)))
        st.code(citation_text(c, convert), language=None, wrap_lines=True)
        st.button("打开原文", key=f"open_cite_{i}", on_click=go, kwargs=open_args(c.doc_id, c.clause_id, answer))
    if not answer.hits:
        return
    results = [(h, citation_for(index, h.clause, h.clause.start, h.clause.end)) for h in answer.hits]
    st.subheader(f"{'检索结果' if answer.answered else '最接近的条款'}（{len(results)}）")
    show_export(answer, results, script, filters)
    terms = tokenize(answer.question)
    for rank, (hit, citation) in enumerate(results, 1):
        show_card(rank, hit, citation, index.documents.get(hit.clause.doc_id), terms, script, answer)


def show_export(answer, results, script: Script, filters: Filters | None) -> None:
    """The answer and results as CSV, Markdown and Word, in the page's script, with the filters they ran under."""
    from ipqa.views.word import to_docx

    files = (
        ("导出 CSV", lambda: to_csv(answer.question, answer, results, script, filters).encode("utf-8-sig"), "csv"),
        ("导出 Markdown", lambda: to_markdown(answer.question, answer, results, script, filters).encode(), "md"),
        ("导出 Word", lambda: to_docx(answer.question, answer, script, filters), "docx"),
    )
    mimes = {
        "csv": "text/csv",
        "md": "text/markdown",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }
    for col, (label, data, ext) in zip(st.columns(len(files)), files):
        col.download_button(label, data(), f"ipqa-results.{ext}", mimes[ext], key=f"dl_{ext}")


def open_args(doc_id: str, clause_id: str, answer) -> dict:
    """Query parameters of the document page; the question rides along for highlighting and the way back."""
    return {"doc": doc_id, "clause": clause_id, "q": answer.question}


def show_card(rank: int, hit, citation, doc, terms, script: Script, answer) -> None:
    card = html.hit_card(rank, hit, doc, terms, script)
    with st.container(border=True):
        st.html(html.card_html(card))
        for warning in card.warnings:
            st.warning(md_text(labels.convert_script(warning, script)), icon="⚠️")
        left, right = st.columns([1, 3])
        args = open_args(card.doc_id, card.clause_id, answer)
        left.button("打开原文", key=f"open_hit_{rank}", on_click=go, kwargs=args)
        with right.expander("复制引用"):
            st.code(
                citation_text(citation, partial(labels.convert_script, script=script)), language=None, wrap_lines=True
            )
