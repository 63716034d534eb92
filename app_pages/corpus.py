"""The corpus page (``?page=corpus``): documents (a table that fits a screen, every field on demand), the files
that could not be read with the reasons, one row per data-quality finding, injected text on demand; files are
added and removed here (app_pages/manage.py) and the index can be rebuilt."""

from __future__ import annotations

import streamlit as st

from app_pages.common import Config, show_banner
from app_pages.indexing import build_job, rebuild
from app_pages.manage import show_remove, show_upload
from ipqa.views import findings, html, labels, tables
from ipqa.views.labels import Script, md_text


def show_page(loaded: html.Loaded, script: Script, config: Config) -> None:
    show_corpus(loaded, config, script)


def show_corpus(loaded: html.Loaded, config: Config, script: Script = "original") -> None:
    """Documents, metadata, data-quality flags and the files that could not be read, with the reasons."""
    index = loaded.index
    st.title("语料与数据质量")
    show_banner(index)
    counts = (("文件", len(index.documents)), ("条款", len(index.clauses)), ("未能读取", len(index.skipped)))
    for col, (label, number) in zip(st.columns(3), counts):
        col.metric(label, number)
    show_upload(loaded, config)
    st.subheader("文件")
    counts = {doc_id: len(items) for doc_id, items in loaded.by_doc.items()}
    rows = tables.corpus_rows(index.documents, counts, script)
    st.dataframe(tables.summary_rows(rows), key="corpus_table", hide_index=True)
    with st.expander("全部字段（发文字号、地区、层级、类型、有效性、缺少的字段）"):
        st.dataframe(rows, key="corpus_fields", hide_index=True)
    show_remove(loaded, config, script)
    if index.skipped:
        st.subheader("未能读取的文件")
        rows = [{"文件": s.path, "原因": findings.skip_reason(s.reason)} for s in index.skipped]
        st.dataframe(rows, key="skipped_table", hide_index=True)
    if flags := tables.flag_rows(index.documents):
        st.subheader("数据质量标记")
        st.dataframe(flags, key="flags_table", hide_index=True)
        if spam := tables.spam_rows(index.documents):
            with st.expander(f"查看注入的无关文字（{len(spam)} 处）"):
                st.dataframe(spam, key="spam_table", hide_index=True)
    corpus = config.corpus_dirs()
    if st.button("重建索引", key="rebuild", disabled=not corpus):
        rebuild(config, corpus)
        st.rerun()
    show_admin(index, build_job(str(config.index_dir)).error, corpus)


ADMIN = "管理员：语义检索设置与技术细节"


def show_admin(index, build_error: str = "", corpus=()) -> None:
    """What an administrator needs and a reader does not: how to turn semantic search on, the reader's own words
    for the files it skipped, the encodings."""
    with st.expander(ADMIN):
        if index.dense_status:
            st.markdown(labels.dense_admin(index.dense_status))
        else:
            st.markdown("语义检索已开启（关键词 BM25 与语义向量融合排序）。")
        if corpus:
            from ipqa.corpus.manage import REMOVED

            st.caption(md_text(f"上传的文件保存到 {corpus[0]}；移除的文件在各语料文件夹的 {REMOVED} 文件夹中。"))
        if build_error:
            st.caption(md_text(f"上次建立索引失败：{build_error}"))
        for s in index.skipped:
            st.caption(md_text(f"{s.path}：{s.reason}"))
        encodings = sorted({d.encoding for d in index.documents.values() if d.encoding})
        if encodings:
            st.caption(md_text("文件编码：" + "、".join(encodings)))
