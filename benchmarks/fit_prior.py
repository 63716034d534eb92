"""Fit the document prior (ipqa.retrieval.prior) and write ipqa/data/prior.json.

    python -m benchmarks.fit_prior --index IDX ../shared/data/lecoqa/train.jsonl ../shared/eval/seed_dev.jsonl \\
        eval/everyday_calib.jsonl eval/everyday2.jsonl [--folds 2] [--write]

IDX: an index of seeds + lawrefbook built with ``--model ""`` (the gold clauses of every file must be in it). Two
steps, each on the calibration files only (never eval/everyday_test.jsonl):

1. Family weights: the rate at which each family's clauses are gold clauses, against the rate over all clauses
   (each file weighs the same, each question the same within its file, spread over its gold clauses), as a
   log ratio shrunk toward 0 by ``SHRINK`` pseudo-clauses and clipped to ±``CLIP``.
2. Two scales: λ for the family log ratios and μ for ln(1 + citing documents), by grid search for the best mean
   MRR@10 over the two kinds of question (LeCoQA-style files, whose gold are whole articles, and policy files,
   whose gold are quotes: each kind weighs the same, each file the same within its kind), re-ordering the top ``Settings.depth`` BM25 candidates
   exactly as the searcher does (ipqa.retrieval.prior.rerank).

``--folds K`` also prints each file's figures when LeCoQA's questions are split into K folds and each fold is
ranked with weights fitted without it: how much of the gain is fit.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import random
import sys
from pathlib import Path

import numpy as np

from benchmarks.tune_bm25 import Study, judge, top
from ipqa.evaluation.evaluate import PREFIX, read_questions
from ipqa.index.searcher import Index
from ipqa.retrieval import prior

OUT = Path(__file__).resolve().parent.parent / "ipqa" / "data" / "prior.json"
SHRINK = 2000.0  # pseudo-clauses at the overall rate added to every family
CLIP = 3.0
LAMBDAS = (0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0)
MUS = (0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0)


class Gold:
    """Rows relevant to a quote under the evaluation's rule (24-character prefix either way), found fast."""

    def __init__(self, study: Study) -> None:
        self.study = study
        comp = [study.compact(r) for r in range(len(study.texts))]
        self.by_prefix: dict[str, list[int]] = {}
        for row, text in enumerate(comp):
            self.by_prefix.setdefault(text[:PREFIX], []).append(row)
        self.joined = "\x00".join(comp)
        self.starts = list(itertools.accumulate((len(t) + 1 for t in comp[:-1]), initial=0))

    def rows(self, quote: str) -> set[int]:
        from ipqa.text import compact

        q = compact(quote)
        found = set()
        for i in range(max(len(q) - PREFIX + 1, 1)):  # a clause whose opening lies inside the quote
            found.update(r for r in self.by_prefix.get(q[i : i + PREFIX], ()) if self.study.compact(r)[:PREFIX] in q)
        head, at = q[:PREFIX], self.joined.find(q[:PREFIX])
        while head and at >= 0:  # the quote's opening inside a clause
            found.add(bisect.bisect_right(self.starts, at) - 1)
            at = self.joined.find(head, at + 1)
        return found


