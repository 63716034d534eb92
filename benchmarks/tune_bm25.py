"""The BM25 parameter study, reproducible in minutes: scores every setting from an index's stored token lists
with numpy/scipy instead of rebuilding the index per setting.

    python -m benchmarks.tune_bm25 --index IDX [--k1 1.2,1.5] [--b 0.5,0.75] [--expand 0,0.2]
        [--expand-mode words] [--header 0,0.3] [--doc 0,0.3] [--doc-avgdl 0,0.5] [--qa FILE ...] [--ranks]

IDX is an index built with ``--model ""`` over corpus/ + ../shared/data/lawrefbook (``ipqa build``). For every
combination it prints hit@5 and MRR@10 on each QA file (default: seed_dev and LeCoQA train), judged with the
quote rule of :mod:`ipqa.evaluation.evaluate`. Levers:

- ``k1``, ``b``: Okapi BM25 as in :mod:`ipqa.retrieval.lexical` (same idf, same tie order), so ``--expand 0 --header 0
  --doc 0`` at the index's k1/b reproduces ``ipqa eval``.
- ``expand``: weight of the thesaurus expansion terms of :mod:`ipqa.retrieval.expansion` (0 = off), their tokens cut in
  ``--expand-mode`` (default: ipqa.retrieval.expansion.EXPANSION_MODE).
- ``doc-avgdl``: α, length normalisation against the clause's own document's average clause length
  (geometric blend with the collection average; 0 = plain BM25).
- ``header``: BM25F-like header boost, ``score + w · BM25(query, short title + clause path)``.
- ``doc``: RRF of the clause ranking with a document-level BM25 ranking (a clause inherits its document's
  rank), ``1/(60 + r_clause) + w/(60 + r_doc)``.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

import numpy as np
from scipy import sparse

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
QA_FILES = (SHARED / "eval" / "seed_dev.jsonl", SHARED / "data" / "lecoqa" / "train.jsonl")
DEPTH = 100  # candidates per ranking before fusing, as Settings.depth


def bm25_matrix(
    ids: np.ndarray, rows: np.ndarray, n_rows: int, n_vocab: int, k1: float, b: float, avgdl: np.ndarray | None = None
):
    """(rows × vocab) CSR matrix of per-term BM25 contributions, token ``ids[i]`` belonging to row ``rows[i]``:
    the formula of ipqa.retrieval.lexical.Lexical.build_from_ids. ``avgdl`` (per row) replaces the collection's average
    length in the length normalisation."""
    lengths = np.bincount(rows, minlength=n_rows)
    avgdl = np.full(n_rows, max(lengths.mean(), 1e-9)) if avgdl is None else avgdl
    pairs, tf = np.unique(ids.astype(np.int64) * n_rows + rows, return_counts=True)
    token, row = pairs // n_rows, pairs % n_rows
    df = np.bincount(token, minlength=n_vocab)
    idf = np.log1p((n_rows - df + 0.5) / (df + 0.5))
    norm = k1 * (1 - b + b * lengths[row] / avgdl[row])
    data = (idf[token] * tf * (k1 + 1) / (tf + norm)).astype(np.float32)
    return sparse.csr_matrix((data, (row, token)), shape=(n_rows, n_vocab))


class Study:
    """Token lists of an index plus what judging and the extra fields need, loaded once."""

    def __init__(self, index_dir: Path) -> None:
        from ipqa.index import store
        from ipqa.retrieval.tokens import tokenize_normalised
        from ipqa.text import normalise

        settings, titles, clauses = _records(index_dir)
        self.k1, self.b, self.mode = settings["bm25_k1"], settings["bm25_b"], settings["tokenizer"]
        self.vocab, self.ids, self.offsets = store.load_tokens(index_dir)
        self.index = {t: i for i, t in enumerate(self.vocab)}
        self.texts, doc_of_row, header_ids = [], [], {}
        header_rows: list[list[int]] = []
        for doc_id, path, text in clauses:
            self.texts.append(text)
            doc_of_row.append(doc_id)
            header = normalise(f"{titles.get(doc_id, '')} {' › '.join(path)}")
            if header not in header_ids:  # headers repeat across a document's clauses: tokenize each once
                header_ids[header] = [
                    self.index.setdefault(t, len(self.index)) for t in tokenize_normalised(header, self.mode)
                ]
            header_rows.append(header_ids[header])
        docs = {d: i for i, d in enumerate(dict.fromkeys(doc_of_row))}
        self.doc_of_row = np.asarray([docs[d] for d in doc_of_row], dtype=np.int64)
        self.n_docs = len(docs)
        self.n_vocab = len(self.index)
        self.header_ids = np.asarray([t for h in header_rows for t in h], dtype=np.int64)
        self.header_offsets = np.zeros(len(header_rows) + 1, dtype=np.int64)
        self.header_offsets[1:] = np.cumsum([len(h) for h in header_rows])
        self.row_of_token = np.repeat(np.arange(len(self.texts), dtype=np.int64), np.diff(self.offsets))
        self.row_of_header_token = np.repeat(np.arange(len(self.texts), dtype=np.int64), np.diff(self.header_offsets))
        self._compact: dict[int, str] = {}
        self.query_set = False  # count each distinct query token once (Lexical.scores counts repeats again)

    def matrix(self, field: str, k1: float, b: float, doc_avgdl: float = 0.0) -> sparse.csr_matrix:
        """BM25 over one field: "clause" (the indexed text), "header" (title + path) or "doc" (a document's
        clauses concatenated). ``doc_avgdl`` = α moves the clause field's reference length from the collection
        average (α = 0) toward the average clause length of the clause's own document (α = 1), geometrically."""
        n = len(self.texts)
        if field == "clause":
            avgdl = None
            if doc_avgdl:
                lengths = np.diff(self.offsets).astype(np.float64)
                per_doc = np.bincount(self.doc_of_row, lengths) / np.bincount(self.doc_of_row)
                avgdl = np.exp(
                    doc_avgdl * np.log(np.maximum(per_doc[self.doc_of_row], 1.0))
                    + (1 - doc_avgdl) * np.log(max(lengths.mean(), 1.0))
                )
            return bm25_matrix(self.ids, self.row_of_token, n, self.n_vocab, k1, b, avgdl)
        if field == "header":
            return bm25_matrix(self.header_ids, self.row_of_header_token, n, self.n_vocab, k1, b)
        return bm25_matrix(self.ids, self.doc_of_row[self.row_of_token], self.n_docs, self.n_vocab, k1, b)

    def queries(self, questions, expand_weight: float, expand_mode: str = "") -> sparse.csc_matrix:
        """(vocab × questions) weights: each original token counts once per occurrence (as Lexical.scores),
        expansion tokens with their weight scaled by ``expand_weight``."""
        from ipqa.retrieval.expansion import EXPANSION_MODE, expand
        from ipqa.retrieval.tokens import tokenize

        rows, cols, vals = [], [], []
        for j, q in enumerate(questions):
            tokens = tokenize(q.question, self.mode)
            terms = [(t, 1.0) for t in (dict.fromkeys(tokens) if self.query_set else tokens)]
            if expand_weight:
                terms += [(t, w * expand_weight) for t, w in expand(q.question, expand_mode or EXPANSION_MODE, 1.0)]
            for t, w in terms:
                if t in self.index:
                    rows.append(self.index[t])
                    cols.append(j)
                    vals.append(w)
        return sparse.csc_matrix((vals, (rows, cols)), shape=(self.n_vocab, len(questions)), dtype=np.float32)

    def compact(self, row: int) -> str:
        from ipqa.text import compact

        if row not in self._compact:
            self._compact[row] = compact(self.texts[row])
        return self._compact[row]


