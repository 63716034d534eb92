"""The index behind every page: checked against the corpus once per process, built in a background thread (so a
rebuild never freezes the other sessions: they keep answering from the loaded index until the new one is swapped
in), and kept serving when its folder is deleted or damaged under the running app, with the rebuild offered.

A rebuild that would drop documents from the index is never automatic: it says what would change and waits for a
confirmation. Only removals the person asked for on the corpus page start such a rebuild directly."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st

from app_pages.common import HERE, Config, check_guard, embedding_job, load_index
from ipqa.settings import Settings
from ipqa.views import html, labels
from ipqa.views.labels import md_text

log = logging.getLogger("ipqa.app")
POLL_SECONDS = 0.5  # how often a page showing a build's progress looks at it again


@dataclass
class BuildJob:
    """The background build of one index folder, shared by every session of the process. The thread writes it;
    pages read it (plain values, so no Streamlit call ever runs outside a script run)."""

    running: bool = False
    reason: str = ""
    stage: str = ""
    done: int = 0
    total: int = 0
    error: str = ""  # the last build's failure, for the log and the admin view; "" when it succeeded
    finished: int = 0  # builds finished so far: a session that saw fewer reloads its page
    summary: str = ""  # the last build's result in one Chinese line
    again: list[Path] | None = None  # folders to build once more (files added while a build ran)
    lock: threading.Lock = field(default_factory=threading.Lock)


@st.cache_resource(show_spinner=False)
def build_job(index_dir: str) -> BuildJob:
    return BuildJob()


@st.cache_resource(show_spinner=False)
def _served() -> dict[str, html.Loaded]:
    """The index each folder last loaded: what keeps serving when the folder disappears under the app."""
    return {}


def start_build(config: Config, corpus: list[Path], reason: str) -> BuildJob:
    """Build the index from ``corpus`` in the background (incrementally: unchanged documents are reused). A build
    asked for while one runs is run once more after it, so every file added meanwhile is indexed."""
    job = build_job(str(config.index_dir))
    settings = Settings() if config.model is None else Settings(model=config.model)
    with job.lock:
        if job.running:
            job.again = list(corpus)
            return job
        job.running, job.reason, job.stage, job.done, job.total, job.error = True, reason, "", 0, 0, ""
    threading.Thread(
        target=_run, args=(job, list(corpus), config.index_dir, settings), name="ipqa-build", daemon=True
    ).start()
    return job


def _run(job: BuildJob, corpus: list[Path], index_dir: Path, settings: Settings) -> None:
    from ipqa.index.searcher import build_index

    def progress(stage: str, done: int, total: int) -> None:
        job.stage, job.done, job.total = stage, done, total

    while True:
        try:
            # keyword search serves at once; the clause vectors follow in the background (start_embedding)
            report = build_index(corpus, index_dir, settings, progress=progress, wait=None, embed=False, ocr=False)
            job.summary = (
                f"索引已更新：{report.documents} 个文件，{report.clauses} 个条款，用时 {report.seconds:.1f} 秒"
            )
            job.error = ""
        except Exception as exc:  # a background failure: the old index keeps serving, the log has the traceback
            log.exception("index build failed")
            job.summary, job.error = "建立索引失败，原索引保持不变（详情见日志）。", f"{type(exc).__name__}: {exc}"
        load_index.clear()  # the old index leaves memory once no session holds it
        embedding_job.clear()  # the new index's missing vectors are computed on the next page load
        check_guard()[1].add(str(index_dir))
        with job.lock:
            if job.again is None:
                job.running = False
                job.finished += 1
                return
            corpus, job.again = job.again, None


def show_build(config: Config) -> None:
    """The running build's progress; when it finishes, the page reloads with the new index."""
    job = build_job(str(config.index_dir))
    seen = st.session_state.setdefault("_builds_seen", job.finished)
    if job.running or seen != job.finished:
        _build_progress(str(config.index_dir))


@st.fragment(run_every=POLL_SECONDS)
def _build_progress(index_dir: str) -> None:
    job = build_job(index_dir)
    if job.running:
        fraction = min(job.done / job.total, 1.0) if job.total else 0.0
        step = labels.build_step(job.stage, job.done, job.total) if job.stage else "准备中"
        st.progress(fraction, text=f"{job.reason}：正在建立索引（{step}），检索仍使用当前索引。")
        return
    if st.session_state.get("_builds_seen") != job.finished:
        st.session_state["_builds_seen"] = job.finished
        st.session_state["_build_result"] = (job.summary, bool(job.error))
        st.rerun()  # the whole page, with the new index


