"""The search contract on both engines: the files index (bm25s) and Milvus (milvus-lite in this process) give the
same top 10 with the same scores, the same answers and the same filtered results, and stay equal after a document
is changed, added or removed (the collection updated one document at a time)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("milvus_lite", reason="milvus-lite is not installed: pip install 'ipqa[milvus]'")

from ipqa.answer.pipeline import ask
from ipqa.index import Index, build_index
from ipqa.records import Filters
from ipqa.retrieval import milvus_store as ms
from ipqa.retrieval.milvus_bm25 import weighted_text
from ipqa.settings import Settings
from tests.helpers.paths import CORPUS

# Questions over the seeds in the officials' words and in everyday words (the second group reaches the 质押融资
# clauses through the thesaurus, so expansion weights are part of the contract).
QUERIES = [
    "谁负责知识产权质押融资？",
    "泰安市到2025年有效发明专利要达到多少件",
    "专利导航",
    "地理标志保护",
    "知识产权强县建设",
    "打击侵权假冒",
    "商标品牌战略",
    "知识产权公共服务体系",
    "高价值专利培育",
    "甘肃省推进计划",
    "用专利向银行申请贷款",
    "想用专利去银行贷款",
    "盗版谁来管",
    "惩罚性赔偿",
    "知识产权人才培养",
]
FILTERS = [
    Filters(level="county"),
    Filters(region="泰安"),
    Filters(year_from=2021),
    Filters(year_from=2019, year_to=2022),
    Filters(doc_ids=("001_e22083f13b5790bb", "003_b2f02c604ed1004b")),
    Filters(issuer="人民政府", doc_type="规划"),
]


def _build(corpus, folder, engine: str = "") -> Index:
    settings = Settings(model="").with_engine(engine, "contract")
    build_index([corpus], folder, settings)
    return Index.load(folder)


@pytest.fixture
def engines(tmp_path):
    """(files index, Milvus index) over a copy of the seeds, and the copy (tests edit it)."""
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    # milvus-lite serves the .db through a unix socket named after it: keep the path short
    engine = f"milvus://{tmp_path}/m.db"
    return corpus, engine, tmp_path


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(files index, Milvus index) over the seeds as shipped, built once for the tests that only read them."""
    tmp = tmp_path_factory.mktemp("milvus")
    return _build(CORPUS, tmp / "files"), _build(CORPUS, tmp / "milvus", f"milvus://{tmp}/m.db")


def _ranked(index: Index, query: str, filters: Filters | None = None) -> list[tuple[str, float]]:
    return [
        (h.clause.clause_id, h.retrievers[next(iter(h.retrievers))].score)
        for h in index.search(query, 10, filters).hits
    ]


def assert_same_top10(files: Index, milvus: Index, filters: Filters | None = None) -> int:
    """Same clauses in the same order with the same BM25 scores (float32 sums: 1e-4 relative); returns the hits."""
    seen = 0
    for query in QUERIES:
        a, b = _ranked(files, query, filters), _ranked(milvus, query, filters)
        assert [c for c, _ in a] == [c for c, _ in b], query
        assert [s for _, s in b] == pytest.approx([s for _, s in a], rel=1e-4), query
        seen += len(a)
    return seen


def test_same_top10_same_scores_and_why_it_matched(built):
    files, milvus = built
    assert milvus.settings.retrievers == ("milvus_bm25", "dense")
    assert "milvus_bm25" in milvus.retrievers and "bm25" not in milvus.retrievers
    assert assert_same_top10(files, milvus) > 100  # the queries do find things
    hit = milvus.search("专利导航", 3).hits[0]
    assert set(hit.retrievers) == {"milvus_bm25"} and hit.retrievers["milvus_bm25"].rank == 1
    assert hit.matched_terms  # "why it matched" comes from the index, as on the files engine


def test_expansion_weights_reproduced_by_repeating_tokens(built):
    milvus = built[1]
    assert weighted_text(["a", "b"], [("c", 0.2)]) == ("a a a a a b b b b b c", 5)
    assert weighted_text(["a"], [("c", 0.5), ("d", 0.25)]) == ("a a a a c c d", 4)
    assert weighted_text(["a", "a"], []) == ("a a", 1)
    # Milvus counts a repeated query token again: BM25 is linear in it, which the weights rely on
    from ipqa.retrieval.base import Query

    retriever = milvus.retrievers["milvus_bm25"]
    once = dict(retriever.search(Query("专利", ("专利",)), 20, None))
    thrice = dict(retriever.search(Query("专利", ("专利", "专利", "专利")), 20, None))
    assert once.keys() == thrice.keys() and len(once) == 20
    assert [thrice[r] for r in once] == pytest.approx([3 * once[r] for r in once], rel=1e-5)


