"""Fast builds must not change what is indexed: the block-cached tokenizer gives jieba's whole-text tokens, a rebuild
that copies unchanged documents from the old index equals a build from scratch, the worker processes give what a
serial build gives, and the column files give back every record exactly."""

from __future__ import annotations

import json
import os
import random
import shutil
from pathlib import Path

import numpy as np
import pytest

from ipqa.index import columns, ingest, store
from ipqa.index.searcher import Index, build_index
from ipqa.records import Clause, Departments, Document, Flag, Metadata
from ipqa.retrieval import tokens as tokens_module
from ipqa.settings import Settings
from ipqa.text import normalise
from tests.helpers.paths import CORPUS, LAWREFBOOK

BM25_ONLY = Settings(model="")
QUERIES = ["知识产权质押融资", "专利导航", "谁负责地理标志保护", "商标侵权", "专利开放许可试点"]


def _reference_tokens(text: str, mode: str) -> list[str]:
    """The tokenizer as specified, without the cache: jieba over the whole text, then the same filtering."""
    tk, stop = tokens_module._jieba(), tokens_module.stopwords()
    cut = tk.cut_for_search(text, HMM=True) if mode == "search" else tk.cut(text, HMM=True)
    tokens, runs, run = [], [], []
    for word in (w.strip().lower() for w in cut):
        keep = bool(word) and word not in stop and tokens_module._WORDLIKE.search(word) is not None
        if keep:
            tokens.append(word)
        if keep and all(tokens_module._CJK.fullmatch(ch) for ch in word):
            run.append(word)
        elif run:
            runs.append("".join(run))
            run = []
    if run:
        runs.append("".join(run))
    if mode == "words+bigrams":
        tokens.extend(r[i : i + 2] for r in runs for i in range(len(r) - 1))
    return tokens


TRICKY = [
    "",
    " ",
    "什么是专利",
    "专利㐀㐁导航，质押融资。",
    "GB/T 29490-2023 知识产权管理",
    "第十四条　由县级以上人民政府负责",
    "a-b_c.d%e#f+g&h 专利",
    "𠀀𠀁中文 專利導航 ＧＢ／Ｔ",
    "\u9fd6\u9fd7专利\u9fd8",
]


@pytest.mark.parametrize("mode", tokens_module.MODES)
def test_cached_tokens_equal_whole_text_jieba(mode, monkeypatch):
    texts = [normalise(p.read_text(encoding="utf-8")) for p in sorted(CORPUS.glob("*.txt"))]
    texts += [normalise(t) for t in TRICKY]
    if LAWREFBOOK.is_dir():
        files = sorted(LAWREFBOOK.rglob("*.md"))
        texts += [normalise(p.read_text(encoding="utf-8")) for p in random.Random(5).sample(files, 3)]
    monkeypatch.setattr(tokens_module, "_CACHE_LIMIT", 50)  # clear the cache often: results must not depend on it
    tokens_module.clear_caches()
    for text in texts:
        expected = _reference_tokens(text, mode)
        for fast in (False, True):  # jieba's cut (queries) and the fast cut (a build's workers)
            assert tokens_module.tokenize_normalised(text, mode, fast) == expected
            assert tokens_module.tokenize_normalised(text, mode, fast) == expected  # from the cache


def _copy_seeds(folder: Path) -> Path:
    shutil.copytree(CORPUS, folder)
    return folder


def _snapshot(index_dir: Path) -> dict:
    """Everything a build decides, independent of file layout: records, token strings, keys, BM25 rankings."""
    index = Index.load(index_dir)
    vocab, ids, offsets = store.load_tokens(index_dir)
    words = np.asarray(vocab, dtype=object)
    return {
        "clauses": [c.to_dict() for c in index.clauses],
        "documents": [
            (d.doc_id, d.source, d.sha256, d.text, d.meta, d.flags, d.excluded) for d in index.documents.values()
        ],
        "tokens": [words[ids[offsets[i] : offsets[i + 1]]].tolist() for i in range(len(offsets) - 1)],
        "keys": columns.read_keys(index_dir),
        "search": {q: [(h.clause.clause_id, round(h.score, 6)) for h in index.search(q, k=20).hits] for q in QUERIES},
    }


