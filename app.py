"""ipqa in the browser: ask, read the grounded answer with numbered citations, check each result in its
document, filter, export. Wiring only: page config, the index, the sidebar and the navigation; each page is a module
in ``app_pages/``, the library answers, ``ipqa.views.labels``/``ipqa.views.html`` shape what is shown.

``streamlit run app.py``. Environment: IPQA_INDEX (default ``index/``), IPQA_CORPUS (default ``corpus/``; folders
joined by the path separator), IPQA_MODEL (embedding model; "" for keywords only); relative paths are taken from
this file's folder. A missing or stale index is built from the corpus on first use, in the background.

Navigation: the address's query parameters pick the page, so every view is a shareable link at the app's root:
``?q=…`` the ask page, ``?doc=…&clause=…`` the document page, ``?page=corpus`` the corpus page; the script and the
filters ride along on every view (``?script=simplified&region=…&level=…&issuer=…&type=…&validity=…&years=2018-2024
&docs=id1,id2``), so a shared link reproduces the page and the browser's Back restores it. Each run hands
``st.navigation`` just that page as the default (its URL path is the root): a click that changes the parameters
reruns the page the browser was on, and st.navigation then runs the page the new parameters name.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from app_pages import ask, corpus, document
from app_pages.common import Config, go, keep_filters, restore_from_url, start_embedding, start_ocr, sync_url
from app_pages.indexing import ensure_index, show_build, show_build_result
from ipqa.views import html, labels, scripts
from ipqa.views.labels import Script

PAGES = {  # view → (render function, title); the page title stays out of sight (hidden menu, page_title set)
    "ask": (ask.show_page, "问答检索"),
    "document": (document.show_page, "原文"),
    "corpus": (corpus.show_page, "语料与数据质量"),
}


def view(params) -> str:
    """The page the address's query parameters name."""
    if params.get("page") == "corpus":
        return "corpus"
    return "document" if params.get("doc") else "ask"


def show_sidebar() -> Script:
    st.sidebar.button("问答检索", key="nav_ask", on_click=go, kwargs={"q": st.query_params.get("q", "")})
    st.sidebar.button("语料与数据质量", key="nav_corpus", on_click=go, kwargs={"page": "corpus"})
    script_names = labels.SCRIPT_LABELS
    return st.sidebar.radio("文字", list(script_names), key="script", format_func=script_names.get, horizontal=True)


def main() -> None:
    st.set_page_config(page_title="ipqa 知识产权政策问答", page_icon="📜", layout="wide")
    st.html(html.STYLE)
    st.html(scripts.LANG_SCRIPT, unsafe_allow_javascript=True)  # <html lang="zh-CN">: Streamlit hardcodes "en"
    config = Config.from_env()
    loaded = ensure_index(config)  # a build runs in the background; every page serves the loaded index meanwhile
    show_build(config)
    show_build_result()
    start_embedding(config)  # missing clause vectors are computed in the background; BM25 serves meanwhile
    start_ocr(config)  # and so are the scanned PDFs' OCR texts
    restore_from_url(loaded.options)  # ?script=…&region=… from a shared link or the browser's Back
    keep_filters()  # keep filters set while a document is open
    script = show_sidebar()
    name = view(st.query_params)
    render, title = PAGES[name]
    page = st.Page(partial(render, loaded, script, config), title=title, url_path=name, default=True)
    st.navigation([page], position="hidden").run()
    sync_url(loaded.options)  # the script and filters as the page now shows them, in the address


# Streamlit runs this file as "__main__". A process started with multiprocessing's "spawn" re-runs the parent's
# __main__ file as "__mp_main__": after an AppTest in the same process that file is app.py, and the child must
# not start the app (it would check and build the index instead of doing its own work).
if __name__ == "__main__":
    main()
