"""ipqa in the browser: ask, read the grounded answer with numbered citations, check each result in its
document, filter, export. Wiring only: the library answers, ``ipqa.views.labels``/``ipqa.views.html`` shape what is shown.

``streamlit run app.py``. Environment: IPQA_INDEX (default ``index/``), IPQA_CORPUS (default ``corpus/``; folders
joined by the path separator), IPQA_MODEL (embedding model; "" for keywords only); relative paths are taken from
this file's folder. A missing or stale index is built from the corpus on first use.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import streamlit as st

from ipqa.records import Filters
from ipqa.settings import Settings
from ipqa.views import html, labels
from ipqa.views.export import citation_text, to_csv, to_markdown
from ipqa.views.labels import Script, md_escape

log = logging.getLogger("ipqa.app")
HERE = Path(__file__).resolve().parent
INDEX_DIR = HERE / os.environ.get("IPQA_INDEX", "index")
CORPUS = [HERE / p for p in os.environ.get("IPQA_CORPUS", "corpus").split(os.pathsep) if p]
MODEL = os.environ.get("IPQA_MODEL")  # unset: the default model; "": keyword search only
EXAMPLES = [
    "谁负责知识产权质押融资？",
    "邹城市知识产权质押融资登记金额要达到多少？",
    "植物新品种保护行政执法由哪些部门负责？",
    "如何加强地理标志保护？",
]
ALL = "全部"
FILTER_KEYS = {"f_region", "f_level", "f_issuer", "f_type", "f_validity", "f_years", "f_docs"}


@st.cache_resource(show_spinner=False)
def _guard() -> tuple[threading.Lock, set]:
    """One lock so two sessions never build at once, and the index folders already checked in this process."""
    return threading.Lock(), set()


@st.cache_resource(show_spinner="正在加载索引…")
def load_index(index_dir: str, stamp: float) -> html.Loaded:
    """Loaded once per process and manifest version (``stamp``), shared by every session."""
    from ipqa.index.searcher import Index

    index = Index.load(Path(index_dir))
    # The first search pays for loading the tokenizer's dictionary (~1.5 s here) and the query encoder: pay it
    # in the background while the person is still typing.
    threading.Thread(target=index.search, args=("知识产权",), kwargs={"k": 1}, daemon=True).start()
    return html.Loaded.of(index)


def build(corpus: list[Path], reason: str) -> None:
    """Build the index from the corpus with a progress bar fed by build_index's progress callback."""
    from ipqa.index.searcher import build_index

    settings = Settings() if MODEL is None else Settings(model=MODEL)
    bar = st.progress(0.0, text=f"{reason}：正在从 {', '.join(map(str, corpus))} 建立索引…")

    def progress(stage: str, done: int, total: int) -> None:
        bar.progress(min(done / total, 1.0) if total else 0.0, text=labels.build_step(stage, done, total))

    try:
        report = build_index(corpus, INDEX_DIR, settings, progress=progress)
    except Exception as exc:  # the app's edge: a sentence for the person, the traceback for the log
        log.exception("index build failed")
        st.error(f"建立索引失败：{md_escape(str(exc))}")
        st.stop()
    bar.empty()
    st.toast(f"索引已建立：{report.documents} 个文件，{report.clauses} 个条款，{report.seconds:.1f} 秒")
    load_index.clear()


def ensure_index() -> html.Loaded:
    """Check once per process that the index matches the corpus (building it when missing or stale), then load."""
    from ipqa.index.searcher import IndexLoadError, index_state

    lock, checked = _guard()
    corpus = [p for p in CORPUS if p.is_dir()]
    with lock:  # a second session waits for the first one's build instead of starting its own
        if str(INDEX_DIR) not in checked and corpus:
            state, changed = index_state(corpus, INDEX_DIR)
            if state != "fresh":
                build(corpus, "首次使用，尚无索引" if state == "missing" else f"语料有 {len(changed)} 个文件变化")
        checked.add(str(INDEX_DIR))
    manifest = INDEX_DIR / "manifest.json"
    try:
        return load_index(str(INDEX_DIR), manifest.stat().st_mtime if manifest.exists() else 0.0)
    except IndexLoadError as exc:
        hint = "" if corpus else f"语料文件夹 {', '.join(map(str, CORPUS))} 不存在：请用 IPQA_CORPUS 指定。"
        st.error(md_escape(f"无法加载索引：{exc}。{hint}"))
        st.stop()