def show_build_result() -> None:
    """The last finished build's one line, once, on the page that was waiting for it."""
    result = st.session_state.pop("_build_result", None)
    if result:
        summary, failed = result
        (st.error if failed else st.success)(summary)


def confirm_rebuild(config: Config, corpus: list[Path], changes) -> None:
    """Say what a rebuild would drop and rebuild only when the person confirms (until then, nothing changes)."""
    folders = "、".join(map(str, corpus))
    st.warning(
        md_text(
            f"语料文件夹（{folders}）与索引不一致：重建将从索引中移除 {len(changes.removed)} 个文件，"
            f"新增 {len(changes.added)} 个、更新 {len(changes.changed)} 个。当前仍使用原索引检索。"
        ),
        icon="⚠️",
    )
    with st.expander("将被移除的文件"):
        st.text("\n".join(changes.removed[:200]) + ("\n…" if len(changes.removed) > 200 else ""))
    if st.button("确认重建索引", key="confirm_rebuild"):
        start_build(config, corpus, "按确认重建")
        st.rerun()


def ensure_index(config: Config) -> html.Loaded:
    """Check once per process that the index matches the corpus (building it in the background when missing or
    stale), then load it; see the module docstring."""
    from ipqa.index.state import index_changes

    lock, checked = check_guard()
    corpus = config.corpus_dirs()
    index_dir = config.index_dir
    job = build_job(str(index_dir))
    with lock:  # a second session waits for the first one's check instead of starting its own
        if str(index_dir) not in checked and corpus and not job.running:
            changes = index_changes(corpus, index_dir)
            if changes.state == "missing":
                start_build(config, corpus, "首次使用，尚无索引")
            elif changes.removed:
                confirm_rebuild(config, corpus, changes)
                return _load(config, corpus)  # asked again on every run until confirmed or resolved
            elif changes.state == "stale":
                start_build(config, corpus, f"语料有 {len(changes.paths)} 个文件变化")
            else:
                checked.add(str(index_dir))
    return _load(config, corpus)


def _load(config: Config, corpus: list[Path]) -> html.Loaded:
    from ipqa.index.searcher import IndexLoadError

    index_dir = config.index_dir
    manifest = index_dir / "manifest.json"
    try:
        loaded = load_index(str(index_dir), manifest.stat().st_mtime if manifest.exists() else 0.0)
    except IndexLoadError as exc:
        served = _served().get(str(index_dir))
        if served is not None:  # the folder went away (or broke) under the running app: keep answering
            log.warning("index %s cannot be loaded (%s); serving the index loaded before", index_dir, exc)
            _offer_rebuild(config, served)
            return served
        if build_job(str(index_dir)).running:  # the first build: nothing to serve until it is done
            st.title("知识产权政策问答")
            show_build(config)
            st.stop()
        hint = "" if corpus else f"语料文件夹 {', '.join(map(str, config.corpus))} 不存在：请用 IPQA_CORPUS 指定。"
        st.error(md_text(f"无法加载索引：{exc}。{hint}"))
        st.stop()
    _served()[str(index_dir)] = loaded
    return loaded


def _offer_rebuild(config: Config, served: html.Loaded) -> None:
    """The index folder is gone or damaged: say so once per page, keep serving, offer the rebuild from the folders
    the served index was built from."""
    job = build_job(str(config.index_dir))
    if job.running:
        return
    roots = [HERE / r if not Path(r).is_absolute() else Path(r) for r in served.index.manifest.roots]
    roots = [r for r in roots if r.is_dir()] or config.corpus_dirs()
    st.warning(
        md_text(
            f"索引文件夹 {config.index_dir} 已被删除或损坏：当前仍使用已加载的索引"
            f"（{len(served.index.documents)} 个文件）。请重建索引。"
        ),
        icon="⚠️",
    )
    if st.button("重建索引", key="rebuild_missing", disabled=not roots):
        start_build(config, roots, "索引文件夹丢失，重建")
        st.rerun()


def rebuild(config: Config, corpus: list[Path]) -> None:
    """Build the index again from the corpus on request, in the background."""
    start_build(config, corpus, "按要求重建")


def wait_for_build(index_dir: Path, timeout: float = 120) -> BuildJob:
    """Block until the background build of ``index_dir`` is done or ``timeout`` s passed (the tests wait so)."""
    job = build_job(str(index_dir))
    deadline = time.monotonic() + timeout
    while job.running and time.monotonic() < deadline:
        time.sleep(0.05)
    return job