def _records(index_dir: Path) -> tuple[dict, dict[str, str], list[tuple[str, tuple[str, ...], str]]]:
    """(build settings, doc_id → header title, per row (doc_id, path, text)), read through the Index contract."""
    from ipqa.index.searcher import Index

    ix = Index.load(index_dir)
    titles = {d.doc_id: d.meta.short_title or d.meta.title for d in ix.documents.values()}
    return ix.settings.to_dict(), titles, [(c.doc_id, c.path, c.text) for c in ix.clauses]


def top(scores: np.ndarray, k: int) -> np.ndarray:
    """Rows with a positive score, best first, ties by row (Lexical.search's order)."""
    positive = np.flatnonzero(scores > 0)
    if positive.size > k:
        positive = positive[np.argpartition(-scores[positive], k - 1)[:k]]
    return positive[np.lexsort((positive, -scores[positive]))]


def rankings(
    study: Study, questions, mats: dict, expand_w: float, header_w: float, doc_w: float, expand_mode: str = ""
) -> list[list[int]]:
    """The top 10 rows per question under one configuration."""
    q = study.queries(questions, expand_w, expand_mode)
    out = []
    for lo in range(0, q.shape[1], 64):
        block = q[:, lo : lo + 64]
        scores = (mats["clause"] @ block).toarray()
        if header_w:
            scores += header_w * (mats["header"] @ block).toarray()
        doc_scores = (mats["doc"] @ block).toarray() if doc_w else None
        for j in range(scores.shape[1]):
            rows = top(scores[:, j], DEPTH if doc_w else 10)
            if doc_w:
                rows = fuse_documents(study, rows, top(doc_scores[:, j], DEPTH), doc_w)
            out.append([int(r) for r in rows[:10]])
    return out


