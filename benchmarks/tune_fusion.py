"""Tune the weight of the semantic retriever in RRF (``Settings.dense_weight``) for the model an index was built with.

    python -m benchmarks.tune_fusion --index IDX [--qa ../shared/data/lecoqa/train.jsonl ../shared/eval/seed_dev.jsonl]
        [--weights 0,0.25,0.5,0.75,1,1.5,2] [--write]

IDX must have its clause vectors complete (``ipqa info``). For each weight every question of each file is searched
(``Index.search``, k = 10) and hit@5 / MRR@10 printed; the chosen weight is the one with the best mean MRR@10 over
the files, ties to the smaller weight. Weight 0 is BM25 alone and is always in the grid, so a weak model is given
0: fused search then never ranks worse than BM25 on these questions. ``--write`` saves the weight in the index's
manifest; a rebuild with the same model keeps it (ipqa.index.reuse.keep_tuned_fusion).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
QA_FILES = (SHARED / "data" / "lecoqa" / "train.jsonl", SHARED / "eval" / "seed_dev.jsonl")
WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0)


def figures(index, questions) -> dict[str, float]:
    """hit@5 and MRR@10 of ``index.search`` over ``questions`` (the evaluation's relevance rule)."""
    from ipqa.evaluation.evaluate import judge

    hit5 = mrr = 0.0
    for q in questions:
        flags, _ = judge(q, [h.clause.text for h in index.search(q.question, k=10).hits])
        first = next((i for i, f in enumerate(flags, 1) if f), None)
        hit5 += bool(first and first <= 5)
        mrr += 1 / first if first else 0.0
    n = max(len(questions), 1)
    return {"hit@5": hit5 / n, "mrr@10": mrr / n}


def tune(index, sets: dict[str, list], weights=WEIGHTS) -> tuple[float, list[tuple[float, dict]]]:
    """(the chosen weight, [(weight, {file: figures})]) for an index whose semantic retriever serves."""
    base = index.settings
    table = []
    try:
        for w in sorted(set(weights) | {0.0}):
            index.settings = replace(base, dense_weight=w)
            table.append((w, {name: figures(index, qs) for name, qs in sets.items()}))
    finally:
        index.settings = base
    mean = {w: sum(r["mrr@10"] for r in res.values()) / len(res) for w, res in table}
    best = max(mean.values())
    return min(w for w in mean if mean[w] >= best - 1e-12), table


def main(argv: list[str] | None = None) -> int:
    from ipqa.evaluation.evaluate import read_questions
    from ipqa.index.manifest import read_manifest, write_manifest
    from ipqa.index.searcher import Index

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--index", type=Path, required=True)
    p.add_argument("--qa", type=Path, nargs="*", default=[f for f in QA_FILES if f.is_file()])
    p.add_argument("--weights", default=",".join(map(str, WEIGHTS)))
    p.add_argument("--write", action="store_true")
    args = p.parse_args(argv)
    index = Index.load(args.index)
    if index.dense_status:
        print(f"semantic search is off for this index ({index.dense_status}): nothing to tune", file=sys.stderr)
        return 2
    sets = {f.stem: read_questions(f) for f in args.qa}
    chosen, table = tune(index, sets, [float(x) for x in args.weights.split(",") if x.strip()])
    for w, res in table:
        print(f"dense_weight={w:<5} " + "  ".join(f"{n} {r['hit@5']:.3f}/{r['mrr@10']:.3f}" for n, r in res.items()))
    print(f"chosen dense_weight {chosen}")
    if args.write:
        manifest = read_manifest(args.index, verify=False)
        write_manifest(args.index, replace(manifest, settings=replace(manifest.settings, dense_weight=chosen)))
        print(f"saved in {args.index}/manifest.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