def go(**params: str) -> None:
    """Switch view by replacing the address's query parameters (so every view is shareable)."""
    st.query_params.clear()
    st.query_params.update({k: v for k, v in params.items() if v})


def show_banner(index) -> None:
    if index.dense_status:
        st.warning(labels.dense_banner(index.dense_status), icon="⚠️")


def show_filters(opts: html.FilterOptions) -> Filters:
    sb = st.sidebar
    sb.subheader("筛选")
    region = sb.selectbox("地区", [ALL, *opts.regions], key="f_region")
    level = sb.selectbox("层级", [ALL, *opts.levels], key="f_level", format_func=labels.level_label)
    issuer = sb.selectbox("发布机关", [ALL, *opts.issuers], key="f_issuer")
    doc_type = sb.selectbox("文件类型", [ALL, *opts.doc_types], key="f_type")
    validity = sb.selectbox("有效性", [ALL, *opts.validities], key="f_validity")
    years = None
    if opts.years and opts.years[0] < opts.years[1]:
        years = sb.slider("年份", opts.years[0], opts.years[1], opts.years, key="f_years")
        years = None if tuple(years) == opts.years else years
    titles = dict(opts.documents)
    docs = sb.multiselect("文件", list(titles), key="f_docs", format_func=lambda d: titles[d])
    return Filters(
        region="" if region == ALL else region,
        level="" if level == ALL else level,
        issuer="" if issuer == ALL else issuer,
        doc_type="" if doc_type == ALL else doc_type,
        validity="" if validity == ALL else validity,
        year_from=years[0] if years else None,
        year_to=years[1] if years else None,
        doc_ids=tuple(docs),
    )


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
        show_answer(loaded.index, answer, script)


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


def show_answer(index, answer, script: Script) -> None:
    from ipqa.answer.citations import citation_for
    from ipqa.retrieval.tokens import tokenize

    for note in answer.notes:
        if not (index.dense_status and index.dense_status in note):  # the banner already says it
            st.caption(md_escape(note))
    if answer.answered:
        st.subheader("答案")
        st.html(f'<div class="ipqa-answer">{labels.answer_html(answer, script)}</div>')
    else:
        st.info(md_escape(answer.text))
    for i, c in enumerate(answer.citations, 1):
        st.html(html.citation_header_html(i, c.reference(), " · ".join(p for p in (c.doc_number, c.date) if p)))
        st.code(citation_text(c), language=None, wrap_lines=True)
        st.button("打开原文", key=f"open_cite_{i}", on_click=go, kwargs=open_args(c.doc_id, c.clause_id, answer))
    if not answer.hits:
        return
    results = [(h, citation_for(index, h.clause, h.clause.start, h.clause.end)) for h in answer.hits]
    st.subheader(f"{'检索结果' if answer.answered else '最接近的条款'}（{len(results)}）")
    c1, c2 = st.columns(2)
    c1.download_button(
        "导出 CSV",
        to_csv(answer.question, answer, results).encode("utf-8-sig"),
        "ipqa-results.csv",
        "text/csv",
        key="dl_csv",
    )
    c2.download_button(
        "导出 Markdown",
        to_markdown(answer.question, answer, results).encode("utf-8"),
        "ipqa-results.md",
        "text/markdown",
        key="dl_md",
    )
    terms = tokenize(answer.question)
    for rank, (hit, citation) in enumerate(results, 1):
        show_card(rank, hit, citation, index.documents.get(hit.clause.doc_id), terms, script, answer)


def open_args(doc_id: str, clause_id: str, answer) -> dict:
    """Query parameters of the document view; the question rides along for highlighting and the way back."""
    return {"doc": doc_id, "clause": clause_id, "q": answer.question}


def show_card(rank: int, hit, citation, doc, terms, script: Script, answer) -> None:
    card = html.hit_card(rank, hit, doc, terms, script)
    with st.container(border=True):
        st.html(html.card_html(card))
        for warning in card.warnings:
            st.warning(md_escape(warning), icon="⚠️")
        left, right = st.columns([1, 3])
        args = open_args(card.doc_id, card.clause_id, answer)
        left.button("打开原文", key=f"open_hit_{rank}", on_click=go, kwargs=args)
        with right.expander("复制引用"):
            st.code(citation_text(citation), language=None, wrap_lines=True)


