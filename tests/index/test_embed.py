"""BM25 serves first; clause vectors come afterwards in checkpointed chunks; a killed run resumes without
redoing finished chunks; search turns hybrid when the vectors are complete (tiny test model: plumbing only)."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from ipqa.cli import main
from ipqa.index.build import build_index
from ipqa.index.embed import embed_pending, needs_vectors
from ipqa.index.manifest import read_manifest
from ipqa.index.searcher import Index
from ipqa.retrieval import dense
from ipqa.retrieval.encoder import Encoder
from ipqa.retrieval.vector_cache import VectorCache, cache_dir
from ipqa.settings import Settings
from tests.helpers.paths import CORPUS


@pytest.fixture
def counting(monkeypatch):
    """Every text the encoder is asked for, and a way to make it die after some calls (a killed process)."""
    seen: list[str] = []
    state = {"die_after": None, "calls": 0}
    real = Encoder.encode_passages

    def encode(self, texts, *args, **kwargs):
        if state["die_after"] is not None and state["calls"] >= state["die_after"]:
            raise KeyboardInterrupt("killed")
        state["calls"] += 1
        seen.extend(texts)
        return real(self, texts, *args, **kwargs)

    monkeypatch.setattr(Encoder, "encode_passages", encode)
    monkeypatch.setattr(dense, "CHUNK", 16)  # small checkpoints, so the seeds make several
    return seen, state


def test_bm25_serves_first_and_search_turns_hybrid_when_vectors_complete(tmp_path, tiny_model_dir, counting):
    seen, _ = counting
    index_dir = tmp_path / "index"
    report = build_index([CORPUS], index_dir, Settings(model=str(tiny_model_dir)), embed=False)
    assert report.encoded == 0 and "being computed" in report.dense_status and not seen
    assert needs_vectors(index_dir)
    serving = Index.load(index_dir)
    result = serving.search("知识产权质押融资")
    assert result.hits and all(set(h.retrievers) == {"bm25"} for h in result.hits)
    assert any(n.startswith("semantic search off: clause vectors are being computed") for n in result.notes)

    done = embed_pending(index_dir)
    assert done.status.on and done.encoded == report.clauses == len(seen)
    assert not needs_vectors(index_dir)
    hybrid = Index.load(index_dir)  # checksums of the added dense files verify
    assert hybrid.dense_status == "" and read_manifest(index_dir).status("dense").on
    assert any("dense" in h.retrievers for h in hybrid.search("知识产权质押融资").hits)


def test_a_killed_embedding_resumes_without_recomputing_finished_chunks(tmp_path, tiny_model_dir, counting):
    seen, state = counting
    index_dir = tmp_path / "index"
    report = build_index([CORPUS], index_dir, Settings(model=str(tiny_model_dir)), embed=False)
    state["die_after"] = 3
    with pytest.raises(KeyboardInterrupt):
        embed_pending(index_dir)
    assert len(seen) == 3 * 16 and needs_vectors(index_dir)  # three chunks done, the index still BM25-only
    source = dense.vector_source(str(tiny_model_dir), dense.passage_precision(Settings().encode_precision))
    cache = VectorCache(cache_dir(index_dir, source))
    assert len(cache.load()) == 3 * 16
    first = list(seen)
    seen.clear()
    state["die_after"] = None
    done = embed_pending(index_dir)
    assert done.status.on and done.encoded == report.clauses - 3 * 16 == len(seen)
    assert not set(seen) & set(first)  # nothing finished before the kill was encoded again


def test_a_rebuild_reuses_the_checkpoints_and_the_cli_resumes(tmp_path, tiny_model_dir, counting):
    seen, _ = counting
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    index_dir = tmp_path / "index"
    settings = Settings(model=str(tiny_model_dir))
    build_index([corpus], index_dir, settings)
    assert Index.load(index_dir).dense_status == ""
    seen.clear()
    path = corpus / "004_deb30e83b76c7ed3.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\n十、附则\n本规划自印发之日起施行。\n", encoding="utf-8")
    report = build_index([corpus], index_dir, settings, embed=False)
    assert "being computed" in report.dense_status
    result = CliRunner().invoke(main, ["embed", "--index", str(index_dir)])
    assert result.exit_code == 0 and "语义检索已开启" in result.output
    assert 0 < len(seen) <= 3  # only the changed clauses
    assert Index.load(index_dir).dense_status == ""


def test_embed_on_an_index_without_a_model_says_why(tmp_path):
    index_dir = tmp_path / "index"
    build_index([CORPUS], index_dir, Settings(model=""))
    result = CliRunner().invoke(main, ["embed", "--index", str(index_dir)])
    assert result.exit_code == 0 and "语义检索未开启：disabled by setting" in result.output
