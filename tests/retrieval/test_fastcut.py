"""The fast cut (ipqa.retrieval.fastcut) gives jieba's words exactly, so the index and the queries get the tokens
they got when jieba itself cut them: over lawrefbook clauses, the seeds, the dev and LeCoQA questions, arbitrary
strings, and a whole index built both ways."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ipqa.clauses.split import split_clauses
from ipqa.corpus.reading import read_document
from ipqa.index.ingest import indexed_text
from ipqa.retrieval import tokens
from ipqa.text import normalise
from tests.helpers.paths import CORPUS, LECOQA, need


def both_ways(texts: list[str], mode: str, normalised: bool = True) -> tuple[list, list]:
    """Each text's tokens cut by jieba and by the fast cut, each from empty caches."""
    if not normalised:
        texts = [normalise(t) for t in texts]
    out = []
    for fast in (False, True):
        tokens.clear_caches()
        out.append([tokens.tokenize_normalised(t, mode, fast) for t in texts])
    tokens.clear_caches()
    return out[0], out[1]


def clause_texts(root: Path, files: list[Path]) -> list[str]:
    texts = []
    for path in files:
        doc = read_document(path, root)
        texts.extend(indexed_text(doc, c) for c in split_clauses(doc))
    return texts


@pytest.fixture(scope="module")
def law_clauses(lawrefbook) -> list[str]:
    """Every 20th law (174 files, 8,386 clauses, 59,185 distinct jieba blocks), across all of lawrefbook's folders."""
    texts = clause_texts(lawrefbook, sorted(lawrefbook.rglob("*.md"))[::20])
    assert len(texts) > 5000
    return texts


def test_fast_cut_gives_jiebas_words_for_every_lawrefbook_block(law_clauses):
    tk, fast = tokens._jieba(), tokens._fast()
    blocks = list(dict.fromkeys(b for t in law_clauses for b in tokens._blocks().split(t) if b))
    assert len(blocks) > 30_000
    for block in blocks:
        assert fast.cut(block) == list(tk.cut(block, HMM=True)), block
    for block in blocks[::10]:
        assert fast.cut_for_search(block) == list(tk.cut_for_search(block, HMM=True)), block


@pytest.mark.parametrize("mode", tokens.MODES)
def test_lawrefbook_clauses_get_the_same_tokens(law_clauses, mode):
    texts = law_clauses if mode == tokens.DEFAULT_MODE else law_clauses[::5]
    reference, fast = both_ways(texts, mode)
    assert sum(map(len, reference)) > 100_000 or mode != tokens.DEFAULT_MODE
    for text, a, b in zip(texts, reference, fast):
        assert a == b, text


@pytest.mark.parametrize("mode", tokens.MODES)
def test_seed_clauses_and_whole_texts_get_the_same_tokens(mode):
    files = sorted(p for p in CORPUS.iterdir() if p.suffix == ".txt")
    texts = clause_texts(CORPUS, files)
    texts += [read_document(p, CORPUS).text for p in files]  # long, mixed-script, un-normalised
    reference, fast = both_ways(texts, mode, normalised=False)
    assert reference == fast


def test_questions_get_the_same_query_tokens(seed_dev):
    questions = [json.loads(line)["question"] for line in seed_dev.read_text(encoding="utf-8").splitlines()]
    questions += [json.loads(line)["question"] for line in need(LECOQA).read_text(encoding="utf-8").splitlines()]
    assert len(questions) > 1000
    for mode in tokens.MODES:  # a query is cut by jieba (tokenize); the index, by the fast cut
        served = [tokens.tokenize(q, mode) for q in questions]
        reference, fast = both_ways(questions, mode, normalised=False)
        assert served == reference == fast


# Characters on every side of jieba's block pattern: CJK inside and outside its range (U+9FD6–U+9FFF, extension
# A, compatibility ideographs), letters, digits, its joiners + # & . _ % -, spaces, line breaks, punctuation.
_ALPHABET = st.sampled_from(
    list("的专利知识产权质押融资人民共和国中华县级以上政府依照本法规定第十条一二三")
    + ["\u9fd6", "\u9fa5", "\u3400", "\uf900", "鿏"]
    + list("aZ09+#&._%- \t\n\r（）、，。；：“”《》?!")
)


@given(st.text(_ALPHABET, max_size=60))
def test_fast_cut_equals_jieba_on_arbitrary_strings(text):
    tk, fast = tokens._jieba(), tokens._fast()
    assert fast.cut(text) == list(tk.cut(text, HMM=True))
    assert fast.cut_for_search(text) == list(tk.cut_for_search(text, HMM=True))


def test_an_index_built_either_way_holds_the_same_tokens(tmp_path, monkeypatch):
    from ipqa.index import ingest
    from ipqa.index.searcher import build_index
    from ipqa.index.store import load_tokens
    from ipqa.settings import Settings

    built = []
    for name, workers in (("jieba", False), ("fast", True)):  # the workers cut fast; a serial build, with jieba
        tokens.clear_caches()
        monkeypatch.setattr(ingest, "PARALLEL_MIN_FILES", 1 if workers else 10**6)
        build_index([CORPUS], tmp_path / name, Settings(model=""))
        built.append(load_tokens(tmp_path / name))
    (va, ia, oa), (vb, ib, ob) = built
    assert va == vb and np.array_equal(ia, ib) and np.array_equal(oa, ob)
    for part in ("bm25/vocab.index.json", "bm25/data.csc.index.npy", "bm25/indices.csc.index.npy"):
        assert (tmp_path / "jieba" / part).read_bytes() == (tmp_path / "fast" / part).read_bytes(), part
