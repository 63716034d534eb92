"""What several pages use: the app's settings from the environment, the index loaded once per process (checked and
built by app_pages/indexing.py), the sidebar filters, the semantic-search banner and the switch between views."""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from ipqa.records import Filters
from ipqa.views import html, labels

log = logging.getLogger("ipqa.app")
HERE = Path(__file__).resolve().parents[1]  # app.py's folder: relative paths in the environment start here
ALL = "全部"
FILTER_KEYS = {"f_region", "f_level", "f_issuer", "f_type", "f_validity", "f_years", "f_docs"}


@dataclass(frozen=True)
class Config:
    """IPQA_INDEX (default ``index/``), IPQA_CORPUS (folders joined by the path separator; unset: the folders the
    index was built from, else ``corpus/``), IPQA_MODEL (unset: the default model; "": keyword search only)."""

    index_dir: Path
    corpus: tuple[Path, ...]
    model: str | None

    @classmethod
    def from_env(cls) -> Config:
        """Read on every run, as the environment may differ from one run to the next (tests set it per app). An
        index built with `ipqa build corpus ../shared/data/lawrefbook` is kept to those folders: the app never
        rebuilds it from corpus/ alone because IPQA_CORPUS was not set."""
        from ipqa.index.state import built_roots

        index_dir = HERE / os.environ.get("IPQA_INDEX", "index")
        if "IPQA_CORPUS" in os.environ:
            corpus = tuple(HERE / p for p in os.environ["IPQA_CORPUS"].split(os.pathsep) if p)
        else:
            corpus = tuple(built_roots(index_dir, HERE)) or (HERE / "corpus",)
        return cls(index_dir=index_dir, corpus=corpus, model=os.environ.get("IPQA_MODEL"))

    def corpus_dirs(self) -> list[Path]:
        """The corpus folders that exist."""
        return [p for p in self.corpus if p.is_dir()]


@st.cache_resource(show_spinner=False)
def check_guard() -> tuple[threading.Lock, set]:
    """One lock so two sessions never check (and start a build) at once, and the index folders already checked
    in this process."""
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


def _background(name: str, work, failure: str) -> dict:
    """Run ``work(progress)`` in a daemon thread; returns the progress state the banners read ({done, total,
    error}). A failure goes to the log and into ``error``: whatever is loaded keeps serving."""
    state: dict = {"done": 0, "total": 0, "error": ""}

    def progress(stage: str, done: int, total: int) -> None:
        state.update(done=done, total=total)

    def run() -> None:
        try:
            work(progress)
        except Exception as exc:  # the app's edge: the sentence for the banner, the traceback for the log
            log.exception(failure)
            state["error"] = str(exc)

    threading.Thread(target=run, name=name, daemon=True).start()
    return state


@st.cache_resource(show_spinner=False)
def embedding_job(index_dir: str) -> dict:
    """One background thread per index folder and process computing the clause vectors the index waits for
    (ipqa.index.embed, checkpointed: a restart resumes). Its progress is read by the banner; when it finishes,
    the manifest changes and the next page load picks up the hybrid index."""
    from ipqa.index.embed import embed_pending

    return _background(
        "ipqa-embed",
        lambda progress: embed_pending(Path(index_dir), progress=progress, wait=None),
        "computing the clause vectors failed",
    )


def start_embedding(config: Config) -> dict | None:
    """Start (once) the background computation of missing clause vectors; its progress, or None if none."""
    from ipqa.index.embed import needs_vectors

    if not needs_vectors(config.index_dir):
        return None
    return embedding_job(str(config.index_dir))


@st.cache_resource(show_spinner=False)
def _ocr(index_dir: str) -> dict:
    """One background thread per index folder and process reading the scans the index lists as pending
    (ipqa.index.ocr_pass); when it has rebuilt the index, the next page load shows the scanned documents."""
    from ipqa.index.ocr_pass import complete_pending

    return _background(
        "ipqa-ocr",
        lambda progress: complete_pending(Path(index_dir), progress=progress, wait=None),
        "reading the scanned PDFs by OCR failed",
    )


def start_ocr(config: Config) -> dict | None:
    """Start (once) the background OCR of scans the index is waiting for; its progress, or None if none."""
    from ipqa.index.ocr_pass import needs_ocr

    if not needs_ocr(config.index_dir):
        return None
    return _ocr(str(config.index_dir))


def go(**params: str) -> None:
    """Switch view by replacing the address's query parameters (so every view is shareable); the script and the
    filters stay in the address."""
    # one update (clear + update would be two, and the browser's history would get an empty address between)
    st.query_params.from_dict({k: v for k, v in {**params, **url_state()}.items() if v})


# The state that lives in the address besides the view: query parameter → session-state key of its widget.
STATE_PARAMS = {
    "script": "script",
    "region": "f_region",
    "level": "f_level",
    "issuer": "f_issuer",
    "type": "f_type",
    "validity": "f_validity",
    "years": "f_years",
    "docs": "f_docs",
}
_SYNCED = "_url_state"  # what this session last wrote to the address, to tell a changed address (Back, a link)


_OPTIONS = "_url_options"  # the filter options the address is read against (set by restore_from_url)