def test_same_answers(built):
    files, milvus = built
    answered = 0
    for question in QUERIES:
        a, b = ask(files, question), ask(milvus, question)
        assert (a.text, a.answered) == (b.text, b.answered), question
        assert [(c.clause_id, c.quote, c.start, c.end) for c in a.citations] == [
            (c.clause_id, c.quote, c.start, c.end) for c in b.citations
        ], question
        answered += a.answered
    assert answered >= 5


def test_filters_equivalent(built):
    files, milvus = built
    for filters in FILTERS:
        rows = files.allowed_rows(filters)
        assert 0 < rows.size < len(files.clauses), filters  # each filter narrows without emptying
        assert_same_top10(files, milvus, filters)
        for query in QUERIES[:5]:
            for hit in milvus.search(query, 10, filters).hits:
                assert filters.accepts(hit.clause.doc_id, milvus.document(hit.clause.doc_id).meta)
    empty = Filters(region="北京")
    assert milvus.search("专利", 10, empty).message == files.search("专利", 10, empty).message


def test_document_updated_in_place(engines, caplog):
    corpus, engine, tmp = engines
    _build(corpus, tmp / "milvus", engine)
    client = ms.connect(ms.parse_engine(engine, "contract"))
    before = ms.stored_documents(client, "contract")
    changed = corpus / "003_b2f02c604ed1004b.txt"
    changed.write_text(
        changed.read_text(encoding="utf-8") + "\n十、附则\n本方案中的专利导航工作由市知识产权局负责解释。\n",
        encoding="utf-8",
    )
    (corpus / "004_deb30e83b76c7ed3.txt").unlink()
    (corpus / '005_"新".txt').write_text(  # a quote in the id: the filter expression escapes it
        "关于开展商标品牌指导站建设的通知\n一、目标\n到2026年建成商标品牌指导站10家。\n", encoding="utf-8"
    )
    with caplog.at_level("INFO", logger="ipqa.retrieval.milvus_store"):
        milvus = _build(corpus, tmp / "milvus", engine)
    files = _build(corpus, tmp / "files")
    after = ms.stored_documents(client, "contract")
    docs = {c.doc_id for c in files.clauses}
    assert set(after) == docs and "004_deb30e83b76c7ed3" in before and "004_deb30e83b76c7ed3" not in after
    unchanged = [d for d in docs if d in before and not d.startswith("003")]
    assert unchanged and all(after[d] == before[d] for d in unchanged)
    assert after[next(d for d in docs if d.startswith("003"))] != before[next(d for d in before if d.startswith("003"))]
    assert "3 documents unchanged, 2 written" in caplog.text and "1 removed" in caplog.text
    assert sum(len(v) for v in after.values()) == len(files.clauses)
    assert_same_top10(files, milvus)  # idf and lengths follow the deletes
    top = milvus.search("专利导航工作由市知识产权局负责解释", 1).hits[0]
    assert top.clause.doc_id.startswith("003") and "负责解释" in top.clause.text
    new = next(d for d in docs if d.startswith("005"))
    assert '"' in new
    only = Filters(doc_ids=(new,))
    found = milvus.search("商标品牌指导站", 10, only).hits
    assert found and {h.clause.doc_id for h in found} == {new}


def test_unchanged_rebuild_writes_nothing(engines, caplog):
    corpus, engine, tmp = engines
    _build(corpus, tmp / "milvus", engine)
    with caplog.at_level("INFO", logger="ipqa.retrieval.milvus_store"):
        _build(corpus, tmp / "milvus", engine)
    assert "5 documents unchanged, 0 written (0 clauses), 0 removed" in caplog.text