def test_a_rebuild_reusing_unchanged_documents_equals_a_fresh_build(tmp_path):
    corpus = _copy_seeds(tmp_path / "corpus")
    build_index([corpus], tmp_path / "index", BM25_ONLY)
    first, second = sorted(corpus.glob("*.txt"))[:2]
    first.write_text(
        first.read_text(encoding="utf-8") + "\n（九）开展专利开放许可试点。（市科技局负责）\n", encoding="utf-8"
    )
    second.unlink()
    (corpus / "900_new.txt").write_text("测试市专利开放许可办法\n\n第一条 推进专利开放许可试点。\n", encoding="utf-8")
    report = build_index([corpus], tmp_path / "index", BM25_ONLY)
    assert report.reused_documents == len(list(CORPUS.glob("*.txt"))) - 2  # all but the edited and removed ones
    assert 0 < report.reused_tokens < report.clauses  # the edited seed's unchanged clauses kept their tokens
    build_index([corpus], tmp_path / "fresh", BM25_ONLY)
    assert _snapshot(tmp_path / "index") == _snapshot(tmp_path / "fresh")


def test_an_unchanged_corpus_is_rebuilt_without_reading_a_file(tmp_path, monkeypatch):
    corpus = _copy_seeds(tmp_path / "corpus")
    build_index([corpus], tmp_path / "index", BM25_ONLY)
    before = _snapshot(tmp_path / "index")
    monkeypatch.setattr("ipqa.corpus.reading.read_document", lambda *a: pytest.fail("an unchanged file was read"))
    report = build_index([corpus], tmp_path / "index", BM25_ONLY)
    assert report.reused_documents == report.documents and report.reused_tokens == report.clauses
    assert _snapshot(tmp_path / "index") == before


@pytest.mark.parametrize("sidecar", ["{stem}.meta.json", "meta.csv"])
def test_a_changed_sidecar_rereads_the_documents_it_applies_to(tmp_path, sidecar):
    corpus = _copy_seeds(tmp_path / "corpus")
    build_index([corpus], tmp_path / "index", BM25_ONLY)
    target = min(corpus.glob("*.txt"))
    if sidecar == "meta.csv":
        (corpus / "meta.csv").write_text(f"file,issuer\n{target.name},测试发布机关\n", encoding="utf-8")
    else:
        (corpus / sidecar.format(stem=target.stem)).write_text(json.dumps({"issuer": "测试发布机关"}), encoding="utf-8")
    report = build_index([corpus], tmp_path / "index", BM25_ONLY)
    # meta.csv may correct any document under its root, so all are read again; a .meta.json only its own.
    assert report.reused_documents == (0 if sidecar == "meta.csv" else report.documents - 1)
    assert Index.load(tmp_path / "index").document(target.stem).meta.issuer == "测试发布机关"


