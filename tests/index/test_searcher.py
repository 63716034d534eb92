"""The persisted hybrid index: build, atomic swap, refusal of half-written folders, freshness, incremental
rebuilds with the tiny model, filters before the cut, cross-script search and bad queries."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from ipqa.index import store
from ipqa.index.manifest import FORMAT_VERSION, Manifest
from ipqa.index.searcher import MAX_QUERY_CHARS, Index, IndexLoadError, build_index, index_state
from ipqa.records import Filters
from ipqa.settings import Settings
from tests.helpers.paths import CORPUS

BM25_ONLY = Settings(model="")

SIMPLIFIED = """关于印发某市知识产权工作要点的通知

一、加强知识产权保护
（一）推进知识产权快速维权。建设知识产权保护中心，开展专利快速预审服务。（市市场监管局负责）
（二）加大行政执法力度。严厉打击商标侵权和假冒专利行为。（市市场监管局、市公安局负责）
二、促进知识产权运用
（一）深化知识产权质押融资。鼓励银行机构扩大质押贷款规模。（市金融办负责）
"""

TRADITIONAL = """關於印發某縣知識產權工作計劃的通知

一、強化地理標志保護
（一）培育地理標志產品。建設地理標志產品示範基地，擴大品牌影響力。（縣市場監管局負責）
（二）開展植物新品種保護。加強種業知識產權行政執法。（縣農業農村局負責）
"""


def _write_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "simplified.txt").write_text(SIMPLIFIED, encoding="utf-8")
    (folder / "traditional.txt").write_text(TRADITIONAL, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def seed_index(tmp_path_factory) -> Index:
    folder = tmp_path_factory.mktemp("seed_index") / "index"
    build_index([CORPUS], folder, BM25_ONLY)
    return Index.load(folder)


@pytest.fixture()
def small(tmp_path) -> tuple[Path, Path]:
    corpus = _write_corpus(tmp_path / "corpus")
    index_dir = tmp_path / "index"
    build_index([corpus], index_dir, BM25_ONLY)
    return corpus, index_dir


def test_manifest_describes_the_build(small):
    _corpus, index_dir = small
    manifest = json.loads((index_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format_version"] == FORMAT_VERSION
    assert manifest["settings"]["model"] == "" and manifest["retrievers"] == {
        "bm25": {"status": "on", "reason": ""},
        "dense": {"status": "off", "reason": "disabled by setting", "model": ""},
    }
    assert json.loads(json.dumps(Manifest.from_dict(manifest).to_dict())) == manifest  # reader and writer agree
    assert set(manifest["documents"]) == {"simplified", "traditional"}
    assert all(len(d["sha256"]) == 64 and d["clauses"] > 0 for d in manifest["documents"].values())
    assert manifest["counts"]["clauses"] == sum(d["clauses"] for d in manifest["documents"].values())
    for name, digest in manifest["checksums"].items():
        assert store.sha256_file(index_dir / name) == digest
    files = [p.name for p in index_dir.rglob("*") if p.is_file()]
    assert not [f for f in files if f.endswith((".pkl", ".pickle"))]
    # no temp or backup folder left behind
    assert not [*index_dir.parent.glob(".index.building-*"), *index_dir.parent.glob(".index.old-*")]


def test_settings_are_read_back_from_the_manifest(tmp_path):
    corpus = _write_corpus(tmp_path / "corpus")
    build_index([corpus], tmp_path / "index", Settings(model="", depth=7, rrf_k=30, tokenizer="words"))
    index = Index.load(tmp_path / "index")
    assert (index.settings.depth, index.settings.rrf_k, index.settings.tokenizer) == (7, 30, "words")


def test_semantic_search_off_is_noted_on_every_result(small):
    _, index_dir = small
    index = Index.load(index_dir)
    assert index.dense_status == "disabled by setting"
    assert "semantic search off: disabled by setting" in index.search("质押融资").notes


@pytest.mark.parametrize(
    "query, doc_id",
    [
        ("地理标志产品示范基地", "traditional"),  # simplified query, traditional clause
        ("知識產權質押融資", "simplified"),  # traditional query, simplified clause
    ],
)
def test_search_crosses_scripts(small, query, doc_id):
    hits = Index.load(small[1]).search(query, k=3).hits
    assert hits and hits[0].clause.doc_id == doc_id
    assert hits[0].retrievers["bm25"].rank == 1


def test_simplified_query_finds_traditional_seed(seed_index):
    hits = seed_index.search("甘肃省知识产权强省推进计划 重点任务", k=5).hits
    assert any(h.clause.doc_id.startswith("001_") for h in hits)


def test_hits_keep_original_text_and_spans(seed_index):
    for hit in seed_index.search("知識產權質押融資", k=10).hits:
        doc = seed_index.document(hit.clause.doc_id)
        assert doc.text[hit.clause.start : hit.clause.end] == hit.clause.text
        assert seed_index.clause(hit.clause.clause_id) == hit.clause


def test_filters_apply_before_the_cut(seed_index):
    query = "知识产权质押融资"
    unfiltered = seed_index.search(query, k=3).hits
    target = next(
        d
        for d in sorted(seed_index.documents)
        if d not in {h.clause.doc_id for h in unfiltered}
        and seed_index.search(query, k=200, filters=Filters(doc_ids=(d,))).hits
    )
    hits = seed_index.search(query, k=3, filters=Filters(doc_ids=(target,))).hits
    assert len(hits) == 3 and {h.clause.doc_id for h in hits} == {target}


def test_a_filter_nothing_passes_gives_a_message(seed_index):
    result = seed_index.search("专利", filters=Filters(year_from=2999))
    assert not result.hits and "筛选条件" in result.message


@pytest.mark.parametrize("query", ["", "   \n\t", "？！，。……", "😀🎉🚀", "吗呢的了"])
def test_unsearchable_queries_give_a_message(seed_index, query):
    result = seed_index.search(query)
    assert not result.hits and result.message


def test_english_query_gives_an_empty_result_not_an_error(seed_index):
    result = seed_index.search("how do I pledge a patent for a loan")
    assert not result.hits and result.message


def test_overlong_query_is_cut_with_a_note(seed_index):
    result = seed_index.search("知识产权质押融资" * 1250)  # 10,000 characters
    assert any(str(MAX_QUERY_CHARS) in note for note in result.notes)
    assert result.hits


def test_missing_index_is_refused_with_a_fix(tmp_path):
    with pytest.raises(IndexLoadError, match=r"没有索引：请先运行 `ipqa build`"):
        Index.load(tmp_path / "nowhere")


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda d: (d / "manifest.json").unlink(), "中没有 manifest.json"),
        (lambda d: (d / "clauses.jsonl").write_text("{}\n", encoding="utf-8"), "校验和不符"),
        (lambda d: (d / "tokens.npy").unlink(), "tokens.npy 不见了"),
        (lambda d: _edit_manifest(d, format_version=999), "索引格式是 999"),
    ],
)
def test_half_written_or_damaged_index_is_refused(small, damage, message):
    damage(small[1])
    with pytest.raises(IndexLoadError, match=message) as info:
        Index.load(small[1])
    assert "ipqa build" in str(info.value)


def _edit_manifest(folder: Path, **changes) -> None:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest.update(changes)
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def test_failed_build_keeps_the_old_index(small, monkeypatch):
    corpus, index_dir = small
    before = (index_dir / "manifest.json").read_bytes()
    (corpus / "new.txt").write_text("一、新增条款\n（一）开展专利导航。\n", encoding="utf-8")

    def explode(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("ipqa.retrieval.lexical.Lexical.save", explode)
    with pytest.raises(OSError, match="原有索引保持不变"):
        build_index([corpus], index_dir, BM25_ONLY)
    assert (index_dir / "manifest.json").read_bytes() == before
    assert Index.load(index_dir).search("质押融资").hits
    assert not [*index_dir.parent.glob(".index.building-*"), *index_dir.parent.glob(".index.old-*")]


def test_index_state_reports_missing_fresh_and_stale(small, tmp_path):
    corpus, index_dir = small
    assert index_state([corpus], tmp_path / "nowhere") == ("missing", [])
    assert index_state([corpus], index_dir) == ("fresh", [])
    (corpus / "simplified.txt").write_text(SIMPLIFIED + "（三）新增。\n", encoding="utf-8")
    (corpus / "traditional.txt").unlink()
    (corpus / "added.txt").write_text("一、新增\n", encoding="utf-8")
    state, files = index_state([corpus], index_dir)
    assert state == "stale"
    assert sorted(Path(f).name for f in files) == ["added.txt", "simplified.txt", "traditional.txt"]


def test_rebuild_splits_only_changed_documents_and_reuses_tokens(small, monkeypatch):
    import ipqa.clauses.split

    corpus, index_dir = small
    split: list[str] = []
    real = ipqa.clauses.split.split_clauses

    def counting(doc, *args, **kwargs):
        split.append(doc.doc_id)
        return real(doc, *args, **kwargs)

    monkeypatch.setattr(ipqa.clauses.split, "split_clauses", counting)
    report = build_index([corpus], index_dir, BM25_ONLY)
    assert split == [] and report.reused_tokens == report.clauses and report.encoded == 0
    before = Index.load(index_dir)
    (corpus / "simplified.txt").write_text(SIMPLIFIED + "（二）推进专利开放许可。（市科技局负责）\n", encoding="utf-8")
    report = build_index([corpus], index_dir, BM25_ONLY)
    assert split == ["simplified"] and report.reused_tokens == report.clauses - 1
    after = Index.load(index_dir)
    assert [c for c in after.clauses if c.doc_id == "traditional"] == [
        c for c in before.clauses if c.doc_id == "traditional"
    ]
    assert after.search("专利开放许可").hits[0].clause.doc_id == "simplified"


def test_unavailable_model_falls_back_to_bm25_with_the_reason(tmp_path):
    corpus = _write_corpus(tmp_path / "corpus")
    report = build_index([corpus], tmp_path / "index", Settings(model=str(tmp_path / "no-such-model")))
    assert "does not exist" in report.dense_status
    index = Index.load(tmp_path / "index")
    dense = index.manifest.status("dense")
    assert not dense.on and "does not exist" in dense.reason
    result = index.search("质押融资")
    assert result.hits and any(n.startswith("semantic search off: ") for n in result.notes)


def test_tiny_model_build_fuses_both_retrievers_and_reencodes_only_changes(tmp_path, tiny_model_dir, monkeypatch):
    from ipqa.retrieval.encoder import Encoder

    encoded: list[str] = []
    real = Encoder.encode_passages

    def counting(self, texts, *args, **kwargs):
        encoded.extend(texts)
        return real(self, texts, *args, **kwargs)

    monkeypatch.setattr(Encoder, "encode_passages", counting)
    corpus = _write_corpus(tmp_path / "corpus")
    settings = Settings(model=str(tiny_model_dir))
    first = build_index([corpus], tmp_path / "index", settings)
    assert first.dense_status == "" and first.encoded == first.clauses == len(encoded)

    index = Index.load(tmp_path / "index")
    assert index.dense_status == "" and index.manifest.status("dense").details["dim"] == 32
    result = index.search("地理标志产品示范基地", k=5)
    assert not result.notes and result.hits
    emoji = index.search("😀？")  # the dense retriever would return its nearest junk: refused before searching
    assert not emoji.hits and emoji.message
    assert any("dense" in h.retrievers for h in result.hits) and any("bm25" in h.retrievers for h in result.hits)
    only = Filters(doc_ids=("simplified",))
    assert {h.clause.doc_id for h in index.search("地理标志", k=5, filters=only).hits} == {"simplified"}

    encoded.clear()
    text = (corpus / "simplified.txt").read_text(encoding="utf-8")
    (corpus / "simplified.txt").write_text(text.replace("扩大质押贷款规模", "扩大专利质押贷款规模"), encoding="utf-8")
    second = build_index([corpus], tmp_path / "index", settings)
    assert second.encoded == len(encoded) == 1  # only the edited clause
    assert second.reused_embeddings == second.clauses - 1
    reloaded = Index.load(tmp_path / "index")
    old_vectors = index.retrievers["dense"].vectors()
    new_vectors = reloaded.retrievers["dense"].vectors()
    same = [i for i, c in enumerate(reloaded.clauses) if "专利质押贷款" not in c.text]
    np.testing.assert_allclose(new_vectors[same], old_vectors[same], atol=1e-6)


def test_build_accepts_several_folders(tmp_path):
    a = _write_corpus(tmp_path / "a")
    b = tmp_path / "b"
    b.mkdir()
    shutil.copy(CORPUS / min(p.name for p in CORPUS.glob("*.txt")), b)
    report = build_index([a, b], tmp_path / "index", BM25_ONLY)
    assert report.documents == 3


# --- the build / search / info commands ---------------------------------------------------------------------


def _cli(*args):
    from click.testing import CliRunner

    from ipqa.cli import main

    return CliRunner().invoke(main, [str(a) for a in args])


def test_cli_build_search_info(tmp_path):
    corpus = _write_corpus(tmp_path / "corpus")
    (corpus / "empty.txt").write_bytes(b"")
    index_dir = tmp_path / "index"
    built = _cli("build", corpus, "--index", index_dir, "--model", "")
    assert built.exit_code == 0, built.output
    assert "2 个文件" in built.output and "语义检索未开启：disabled by setting" in built.output
    assert "未能读取" in built.output and "empty.txt" in built.output and "建立索引：分词" in built.output

    found = _cli("search", "地理標志產品", "--index", index_dir, "--json", "-k", "2")
    assert found.exit_code == 0, found.output
    data = json.loads(found.output)
    assert data["notes"] == ["semantic search off: disabled by setting"] and len(data["hits"]) == 2
    hit = data["hits"][0]
    assert {"clause_id", "doc_id", "title", "path", "text", "start", "end", "score", "retrievers"} <= set(hit)
    assert hit["doc_id"] == "traditional" and hit["retrievers"]["bm25"]["rank"] == 1

    filtered = _cli("search", "知识产权", "--index", index_dir, "--doc", "simplified", "--json")
    assert {h["doc_id"] for h in json.loads(filtered.output)["hits"]} == {"simplified"}
    plain = _cli("search", "？？", "--index", index_dir)
    assert plain.exit_code == 0 and "没有可检索的词" in plain.output

    info = _cli("info", "--index", index_dir, "--json")
    assert info.exit_code == 0, info.output
    assert json.loads(info.output)["state"] == "fresh"
    (corpus / "simplified.txt").write_text(SIMPLIFIED + "（三）补充。\n", encoding="utf-8")
    text = _cli("info", "--index", index_dir)
    assert (
        "索引已过期" in text.output
        and "simplified.txt" in text.output
        and "检索器 dense（语义相近）：未开启" in text.output
    )


def test_cli_without_index_says_to_build(tmp_path):
    for args in (["search", "专利"], ["info"]):
        result = _cli(*args, "--index", tmp_path / "index")
        assert result.exit_code == 1
        assert "没有索引" in result.output and "请先运行 `ipqa build`" in result.output
        assert "Traceback" not in result.output


def test_an_index_moved_aside_by_an_interrupted_swap_is_restored_at_load(small):
    _, index_dir = small
    aside = index_dir.parent / ".index.old-1-1"
    index_dir.rename(aside)  # what a build killed between the two renames of swap_in leaves behind
    (index_dir.parent / ".index.building-2-2").mkdir()  # a half-written build: no manifest, never chosen
    assert Index.load(index_dir).search("质押融资").hits
    assert not aside.exists()


def test_the_filter_cache_is_bounded_and_keeps_recent_filters(seed_index):
    from ipqa.index.searcher import MAX_CACHED_FILTERS

    first = Filters(year_from=1900)
    seed_index.allowed_rows(first)
    for year in range(MAX_CACHED_FILTERS + 20):
        seed_index.allowed_rows(Filters(year_from=2000, year_to=2000 + year))
        seed_index.allowed_rows(first)  # kept warm: the least recently used go first
    assert len(seed_index._allowed_cache) <= MAX_CACHED_FILTERS and first in seed_index._allowed_cache