def test_other_bm25_settings_rebuild_the_collection(engines):
    corpus, engine, tmp = engines
    settings = Settings(model="", bm25_k1=1.5, bm25_b=0.5).with_engine(engine, "contract")
    _build(corpus, tmp / "milvus", engine)
    build_index([corpus], tmp / "milvus", settings)
    build_index([corpus], tmp / "files", Settings(model="", bm25_k1=1.5, bm25_b=0.5))
    assert_same_top10(Index.load(tmp / "files"), Index.load(tmp / "milvus"))


def test_unreachable_server_fails_the_build_and_keeps_the_old_index(engines):
    corpus, engine, tmp = engines
    old = _build(corpus, tmp / "idx", engine)
    expected = _ranked(old, "专利导航")
    down = Settings(model="").with_engine("milvus://127.0.0.1:9", "contract")
    with pytest.raises(ms.MilvusUnavailable, match="无法连接 Milvus"):
        build_index([corpus], tmp / "idx", down)
    assert _ranked(Index.load(tmp / "idx"), "专利导航") == expected


def test_a_server_gone_at_query_time_turns_the_retriever_off_with_the_reason(engines):
    corpus, engine, tmp = engines
    _build(corpus, tmp / "idx", engine)
    index = Index.load(tmp / "idx")
    retriever = index.retrievers["milvus_bm25"]
    retriever.engine = ms.Engine("http://127.0.0.1:9", "contract")  # as if the server went away
    result = index.search("专利导航")
    assert not result.hits and any("Milvus 不可用" in note for note in result.notes)


def test_bad_engine_uri_is_refused_in_chinese(tmp_path):
    from click.testing import CliRunner

    from ipqa.cli import main

    with pytest.raises(ValueError, match="无法识别"):
        ms.parse_engine("milvus://", "ipqa")
    with pytest.raises(ValueError, match="集合名"):
        ms.parse_engine("milvus://x.db", "bad-name")
    result = CliRunner().invoke(main, ["build", str(CORPUS), "--index", str(tmp_path / "i"), "--engine", "milvus://"])
    assert result.exit_code != 0 and "无法识别" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "i").exists()


def test_cli_build_with_engine_saves_an_absolute_path(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from ipqa.cli import main

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        main,
        ["build", str(CORPUS), "--index", "i", "--model", "", "--engine", "milvus://m.db", "--milvus-collection", "c"],
    )
    assert result.exit_code == 0, result.output
    index = Index.load(tmp_path / "i")
    assert index.settings.engine == f"milvus://{tmp_path}/m.db" and index.settings.milvus_collection == "c"
    assert index.search("专利导航").hits


def _dense_settings(model, engine: str = "", **kw) -> Settings:
    return Settings(model=str(model), **kw).with_engine(engine, "contract")


def assert_same_modulo_ties(a: list[tuple[int, float]], b: list[tuple[int, float]], what) -> None:
    """Same scores rank by rank, and the same rows at each score: faiss orders equal scores its own way (the tiny
    random model gives identical vectors to near-identical clauses), Milvus by row. The lowest score may be cut
    at k differently, so its rows are not compared."""
    assert [s for _, s in b] == pytest.approx([s for _, s in a], rel=1e-5), what

    def groups(hits):
        out: dict[float, set[int]] = {}
        for row, score in hits:
            out.setdefault(round(score, 5), set()).add(row)
        out.pop(min(out), None)
        return out

    assert groups(a) == groups(b), what


def test_dense_on_milvus_flat_equals_faiss(engines, tiny_model_dir):
    from ipqa.retrieval.base import Query

    corpus, engine, tmp = engines
    build_index([corpus], tmp / "files", _dense_settings(tiny_model_dir))
    build_index([corpus], tmp / "milvus", _dense_settings(tiny_model_dir, engine))
    files, milvus = Index.load(tmp / "files"), Index.load(tmp / "milvus")
    assert milvus.retrievers["dense"].status().details["kind"] == "milvus FLAT"
    assert files.retrievers["dense"].status().details["kind"] == "flat"
    for query in QUERIES:
        q = Query(query, (query,))
        a, b = files.retrievers["dense"].search(q, 20, None), milvus.retrievers["dense"].search(q, 20, None)
        assert len(a) == 20
        assert_same_modulo_ties(a, b, query)
        for filters in FILTERS[:3]:
            rows = files.allowed_rows(filters)
            a, b = files.retrievers["dense"].search(q, 10, rows), milvus.retrievers["dense"].search(q, 10, rows)
            assert a and {r for r, _ in b} <= set(rows.tolist())
            assert_same_modulo_ties(a, b, (query, filters))
    hybrid = milvus.search("专利导航", 10).hits
    assert any({"milvus_bm25", "dense"} <= set(h.retrievers) for h in hybrid)  # fused by ipqa's RRF, both ranks kept


