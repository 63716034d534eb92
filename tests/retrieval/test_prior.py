"""The document prior (ipqa.retrieval.prior): families, citation counts, the re-ordering, and its effect in a search."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from ipqa.records import Document, Metadata
from ipqa.retrieval import prior


def doc(doc_id: str, title: str, text: str = "", doc_type: str = "", level: str = "") -> Document:
    return Document(doc_id, doc_id, "0" * 64, text, Metadata(title=title, doc_type=doc_type, level=level))


@pytest.mark.parametrize(
    "title, name",
    [
        ("中华人民共和国商标法", "商标法"),
        ("中华人民共和国民法典 合同编", "民法典"),
        ("商标法（2019年修正）", "商标法"),
        ("专利法(2020-10-17)", "专利法"),
        ("泰安市知识产权强市建设实施方案", "泰安市知识产权强市建设实施方案"),
        ("", ""),
    ],
)
def test_cited_name(title, name):
    assert prior.cited_name(title) == name


@pytest.mark.parametrize(
    "doc_type, level, family",
    [
        ("法律", "national", "法律"),
        ("法", "", "法律"),
        ("司法解释", "national", "司法解释"),
        ("条例", "national", "行政法规"),
        ("条例", "provincial", "地方性法规"),
        ("地方性法规", "municipal", "地方性法规"),
        ("方案", "county", "政策文件"),
        ("通知", "", "政策文件"),
        ("", "", "未知"),
    ],
)
def test_family(doc_type, level, family):
    assert prior.family(Metadata(doc_type=doc_type, level=level)) == family


def test_citing_documents_counts_other_documents_once_each():
    docs = [
        doc("law", "中华人民共和国商标法", "本法所称商标……依照《中华人民共和国商标法》第一条。"),  # itself: not counted
        doc("a", "甲省商标条例", "根据《中华人民共和国商标法》和《商标法》，制定本条例。"),  # two mentions, one citer
        doc("b", "乙市商标办法", "依照《商标法（2019年修正）》执行。"),
        doc("c", "丙县方案", "没有引用。"),
    ]
    assert prior.citing_documents(docs) == {"law": 2, "a": 0, "b": 0, "c": 0}


def test_versions_of_a_law_share_its_citations():
    docs = [
        doc("old", "中华人民共和国公司法", doc_type="法律"),
        doc("new", "中华人民共和国公司法", doc_type="法律"),
        doc("x", "某条例", "依据《公司法》制定。"),
    ]
    assert prior.citing_documents(docs)["old"] == prior.citing_documents(docs)["new"] == 1


def test_rerank_adds_the_scaled_prior_and_keeps_ties_in_order():
    pairs = [(0, 10.0), (1, 9.0), (2, 9.0), (3, 1.0)]
    weights = np.asarray([0.0, 0.0, 0.0, 8.5], dtype=np.float32)
    assert prior.rerank(pairs, weights, 1.0) == [(0, 10.0), (3, 9.5), (1, 9.0), (2, 9.0)]
    assert prior.rerank(pairs, weights, 0.0) == pairs
    assert prior.rerank([], weights, 1.0) == []


def test_row_prior_uses_family_and_citations():
    documents = {
        "law": doc("law", "中华人民共和国商标法", doc_type="法律", level="national"),
        "reg": doc("reg", "浙江省商标条例", "根据《中华人民共和国商标法》制定。", doc_type="地方性法规"),
    }
    clauses = [type("C", (), {"doc_id": d})() for d in ("law", "law", "reg")]
    weights = prior.PriorWeights(families={"法律": 1.0, "地方性法规": -2.0}, citation=3.0)
    got = prior.row_prior(documents, clauses, weights)
    law = 1.0 + 3.0 * np.log1p(1)
    assert got.tolist() == pytest.approx([law, law, -2.0])


def test_shipped_weights_rank_laws_above_local_regulations():
    w = prior.shipped_weights()
    assert w.families["法律"] > w.families["行政法规"] > w.families["地方性法规"]
    assert w.citation > 0


def test_prior_reorders_a_search_and_can_be_turned_off(tmp_path):
    """A provincial regulation repeating a law's sentence outscores the law on words alone; the prior puts the
    law first, and ``document_prior = 0`` gives plain BM25 back."""
    from ipqa.index import Index, build_index
    from ipqa.settings import Settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "law.txt").write_text(
        "中华人民共和国示例商标法\n\n第一条 侵害注册商标专用权的，应当依法承担赔偿责任。\n\n"
        "第二条 商标注册申请人应当依法申请。\n",
        encoding="utf-8",
    )
    (corpus / "local.txt").write_text(
        "浙江省示例商标保护条例\n\n第一条 根据《中华人民共和国示例商标法》，制定本条例。\n\n"
        "第二条 侵害注册商标专用权的，赔偿责任由侵害注册商标专用权的人承担赔偿责任。\n",
        encoding="utf-8",
    )
    question = "侵害注册商标专用权要承担赔偿责任吗"
    plain_dir, prior_dir = tmp_path / "plain", tmp_path / "prior"
    build_index([corpus], plain_dir, Settings(model="", document_prior=0.0))
    build_index([corpus], prior_dir, Settings(model=""))
    plain, with_prior = Index.load(plain_dir), Index.load(prior_dir)
    assert {d.meta.doc_type for d in with_prior.documents.values()} >= {"法"}
    first = lambda ix: ix.search(question, k=3).hits[0].clause.doc_id
    assert first(plain).startswith("local"), [h.clause.text for h in plain.search(question, k=3).hits]
    assert first(with_prior).startswith("law")
    # the same clauses come back, only their order moves
    ids = lambda ix: {h.clause.clause_id for h in ix.search(question, k=10).hits}
    assert ids(plain) == ids(with_prior)
    assert replace(with_prior.settings, document_prior=0.0) == plain.settings
