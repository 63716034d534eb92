"""Property-based fuzzing (hypothesis) of every layer that takes untrusted input: the reader (arbitrary bytes under
each suffix), the normaliser and tokenizer (arbitrary text, lone surrogates included), the clause splitter
(generated documents mixing numbering families, blank lines and excluded spans) and the query path (arbitrary
text to ``Index.search`` and ``ask``). No exception escapes, and every span invariant holds."""

from __future__ import annotations

import os
import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ipqa.answer.metadata import HEADER_PATH
from ipqa.answer.pipeline import ask
from ipqa.clauses.split import split_clauses
from ipqa.corpus.formats import SUFFIXES
from ipqa.corpus.reading import UnreadableFile, read_document
from ipqa.records import Document, Flag
from ipqa.retrieval.tokens import tokenize
from ipqa.text import normalise

# Any code point, lone surrogates included: they reach Python from argv that is not UTF-8 and from JSON escapes.
ANY_CHAR = st.characters(codec=None, exclude_categories=())
HANZI = st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF)
# IPQA_FUZZ_EXAMPLES=3000 for a longer campaign; the default keeps the file well under the 60 s budget.
BOUNDED = settings(
    max_examples=int(os.environ.get("IPQA_FUZZ_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _check_document(doc: Document) -> None:
    n = len(doc.text)
    assert isinstance(doc.text, str) and doc.text.strip()
    assert all(0 <= s < e <= n for s, e in doc.excluded)
    assert all(f.start is None or 0 <= f.start <= f.end <= n for f in doc.flags)
    _check_clauses(doc, split_clauses(doc))


def _check_clauses(doc: Document, clauses) -> None:
    ids = [c.clause_id for c in clauses]
    assert len(ids) == len(set(ids)), "clause ids must be unique"
    previous_end = 0
    for c in clauses:
        assert doc.text[c.start : c.end] == c.text, c.clause_id
        assert 0 <= c.start < c.end <= len(doc.text) and c.start >= previous_end  # in order, no overlap
        previous_end = c.end
        assert c.text.strip() and c.path and c.clause_id.startswith(f"{doc.doc_id}#")
        for f in c.flags:
            assert f.start is None or c.start <= f.start < f.end <= c.end
        assert isinstance(c.clean_text, str)


# --- the reader --------------------------------------------------------------------------------------------

MAGIC = st.sampled_from(
    [
        b"",
        b"%PDF-1.4\n",
        b"PK\x03\x04",
        b"<!DOCTYPE html><html><body>",
        b"\xef\xbb\xbf",
        b"\xff\xfe",
        b"\xfe\xff",
        b"<html><div><div><p>",
    ]
)
TEXTY = st.builds(
    lambda t, enc: t.encode(enc, errors="ignore"),
    st.text(st.one_of(HANZI, st.sampled_from("第一条二、（三）1.①\n\r \t。，；：<>/&\x00")), max_size=300),
    st.sampled_from(["utf-8", "gb18030", "big5", "utf-16-le", "utf-16"]),
)


@BOUNDED
@given(prefix=MAGIC, body=st.one_of(st.binary(max_size=600), TEXTY), suffix=st.sampled_from(sorted(SUFFIXES)))
def test_reader_reads_or_reports_any_bytes(tmp_path_factory, prefix, body, suffix):
    folder = tmp_path_factory.mktemp("fuzz", numbered=True)
    path = folder / f"f{suffix}"
    path.write_bytes(prefix + body)
    try:
        doc = read_document(path, folder)
    except UnreadableFile as exc:
        assert str(exc).strip()  # a reason a person can act on, never empty
        return
    _check_document(doc)


# --- normaliser and tokenizer ------------------------------------------------------------------------------


@BOUNDED
@given(st.text(ANY_CHAR, max_size=300))
def test_normalise_and_tokenize_accept_any_text(text):
    out = normalise(text)
    assert out == out.strip() and "  " not in out and "\n" not in out
    assert not re.search("[\ud800-\udfff]", out)
    for mode in ("words", "words+bigrams"):
        tokens = tokenize(text, mode)
        assert all(isinstance(t, str) and t and not t.isspace() for t in tokens)


# --- the clause splitter -----------------------------------------------------------------------------------

LABELS = [
    "第一编 总则",
    "第二章 保护",
    "第三节 运用",
    "第十四条 ",
    "第2条",
    "一、",
    "二、工作任务",
    "（一）",
    "(二)",
    "1.",
    "2．",
    "13",
    "（1）",
    "(2)",
    "①",
    "② ",
    "# ",
    "## 标题",
    "附件1",
    "十、",
    "第一百零一条",
]
BODY = st.text(st.one_of(HANZI, st.sampled_from("，。；：、（）() 0123456789市场监管局负责牵头")), max_size=80)
LINE = st.one_of(st.tuples(st.sampled_from(LABELS), BODY).map("".join), BODY, st.just(""), st.just("   "))


@st.composite
def documents(draw) -> Document:
    """A document of numbered and plain lines (\\n or \\r\\n), with some whole lines and some inline pieces
    excluded, the way headers, boilerplate and injected spam are."""
    lines = draw(st.lists(LINE, min_size=1, max_size=40))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(lines)
    if not text.strip():
        text = "第一条 内容。"
    excluded, flags = [], []
    offsets = [m.start() for m in re.finditer(r"[^\r\n]+", text)]
    for start in draw(st.lists(st.sampled_from(offsets), max_size=4, unique=True)) if offsets else []:
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if draw(st.booleans()):
            excluded.append((start, end))  # a whole line: header, boilerplate, a spam line
        elif end - start > 2:
            a = draw(st.integers(start, end - 1))
            b = draw(st.integers(a + 1, end))
            excluded.append((a, b))  # inline spam
            flags.append(Flag("spam", "injected", a, b))
    from ipqa.text import merge_spans

    return Document(
        doc_id="fuzz/doc",
        source="fuzz.txt",
        sha256="0" * 64,
        text=text,
        flags=tuple(flags),
        excluded=tuple(merge_spans(excluded)),
    )


@BOUNDED
@given(documents(), st.integers(20, 600))
def test_clause_spans_hold_for_generated_documents(doc, max_chars):
    clauses = split_clauses(doc, max_chars)
    _check_clauses(doc, clauses)
    for start, end in doc.excluded:
        line_start = doc.text.rfind("\n", 0, start) + 1
        line_end = doc.text.find("\n", end)
        line_end = len(doc.text) if line_end < 0 else line_end
        if doc.text[line_start:start].strip() or doc.text[end:line_end].strip() or not doc.text[start:end].strip():
            continue  # inline (or only blanks): may stay inside a clause, flagged, and cut out of its clean text
        assert not any(c.start < end and start < c.end for c in clauses), "a whole excluded line is in a clause"
    for c in clauses:  # inline excluded text inside a clause is flagged and cut from what is indexed
        inside = [(s, e) for s, e in doc.excluded if c.start <= s and e <= c.end]
        flagged = [(f.start, f.end) for f in c.flags if f.kind == "spam" and f.start is not None]
        assert all(any(fs <= s and e <= fe for fs, fe in flagged) for s, e in inside), (inside, flagged)
        assert len(c.clean_text) == len(c.text) - sum(e - s for s, e in flagged)


# --- the query path ----------------------------------------------------------------------------------------


@BOUNDED
@given(st.text(ANY_CHAR, max_size=200), st.integers(1, 20))
@example("发文字号", 1)  # a metadata answer: its citation is a header line, not a clause
def test_search_and_ask_accept_any_query(seed_bm25_index, query, k):
    result = seed_bm25_index.search(query, k=k)
    assert len(result.hits) <= k and (result.hits or result.message)
    assert [h.score for h in result.hits] == sorted((h.score for h in result.hits), reverse=True)
    answer = ask(seed_bm25_index, query, k=k)
    assert isinstance(answer.text, str) and answer.text
    for citation in answer.citations:
        doc = seed_bm25_index.document(citation.doc_id)
        assert doc.text[citation.start : citation.end] == citation.quote
        if citation.clause_id == f"{citation.doc_id}#文件信息":  # a metadata answer cites the header line it read
            assert citation.path == HEADER_PATH
            continue
        clause = seed_bm25_index.clause(citation.clause_id)
        assert clause.start <= citation.start <= citation.end <= clause.end