def family_log_ratios(study: Study, families: np.ndarray, names: list[str], golds: dict[str, list[set[int]]]):
    clauses = np.bincount(families, minlength=len(names)).astype(float)
    mass = np.zeros(len(names))
    for rows_per_question in golds.values():
        answered = [r for r in rows_per_question if r]
        for rows in answered:
            for r in rows:
                mass[families[r]] += 1.0 / (len(rows) * len(answered) * len(golds))
    base = mass.sum() / clauses.sum()
    rate = (mass + SHRINK * base) / (clauses + SHRINK)
    return np.clip(np.log(rate / base), -CLIP, CLIP), clauses, mass


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--index", type=Path, required=True)
    p.add_argument("qa", type=Path, nargs="+")
    p.add_argument("--folds", type=int, default=0)
    p.add_argument("--write", action="store_true")
    args = p.parse_args(argv)

    study = Study(args.index)
    index = Index.load(args.index)
    citing = prior.citing_documents(index.documents.values())
    names = sorted({prior.family(d.meta) for d in index.documents.values()})
    fam_of_doc = {d: names.index(prior.family(doc.meta)) for d, doc in index.documents.items()}
    families = np.asarray([fam_of_doc[c.doc_id] for c in index.clauses], dtype=np.int64)
    cites = np.log1p(np.asarray([citing[c.doc_id] for c in index.clauses], dtype=np.float64))
    sets = {f.stem: [q for q in read_questions(f) if q.relevant] for f in args.qa}
    articles = {  # a LeCoQA-style file: (nearly) every gold is a whole article
        n: np.mean([len(r) > 40 and r.lstrip().startswith("第") for q in qs for r in q.relevant]) > 0.8
        for n, qs in sets.items()
    }
    gold = Gold(study)
    golds = {n: [set().union(*(gold.rows(r) for r in q.relevant)) for q in qs] for n, qs in sets.items()}
    print(
        f"# {len(index.clauses)} clauses; gold found for "
        + ", ".join(f"{n} {sum(map(bool, g))}/{len(g)}" for n, g in golds.items()),
        file=sys.stderr,
    )

    mat = study.matrix("clause", study.k1, study.b)
    expansion = index.settings.query_expansion
    depth = index.settings.depth
    candidates = {}
    for n, qs in sets.items():  # each question's top-depth BM25 rows and scores, computed once
        q = study.queries(qs, expansion)
        out = []
        for lo in range(0, q.shape[1], 128):
            s = (mat @ q[:, lo : lo + 128]).toarray()
            for j in range(s.shape[1]):
                rows = top(s[:, j], depth)
                out.append((rows, s[rows, j]))
        candidates[n] = out

    def ranked(name, idx, log_ratio, lam, mu):
        out = []
        for i in idx:
            rows, scores = candidates[name][i]
            boosted = scores + lam * log_ratio[families[rows]] + mu * cites[rows]
            out.append([int(r) for r in rows[np.lexsort((np.arange(len(rows)), -boosted))][:10]])
        return out

    def figures(log_ratio, lam, mu, which=None):
        res = {}
        for n, qs in sets.items():
            idx = range(len(qs)) if which is None or n not in which else which[n]
            res[n] = judge(study, [qs[i] for i in idx], ranked(n, idx, log_ratio, lam, mu))
        return res

    def best(golds_fit):
        log_ratio, clauses, mass = family_log_ratios(study, families, names, golds_fit)
        grid = []
        for lam, mu in itertools.product(LAMBDAS, MUS):
            res = figures(log_ratio, lam, mu)
            kinds = [[r["mrr@10"] for n, r in res.items() if articles[n] == k] for k in (True, False)]
            grid.append((np.mean([np.mean(k) for k in kinds if k]), lam, mu, res))
        return log_ratio, clauses, mass, grid

    log_ratio, clauses, mass, grid = best(golds)
    for f, name in enumerate(names):
        print(f"family {name:6} clauses {int(clauses[f]):7d}  gold mass {mass[f]:.3f}  log ratio {log_ratio[f]:+.2f}")
    for score, lam, mu, res in sorted(grid, key=lambda g: (g[1], g[2])):
        line = "  ".join(f"{n} {r['hit@5']:.3f}/{r['mrr@10']:.3f}" for n, r in res.items())
        print(f"λ={lam:<4} μ={mu:<4} objective {score:.4f}  {line}")
    score, lam, mu, res = max(grid, key=lambda g: (round(g[0], 4), -g[1] - g[2]))
    print(f"chosen λ={lam} μ={mu}: objective (mean MRR@10 of the two kinds) {score:.4f}")

    if args.folds:
        leco = next((n for n in sets if "train" in n or "lecoqa" in n), None)
        if leco:
            order = list(range(len(sets[leco])))
            random.Random(0).shuffle(order)
            folds = [order[k :: args.folds] for k in range(args.folds)]
            held = {n: {"hit@5": 0.0, "mrr@10": 0.0} for n in [leco]}
            for k, fold in enumerate(folds):
                keep = set(range(len(order))) - set(fold)
                g_fit = dict(golds)
                g_fit[leco] = [golds[leco][i] for i in sorted(keep)]
                lr, _, _, grid_k = best(g_fit)
                _, lam_k, mu_k, _ = max(grid_k, key=lambda g: (round(g[0], 4), -g[1] - g[2]))
                r = figures(lr, lam_k, mu_k, {leco: fold})[leco]
                print(f"fold {k}: λ={lam_k} μ={mu_k} held-out {leco} {r['hit@5']:.3f}/{r['mrr@10']:.3f}")
                for key in held[leco]:
                    held[leco][key] += r[key] * len(fold) / len(order)
            print(f"{args.folds}-fold held-out {leco}: {held[leco]['hit@5']:.3f}/{held[leco]['mrr@10']:.3f}")

    if args.write:
        record = {
            "families": {name: round(float(lam * log_ratio[f]), 4) for f, name in enumerate(names)},
            "citation": float(mu),
            "fitted_on": [str(f) for f in args.qa],
            "figures": {n: {"hit@5": round(r["hit@5"], 3), "mrr@10": round(r["mrr@10"], 3)} for n, r in res.items()},
            "command": "python -m benchmarks.fit_prior --index IDX " + " ".join(str(f) for f in args.qa) + " --write",
        }
        OUT.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
