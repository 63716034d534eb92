"""The corpus page (``?page=corpus``): documents, metadata, data-quality flags and the files that could not be
read, with the reasons; the index can be rebuilt from here."""

from __future__ import annotations

import streamlit as st

from app_pages.common import Config, show_banner
from app_pages.indexing import rebuild
from ipqa.views import findings, html, labels, tables
from ipqa.views.labels import Script, md_escape


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
    counts = {doc_id: len(items) for doc_id, items in loaded.by_doc.items()}
    st.dataframe(tables.corpus_rows(index.documents, counts, script), key="corpus_table", hide_index=True)
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
    show_admin(index)


ADMIN = "管理员：语义检索设置与技术细节"


def show_admin(index) -> None:
    """What an administrator needs and a reader does not: how to turn semantic search on, the reader's own words
    for the files it skipped, the encodings."""
    with st.expander(ADMIN):
        if index.dense_status:
            st.markdown(labels.dense_admin(index.dense_status))
        else:
            st.markdown("语义检索已开启（关键词 BM25 与语义向量融合排序）。")
        for s in index.skipped:
            st.caption(md_escape(f"{s.path}：{s.reason}"))
        encodings = sorted({d.encoding for d in index.documents.values() if d.encoding})
        if encodings:
            st.caption(md_escape("文件编码：" + "、".join(encodings)))
