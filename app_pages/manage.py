"""Documents managed in the browser, on the corpus page: files uploaded into the first corpus folder (ipqa.corpus.
manage: sanitised names, supported formats, the size limit, never an overwrite) and indexed in the background with
progress, each shown as read (its clauses) or not (why); documents removed after a confirmation (moved to the
folder's ``.ipqa-removed/``, where they can be taken back, and dropped from the index by a rebuild)."""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from app_pages.common import Config
from app_pages.indexing import build_job, start_build
from ipqa.views import html, labels, styles, tables
from ipqa.views.labels import Script, md_text

log = logging.getLogger("ipqa.app")
UPLOADS = "_uploads"  # this session's added files: [{"name", "path", "message"}]
ROUND = "_upload_round"  # a new uploader after each addition, so the files just added leave the box
PENDING = "_remove_pending"
PROBLEMS = "_remove_problems"  # files that could not be moved out, said after the page reruns  # the doc ids waiting for the removal's confirmation


def show_upload(loaded: html.Loaded, config: Config) -> None:
    from ipqa.corpus.formats import SUFFIXES
    from ipqa.corpus.manage import supported_in_words
    from ipqa.settings import MAX_FILE_BYTES

    corpus = config.corpus_dirs()
    st.subheader("添加文件")
    if not corpus:
        st.info("没有可写入的语料文件夹：请用 IPQA_CORPUS 指定。")
        return
    st.caption(
        md_text(f"可上传{supported_in_words()}文件，单个文件不超过 {MAX_FILE_BYTES >> 20} 兆字节；加入后自动建立索引。")
    )
    st.html(styles.uploader_style(MAX_FILE_BYTES >> 20))
    files = st.file_uploader(
        "选择文件（可多选）",
        type=[s[1:] for s in SUFFIXES],
        accept_multiple_files=True,
        key=f"upload_files_{st.session_state.get(ROUND, 0)}",
    )
    replace = st.checkbox("同名文件已存在时替换（原文件移到回收文件夹，可以找回）", key="upload_replace")
    if st.button("加入语料并建立索引", key="add_files", disabled=not files):
        _add(config, corpus, files or [], replace)
    uploads = st.session_state.get(UPLOADS)
    if uploads:
        index, job = loaded.index, build_job(str(config.index_dir))
        counts = {doc_id: len(items) for doc_id, items in loaded.by_doc.items()}
        rows = tables.upload_rows(uploads, index.documents, index.skipped, counts, job.running)
        st.dataframe(rows, key="upload_table", hide_index=True)


def _add(config: Config, corpus: list[Path], files, replace: bool) -> None:
    from ipqa.corpus.manage import RejectedFile, add_file

    uploads = st.session_state.setdefault(UPLOADS, [])
    st.session_state[ROUND] = st.session_state.get(ROUND, 0) + 1
    saved = 0
    for upload in files:
        try:
            added = add_file(corpus[0], upload.name, upload.getvalue(), replace=replace)
        except RejectedFile as exc:
            uploads.append({"name": upload.name, "path": "", "message": str(exc)})
            continue
        except OSError:  # disk full, read-only folder …: a sentence here, the details in the log
            log.exception("saving the upload %r failed", upload.name)
            uploads.append({"name": upload.name, "path": "", "message": "无法写入语料文件夹（详情见日志）"})
            continue
        uploads.append({"name": upload.name, "path": str(added.path.resolve()), "message": added.message})
        saved += added.status != "same"
    if saved:
        start_build(config, corpus, f"新增 {saved} 个文件")
        st.rerun()  # the page again, now with the build's progress at the top


def show_remove(loaded: html.Loaded, config: Config, script: Script) -> None:
    """Pick documents, confirm, and they move out of the corpus and the index."""
    index = loaded.index
    titles = {d: labels.convert_script(doc.meta.title or d, script) for d, doc in index.documents.items()}
    with st.expander("移除文件"):
        chosen = st.multiselect(
            "要移除的文件",
            sorted(titles),
            key="remove_docs",
            format_func=lambda d: f"{titles[d]}（{d}）",
            placeholder="选择文件（可多选）",
        )
        if st.button("移除所选文件", key="remove", disabled=not chosen):
            st.session_state[PENDING] = list(chosen)
        for problem in st.session_state.pop(PROBLEMS, []):  # from the removal just done (the page was rerun)
            st.error(problem)
        pending = [d for d in st.session_state.get(PENDING, []) if d in index.documents]
        if not pending:
            return
        st.warning(
            md_text(
                f"将把 {len(pending)} 个文件移出语料（移到回收文件夹，可以找回），"
                "并从索引中删除：" + "、".join(titles[d] for d in pending)
            ),
            icon="⚠️",
        )
        yes, no = st.columns(2)
        if yes.button("确认移除", key="remove_confirm"):
            _remove(config, index, pending)
        if no.button("取消", key="remove_cancel"):
            st.session_state.pop(PENDING, None)
            st.rerun()


def _remove(config: Config, index, doc_ids: list[str]) -> None:
    from ipqa.corpus.manage import RejectedFile, move_out

    st.session_state.pop(PENDING, None)
    corpus = config.corpus_dirs()
    moved = 0
    for doc_id in doc_ids:
        path = Path(index.documents[doc_id].source).resolve()
        root = next((r for r in corpus if path.is_relative_to(r.resolve())), None)
        try:
            if root is None:
                raise RejectedFile(f"{path} 不在语料文件夹中")
            move_out(root, path)
            moved += 1
        except (RejectedFile, OSError) as exc:
            log.warning("removing %s failed: %s", path, exc)
            reason = exc if isinstance(exc, RejectedFile) else "文件无法移动"
            st.session_state.setdefault(PROBLEMS, []).append(md_text(f"无法移除 {doc_id}：{reason}"))
    if moved:  # the person asked for this removal: the rebuild that drops them needs no second question
        start_build(config, corpus, f"移除 {moved} 个文件")
    st.rerun()  # the page again, with the build's progress at the top and any file that could not be moved
