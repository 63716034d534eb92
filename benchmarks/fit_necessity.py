"""Fit the term-necessity model (ipqa.answer.necessity) and write ipqa/data/necessity.json.

    python -m benchmarks.fit_necessity --index IDX ../shared/data/lecoqa/train.jsonl eval/everyday_calib.jsonl \\
        eval/everyday2.jsonl ../shared/eval/seed_dev.jsonl [--held-out eval/everyday2.jsonl] [--write]

IDX must hold every document the questions' gold clauses come from (seeds + lawrefbook for these files). For each
answerable question, each topic word (the words the answer gate weighs) is one example: does the gold clause hold
it, itself or as a thesaurus relative (ipqa.answer.gate.presence ≥ 0.5)? The gold text is the quoted article for
LeCoQA-style files (whole articles in ``relevant``) and the index clause that a quote lies in otherwise (the
evaluation's 24-character rule). A logistic regression on ipqa.answer.necessity.features is fitted with a small
L2 penalty; the AUC on the training words and on ``--held-out`` files (left out of the fit) is printed.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

from ipqa.answer import constraints, gate, pipeline
from ipqa.answer.analysis import analyse
from ipqa.answer.necessity import features
from ipqa.answer.spans import fold
from ipqa.evaluation.evaluate import is_relevant, read_questions
from ipqa.index.searcher import Index
from ipqa.retrieval.tokens import general_frequency
from ipqa.text import compact

OUT = Path(__file__).resolve().parent.parent / "ipqa" / "data" / "necessity.json"
L2 = 1.0


def gold_texts(index, question, clause_texts: list[tuple[object, str]]) -> list[str]:
    """The folded text of the clause(s) answering ``question``."""
    if all(len(q) > 40 and q.lstrip().startswith("第") for q in question.relevant):  # whole articles (LeCoQA)
        return [fold(q).text for q in question.relevant]
    out = []
    for quote in question.relevant:
        qc = compact(quote)
        for clause, cc in clause_texts:
            if is_relevant(cc, qc):
                doc = index.document(clause.doc_id)
                out.append(fold(f"{doc.meta.title} {clause.path_text} {clause.clean_text}").text)
                break
    return out


def examples(index, paths: list[Path]) -> list[tuple[list[float], bool]]:
    lexical = index.retrievers["bm25"].lexical
    rows = len(lexical)
    places = constraints.corpus_places(index)
    clause_texts = None
    out = []
    for path in paths:
        for q in read_questions(path):
            if not q.answerable or not q.relevant:
                continue
            if clause_texts is None and not all(len(r) > 40 and r.lstrip().startswith("第") for r in q.relevant):
                clause_texts = [(c, compact(c.text)) for c in index.clauses]
            golds = gold_texts(index, q, clause_texts or [])
            if not golds:
                continue
            analysis = analyse(q.question, places)
            terms = pipeline.query_terms(q.question)
            terms = pipeline.unglue(terms, golds) or terms
            for term in pipeline.topic_words(terms, analysis):
                x = features(gate._idf(lexical, term), rows, general_frequency(term), gate.is_ip_word(term), len(term))
                out.append((x, max(gate.presence(term, g) for g in golds) >= 0.5))
    return out


def fit(data: list[tuple[list[float], bool]]) -> np.ndarray:
    x = np.array([f for f, _ in data])
    y = np.array([label for _, label in data], dtype=float)

    def loss(w):
        p = 1 / (1 + np.exp(-(x @ w)))
        return -np.sum(y * np.log(p + 1e-9) + (1 - y) * np.log(1 - p + 1e-9)) + L2 * np.sum(w[1:] ** 2)

    return minimize(loss, np.zeros(x.shape[1]), method="L-BFGS-B").x


def auc(data: list[tuple[list[float], bool]], w: np.ndarray) -> float:
    s = np.array([f for f, _ in data]) @ w
    y = np.array([label for _, label in data])
    ranks = np.empty(len(s))
    ranks[np.argsort(s, kind="stable")] = np.arange(len(s))
    pos, neg = int(y.sum()), int(len(y) - y.sum())
    return float((ranks[y].sum() - pos * (pos - 1) / 2) / (pos * neg)) if pos and neg else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("qa", nargs="+", type=Path)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--held-out", type=Path, action="append", default=[])
    parser.add_argument("--write", action="store_true", help=f"write the coefficients to {OUT}")
    args = parser.parse_args()
    index = Index.load(args.index)
    train = [p for p in args.qa if p not in args.held_out]
    data = examples(index, train)
    w = fit(data)
    print(f"{len(data)} words from {', '.join(p.name for p in train)}: {np.mean([y for _, y in data]):.3f} present")
    print("coefficients", " ".join(f"{c:.3f}" for c in w))
    print(f"AUC on the training words {auc(data, w):.3f}")
    for path in args.held_out:
        held = examples(index, [path])
        print(f"AUC on {path.name} (held out, {len(held)} words) {auc(held, w):.3f}")
    if args.write:
        record = {
            "coefficients": [round(float(c), 4) for c in w],
            "fitted_on": [p.name for p in train],
            "index_rows": len(index.clauses),
            "command": "python -m benchmarks.fit_necessity --write --index IDX " + " ".join(str(p) for p in args.qa),
        }
        OUT.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