def fuse_documents(study: Study, rows: np.ndarray, docs: np.ndarray, weight: float, k: int = 60) -> np.ndarray:
    """RRF of the clause ranking with its documents' ranks in the document ranking (absent: no doc term)."""
    doc_rank = {int(d): r for r, d in enumerate(docs, start=1)}
    fused = []
    for r, row in enumerate(rows, start=1):
        dr = doc_rank.get(int(study.doc_of_row[row]))
        fused.append((-(1 / (k + r) + (weight / (k + dr) if dr else 0.0)), r, int(row)))
    return np.asarray([row for _, _, row in sorted(fused)], dtype=np.int64)


def judge(study: Study, questions, ranked: list[list[int]]) -> dict:
    from ipqa.evaluation.evaluate import is_relevant
    from ipqa.text import compact

    ranks = {}
    for q, rows in zip(questions, ranked):
        quotes = [compact(x) for x in q.relevant]
        ranks[q.id] = next(
            (i for i, r in enumerate(rows, 1) if any(is_relevant(study.compact(r), x) for x in quotes)), None
        )
    n = len(questions)
    return {
        "hit@5": sum(r is not None and r <= 5 for r in ranks.values()) / n,
        "mrr@10": sum(1 / r for r in ranks.values() if r) / n,
        "ranks": ranks,
    }


def floats(text: str) -> list[float]:
    return [float(x) for x in text.split(",") if x.strip()]


def main(argv: list[str] | None = None) -> int:
    from ipqa.evaluation.evaluate import read_questions
    from ipqa.jsonio import dumps

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--index", type=Path, required=True)
    p.add_argument("--qa", type=Path, nargs="*", default=[f for f in QA_FILES if f.is_file()])
    p.add_argument("--k1", type=floats, default=None, help="comma-separated (default: the index's)")
    p.add_argument("--b", type=floats, default=None)
    p.add_argument("--expand", type=floats, default=[0.0])
    p.add_argument("--header", type=floats, default=[0.0])
    p.add_argument("--doc", type=floats, default=[0.0])
    p.add_argument(
        "--doc-avgdl",
        type=floats,
        default=[0.0],
        help="α: length normalised against the document's own average clause length (0 = collection)",
    )
    p.add_argument("--query-set", action="store_true", help="count a repeated query token once")
    p.add_argument("--header-b", type=float, default=0.75, help="b of the header field (its k1 is the clause k1)")
    p.add_argument(
        "--expand-mode",
        default="",
        help="tokenizer mode for expansion terms (default: ipqa.retrieval.expansion.EXPANSION_MODE)",
    )
    p.add_argument("--json", action="store_true", help="one JSON line per configuration")
    p.add_argument("--ranks", action="store_true", help="also print each question's first relevant rank (small sets)")
    args = p.parse_args(argv)
    began = time.perf_counter()
    study = Study(args.index)
    study.query_set = args.query_set
    sets = {f.stem: read_questions(f) for f in args.qa}
    print(
        f"# loaded {len(study.texts)} clauses, {study.n_docs} documents in {time.perf_counter() - began:.0f} s",
        file=sys.stderr,
    )
    for k1, b, a in itertools.product(args.k1 or [study.k1], args.b or [study.b], args.doc_avgdl):
        mats = {"clause": study.matrix("clause", k1, b, a)}
        if any(args.header):
            mats["header"] = study.matrix("header", k1, args.header_b)
        if any(args.doc):
            mats["doc"] = study.matrix("doc", k1, b)
        for e, h, d in itertools.product(args.expand, args.header, args.doc):
            row = {"k1": k1, "b": b, "doc_avgdl": a, "expand": e, "header": h, "doc": d}
            for name, qs in sets.items():
                m = judge(study, qs, rankings(study, qs, mats, e, h, d, args.expand_mode))
                ranks = m.pop("ranks")
                row[name] = {key: round(v, 3) for key, v in m.items()}
                if args.ranks and len(ranks) <= 50:
                    row[name]["ranks"] = ranks
            if args.json:
                print(dumps(row), flush=True)
            else:
                figures = "  ".join(
                    f"{n} {r['hit@5']:.3f}/{r['mrr@10']:.3f}" for n, r in row.items() if isinstance(r, dict)
                )
                ranks = {n: r["ranks"] for n, r in row.items() if isinstance(r, dict) and "ranks" in r}
                figures += "".join(f"\n    {n} ranks: {r}" for n, r in ranks.items())
                print(
                    f"k1={k1:<4} b={b:<5} doc_avgdl={a:<4} expand={e:<4} header={h:<4} doc={d:<4} {figures}", flush=True
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