def url_state() -> dict[str, str]:
    """The script and filters as they are now, as query parameters (defaults left out)."""
    opts = st.session_state.get(_OPTIONS)
    if opts is None:
        return {}
    state = {param: _encode(param, st.session_state.get(key), opts) for param, key in STATE_PARAMS.items()}
    return {k: v for k, v in state.items() if v}


def _encode(param: str, value, opts: html.FilterOptions) -> str:
    if value is None:
        return ""
    if param == "script":
        return "" if value == "original" else str(value)
    if param == "years":
        return "" if not opts.years or tuple(value) == tuple(opts.years) else f"{value[0]}-{value[1]}"
    if param == "docs":
        return ",".join(value)
    return "" if value == ALL else str(value)


def _decode(param: str, text: str, opts: html.FilterOptions):
    """The widget value a query parameter stands for; None when it names nothing this index offers."""
    choices = {
        "region": opts.regions,
        "level": opts.levels,
        "issuer": opts.issuers,
        "type": opts.doc_types,
        "validity": opts.validities,
    }
    if param == "script":
        return text if text in labels.SCRIPT_LABELS else None
    if param == "years":
        low, _, high = text.partition("-")
        if not (opts.years and low.isdigit() and high.isdigit()):
            return None
        years = (max(int(low), opts.years[0]), min(int(high), opts.years[1]))
        return years if years[0] <= years[1] else None
    if param == "docs":
        known = {d for d, _ in opts.documents}
        docs = [d for d in text.split(",") if d in known]
        return docs or None
    return text if text in choices[param] else None


def _default(param: str, opts: html.FilterOptions):
    return {"script": "original", "years": opts.years, "docs": []}.get(param, ALL)


def restore_from_url(opts: html.FilterOptions) -> None:
    """Before the widgets: a query parameter that differs from what this session wrote (a shared link, the
    browser's Back, a reload) sets its widget; a value the index does not offer is ignored."""
    st.session_state[_OPTIONS] = opts
    synced = st.session_state.get(_SYNCED, {})
    for param, key in STATE_PARAMS.items():
        text = st.query_params.get(param, "")
        if text == synced.get(param, ""):
            continue
        value = _decode(param, text, opts) if text else _default(param, opts)
        if value is not None:
            st.session_state[key] = value


def sync_url(opts: html.FilterOptions) -> None:
    """After the widgets: the script and the filters written to the address (defaults removed)."""
    st.session_state[_OPTIONS] = opts
    state = url_state()
    address = {k: v for k, v in st.query_params.to_dict().items() if k not in STATE_PARAMS} | state
    if address != st.query_params.to_dict():
        st.query_params.from_dict(address)  # one update: one entry in the browser's history
    st.session_state[_SYNCED] = {param: state.get(param, "") for param in STATE_PARAMS}


def show_banner(index) -> None:
    """One short line while semantic search is off (the how-to is on the corpus page, for the administrator)."""
    if index.dense_status:
        embedding = embedding_job(str(index.folder)) if "being computed" in index.dense_status else None
        progress = (embedding["done"], embedding["total"]) if embedding else None
        st.caption("ℹ️ " + labels.dense_banner(index.dense_status, progress))


def keep_filters() -> None:
    """Keep the filters set while a page without them (a document, the corpus) is shown."""
    for key in FILTER_KEYS & st.session_state.keys():
        st.session_state[key] = st.session_state[key]


def show_filters(opts: html.FilterOptions, script: labels.Script = "original") -> Filters:
    """The sidebar filters; the values are shown in the chosen script (the filters keep the documents' own)."""
    sb = st.sidebar
    sb.subheader("筛选")
    pick = "请选择"

    def shown(value: str) -> str:
        return labels.convert_script(value, script)

    region = sb.selectbox("地区", [ALL, *opts.regions], key="f_region", format_func=shown, placeholder=pick)
    level = sb.selectbox("层级", [ALL, *opts.levels], key="f_level", format_func=labels.level_label, placeholder=pick)
    issuer = sb.selectbox("发布机关", [ALL, *opts.issuers], key="f_issuer", format_func=shown, placeholder=pick)
    doc_type = sb.selectbox("文件类型", [ALL, *opts.doc_types], key="f_type", format_func=shown, placeholder=pick)
    validity = sb.selectbox("有效性", [ALL, *opts.validities], key="f_validity", format_func=shown, placeholder=pick)
    years = None
    if opts.years and opts.years[0] < opts.years[1]:
        low, high = opts.years
        kept = st.session_state.get("f_years")
        if kept is None:  # the default goes through the state only (no widget-state warning)
            st.session_state["f_years"] = opts.years
        elif not (low <= kept[0] <= kept[1] <= high):  # the index changed under the session: keep what still fits
            start, end = max(low, min(kept[0], high)), min(high, max(kept[1], low))
            st.session_state["f_years"] = (start, end) if start <= end else opts.years
        years = sb.slider("年份", opts.years[0], opts.years[1], key="f_years")
        years = None if tuple(years) == opts.years else years
    titles = dict(opts.documents)
    docs = sb.multiselect(
        "文件", list(titles), key="f_docs", format_func=lambda d: shown(titles[d]), placeholder="选择文件（可多选）"
    )
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