def show_document(loaded: html.Loaded, doc_id: str, clause_id: str, script: Script) -> None:
    """The document opened at the cited clause, highlighted in its context, with the clause outline beside it."""
    from ipqa.answer.citations import citation_for
    from ipqa.retrieval.tokens import tokenize

    index = loaded.index
    question = st.query_params.get("q", "")
    st.button("← 返回问答", key="back", on_click=go, kwargs={"q": question})
    doc = index.documents.get(doc_id)
    if doc is None:
        st.error(f"索引里没有这个文件：{md_escape(doc_id)}")
        return
    clauses = loaded.by_doc.get(doc_id, [])
    ids = [c.clause_id for c in clauses]
    if clause_id and clause_id not in ids:
        st.warning(f"这个文件里没有条款 {md_escape(clause_id)}，显示全文。")
        clause_id = ""
    position = ids.index(clause_id) if clause_id else None
    cited = clauses[position] if position is not None else None
    st.html(html.document_header_html(doc, script))
    for message in labels.flag_messages(doc.flags, "warning"):
        st.warning(md_escape(message), icon="⚠️")
    for message in labels.flag_messages(doc.flags, "info"):
        st.caption(md_escape(message))
    outline_col, text_col = st.columns([1, 2])
    with outline_col.container(height=640):
        st.caption(f"条款目录（{len(clauses)}）")
        st.html(html.outline_html(html.outline(clauses, clause_id), doc_id, script, question))
    with text_col:
        span = (0, len(doc.text))
        if cited is not None:
            st.caption(f"引用条款：{md_escape(cited.path_text)}")
            st.code(citation_text(citation_for(index, cited, cited.start, cited.end)), language=None, wrap_lines=True)
            if not st.toggle("显示全文", key="full_text"):
                span = html.context_span(clauses, position)
        terms = tokenize(question) if question and not labels.question_problem(question) else ()
        st.html(html.document_html(doc, span, cited, terms, script))


def show_corpus(loaded: html.Loaded) -> None:
    """Documents, metadata, data-quality flags and the files that could not be read, with the reasons."""
    index = loaded.index
    st.title("语料与数据质量")
    show_banner(index)
    counts = (("文件", len(index.documents)), ("条款", len(index.clauses)), ("未能读取", len(index.skipped)))
    for col, (label, number) in zip(st.columns(3), counts):
        col.metric(label, number)
    counts = {doc_id: len(items) for doc_id, items in loaded.by_doc.items()}
    st.dataframe(html.corpus_rows(index.documents, counts), key="corpus_table", hide_index=True)
    if index.skipped:
        st.subheader("未能读取的文件")
        st.dataframe([{"文件": s.path, "原因": s.reason} for s in index.skipped], key="skipped_table", hide_index=True)
    if flags := html.flag_rows(index.documents):
        st.subheader("数据质量标记")
        st.dataframe(flags, key="flags_table", hide_index=True)
    corpus = [p for p in CORPUS if p.is_dir()]
    if st.button("重建索引", key="rebuild", disabled=not corpus):
        with _guard()[0]:
            build(corpus, "按要求重建")
        st.rerun()


def main() -> None:
    st.set_page_config(page_title="ipqa 知识产权政策问答", page_icon="📜", layout="wide")
    st.html(html.STYLE)
    loaded = ensure_index()
    for key in FILTER_KEYS & st.session_state.keys():  # keep filters set while a document is open
        st.session_state[key] = st.session_state[key]
    st.sidebar.button("问答检索", key="nav_ask", on_click=go, kwargs={"q": st.query_params.get("q", "")})
    st.sidebar.button("语料与数据质量", key="nav_corpus", on_click=go, kwargs={"page": "corpus"})
    script_names = labels.SCRIPT_LABELS
    script = st.sidebar.radio("文字", list(script_names), key="script", format_func=script_names.get, horizontal=True)
    params = st.query_params
    if params.get("page") == "corpus":
        show_corpus(loaded)
    elif params.get("doc"):
        show_document(loaded, params["doc"], params.get("clause", ""), script)
    else:
        show_banner(loaded.index)
        show_ask(loaded, show_filters(loaded.options), script)


main()