def test_an_index_of_an_older_format_is_rebuilt_from_the_files(tmp_path):
    corpus = _copy_seeds(tmp_path / "corpus")
    build_index([corpus], tmp_path / "index", BM25_ONLY)
    manifest = json.loads((tmp_path / "index" / "manifest.json").read_text(encoding="utf-8"))
    manifest["format_version"] = 1
    (tmp_path / "index" / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    report = build_index([corpus], tmp_path / "index", BM25_ONLY)
    assert report.reused_documents == 0 and report.documents == len(list(CORPUS.glob("*.txt")))
    assert Index.load(tmp_path / "index").search("专利").hits


def test_worker_processes_build_what_a_serial_build_does(tmp_path, monkeypatch):
    build_index([CORPUS], tmp_path / "serial", BM25_ONLY)
    monkeypatch.setattr(ingest, "PARALLEL_MIN_FILES", 1)
    build_index([CORPUS], tmp_path / "parallel", BM25_ONLY)  # two chunks of files, in two processes
    assert _snapshot(tmp_path / "serial") == _snapshot(tmp_path / "parallel")


def test_columns_give_back_documents_and_clauses_exactly(tmp_path):
    text = "标题\r\n一、总则\r\n（一）第一项\ud800内容。\n（二）第二项。"
    doc = Document(
        doc_id="a/b",
        source="/x/a/b.txt",
        sha256="0" * 64,
        text=text,
        meta=Metadata(title="标题", issuer="某局"),
        flags=(Flag("spam", "x", 3, 5), Flag("excerpt", "y")),
        excluded=((0, 4),),
        encoding="gb18030",
    )
    start = text.index("（一）")
    clauses = [
        Clause(
            "a/b#一/（一）",
            "a/b",
            "（一）",
            ("一、总则", "（一）第一项"),
            text[start : start + 11],
            start,
            start + 11,
            Departments(("市局",), ("县局",)),
            (Flag("spam", "z", start, start + 2),),
            ("一、", "（一）"),
        ),
        Clause("a/b#一/（二）", "a/b", "（二）", ("一、总则", "（二）"), "not a slice of the text", 0, 3),
    ]
    cols, own = columns.clause_columns(doc, clauses)
    assert own == {1: "not a slice of the text"}
    cols["doc"] = [0, 0]
    columns.write_documents(tmp_path, [doc])
    columns.write_clauses(tmp_path, cols, own, [bytes(32), bytes(range(32))])
    docs = columns.read_documents(tmp_path)
    assert docs == [doc]
    assert columns.read_clauses(tmp_path, docs) == clauses
    assert columns.read_keys(tmp_path) == [bytes(32), bytes(range(32))]


def test_a_file_name_that_is_not_utf8_is_indexed_and_reused(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    try:  # Python hands such a name over with lone surrogates in it, which UTF-8 JSON cannot carry as they are
        (corpus / os.fsdecode(b"\xff\xfe\xb0bad.txt")).write_text("一、总则\n（一）开展专利导航。\n", encoding="utf-8")
    except (OSError, UnicodeError):
        pytest.skip("this file system refuses a file name that is not valid UTF-8")
    build_index([corpus], tmp_path / "index", BM25_ONLY)
    report = build_index([corpus], tmp_path / "index", BM25_ONLY)
    assert report.documents == 1 and report.reused_documents == 1
    hit = Index.load(tmp_path / "index").search("专利导航").hits[0]
    assert hit.clause.doc_id == os.fsdecode(b"\xff\xfe\xb0bad")


def test_reuse_signature_covers_the_shaping_code_only(tmp_path, monkeypatch):
    """Editing an answer composer, a view or the CLI keeps the unchanged documents' clauses reusable (no full
    re-read); editing code that shapes documents, clauses or tokens invalidates them."""
    import shutil

    import ipqa
    from ipqa.index.reuse import split_signature

    copy = tmp_path / "ipqa"
    shutil.copytree(Path(ipqa.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(ipqa, "__file__", str(copy / "__init__.py"))
    settings = Settings(model="")
    first = split_signature(settings)

    def edited(relative: str) -> str:
        with open(copy / relative, "a", encoding="utf-8") as f:
            f.write("\n# edited\n")
        return split_signature(settings)

    for harmless in ("views/labels.py", "answer/compose.py", "cli/common.py", "evaluation/evaluate.py"):
        assert edited(harmless) == first, harmless
    for shaping in ("corpus/spam.py", "clauses/split.py", "retrieval/tokens.py", "text.py", "index/ingest.py"):
        changed = edited(shaping)
        assert changed != first, shaping
        first = changed
    assert split_signature(Settings(model="", max_clause_chars=300)) != first