def test_dense_rebuild_reuses_the_collections_vectors(engines, tiny_model_dir):
    corpus, engine, tmp = engines
    build_index([corpus], tmp / "milvus", _dense_settings(tiny_model_dir, engine))
    changed = corpus / "003_b2f02c604ed1004b.txt"
    changed.write_text(
        changed.read_text(encoding="utf-8") + "\n十、附则\n本方案由市知识产权局负责解释。\n", encoding="utf-8"
    )
    report = build_index([corpus], tmp / "milvus", _dense_settings(tiny_model_dir, engine))
    assert 0 < report.encoded < 10 and report.reused_embeddings > 150  # only the changed clauses encoded
    index = Index.load(tmp / "milvus")
    assert index.retrievers["dense"].status().on and index.search("负责解释", 3).hits
    gone = ms.Engine("http://127.0.0.1:9", "contract")  # as if the server went away: no traceback, the reason
    index.retrievers["dense"].index.engine, index.retrievers["dense"].index._client = gone, None
    result = index.search("负责解释", 3)
    assert not index.retrievers["dense"].status().on
    assert any("Milvus 不可用" in note for note in result.notes)


def test_dense_index_types_on_milvus_lite(engines, tiny_model_dir):
    corpus, engine, tmp = engines
    build_index([corpus], tmp / "i", _dense_settings(tiny_model_dir, engine, milvus_dense_index="IVF_FLAT"))
    index = Index.load(tmp / "i")
    assert index.retrievers["dense"].status().details["kind"] == "milvus IVF_FLAT"
    assert index.retrievers["dense"].search(index_query(index, "专利导航"), 10, None)
    client = ms.connect(ms.parse_engine(engine, "contract"))
    before = ms.stored_documents(client, "contract")
    (corpus / "004_deb30e83b76c7ed3.txt").unlink()
    with pytest.raises(ms.MilvusUnavailable, match="milvus-lite 不支持 HNSW"):
        build_index([corpus], tmp / "i", _dense_settings(tiny_model_dir, engine, milvus_dense_index="HNSW"))
    assert ms.stored_documents(client, "contract") == before  # refused before anything was written
    assert Index.load(tmp / "i").retrievers["dense"].status().details["kind"] == "milvus IVF_FLAT"  # kept


def index_query(index: Index, text: str):
    from ipqa.retrieval.base import Query

    return Query(text, (text,))


def test_exports_fill_the_keyword_rank_from_the_milvus_retriever(built):
    from ipqa.answer.citations import citation_for
    from ipqa.views.export import export_rows

    files, milvus = built
    rows = {}
    for name, index in (("files", files), ("milvus", milvus)):
        answer = ask(index, "谁负责知识产权质押融资？")
        hits = index.search("谁负责知识产权质押融资？", 5).hits
        cited = [(h, citation_for(index, h.clause, h.clause.start, h.clause.end)) for h in hits]
        rows[name] = export_rows(answer, cited)
    assert [r["关键词匹配名次"] for r in rows["milvus"]] == [r["关键词匹配名次"] for r in rows["files"]]
    assert any(r["关键词匹配名次"] == 1 for r in rows["milvus"])


def test_an_undecodable_file_name_is_indexed_and_filtered(engines):
    import os

    corpus, engine, tmp = engines
    name = os.fsdecode(os.fsencode(str(corpus)) + b"/006_\xff.txt")  # a lone surrogate in the document id
    Path(name).write_text("关于商标品牌指导站的通知\n一、到2026年建成商标品牌指导站10家。\n", encoding="utf-8")
    milvus = _build(corpus, tmp / "milvus", engine)
    odd = next(d for d in milvus.documents if d.startswith("006"))
    found = milvus.search("商标品牌指导站", 10, Filters(doc_ids=(odd,))).hits
    assert found and {h.clause.doc_id for h in found} == {odd}
    assert Index.load(tmp / "milvus").document(odd)  # the row table kept the id
