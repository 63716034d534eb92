"""The seeds in the formats offices publish, read back: .doc, .wps (a renamed .doc), .odt, OFD and a scanned PDF
(LibreOffice → PDF → page images at 110 dpi → PDF), against the .txt they were made from.

    python -m benchmarks.bench_formats --work /tmp/formats            # all formats, seed_dev over each
    python -m benchmarks.bench_formats --work /tmp/formats --formats doc,odt --no-eval

Reported per format: the share of the .txt's clauses found (a clause of the format whose first 24 normalised
characters, whitespace removed, are the .txt clause's), for seed 004 and for all seeds; the share of seed 001's
items (clauses with a lead unit in the .txt) with the same lead units; for the scan, the character error rate
(Levenshtein distance over the .txt's length, both normalised and without whitespace) and OCR pages/s; and the
seed_dev figures (``ipqa eval``'s metrics) over a keyword index of the seeds in that format. OCR texts are kept
in ``WORK/ocr`` (IPQA_OCR_CACHE), so a second run reuses them; the conversion and OCR times are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import time
from pathlib import Path

from ipqa.corpus.decode import UnreadableFile
from tests.helpers.convert import libreoffice, scan, tools_problem
from tests.helpers.ofd import make_ofd
from tests.helpers.paths import CORPUS, SEED_DEV

FORMATS = ("txt", "doc", "wps", "odt", "ofd", "scan")
SUFFIX = {"txt": ".txt", "doc": ".doc", "wps": ".wps", "odt": ".odt", "ofd": ".ofd", "scan": ".pdf"}
PREFIX = 24
_WS = re.compile(r"\s+")


def squeeze(text: str) -> str:
    from ipqa.text import normalise

    return _WS.sub("", normalise(text))


def convert(seeds: list[Path], work: Path, formats: list[str]) -> dict[str, Path]:
    """work/<format>/ holding every seed in that format; returns format → folder."""
    folders = {f: work / f for f in formats}
    for fmt, folder in folders.items():
        if folder.is_dir() and len(list(folder.iterdir())) == len(seeds):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        began = time.perf_counter()
        if fmt == "txt":
            for s in seeds:
                shutil.copy(s, folder / s.name)
        elif fmt in ("doc", "odt"):
            libreoffice(seeds, fmt, folder)
        elif fmt == "wps":
            for doc in libreoffice(seeds, "doc", work / "_doc"):
                shutil.copy(doc, folder / f"{doc.stem}.wps")
        elif fmt == "ofd":
            for s in seeds:
                (folder / f"{s.stem}.ofd").write_bytes(make_ofd(s.read_text("utf-8").split("\n"), chars_per_line=36))
        elif fmt == "scan":
            for pdf in libreoffice(seeds, "pdf", work / "_pdf"):
                scan(pdf, folder / pdf.name)
        print(f"converted {len(seeds)} seeds to {fmt} in {time.perf_counter() - began:.1f} s")
    return folders


def clause_share(reference, candidate) -> float:
    """Share of the reference clauses whose first PREFIX squeezed characters start a candidate clause."""
    starts = {squeeze(c.text)[:PREFIX] for c in candidate}
    wanted = [squeeze(c.text)[:PREFIX] for c in reference]
    return sum(w in starts for w in wanted) / len(wanted) if wanted else 0.0


def same_leads(reference, candidate) -> tuple[int, int]:
    """(items with the same lead units, items with a lead unit) over the reference's clauses; units compared in
    simplified script (Tesseract's chi_sim model writes a traditional scan in simplified characters)."""
    by_start = {squeeze(c.text)[:PREFIX]: c for c in candidate}
    items = [c for c in reference if c.departments.lead]
    same = sum(
        1
        for c in items
        if (m := by_start.get(squeeze(c.text)[:PREFIX])) and _units(m.departments.lead) == _units(c.departments.lead)
    )
    return same, len(items)


def _units(units: tuple[str, ...]) -> tuple[str, ...]:
    from ipqa.text import to_simplified

    return tuple(to_simplified(u) for u in units)


def cer(reference: str, hypothesis: str) -> float:
    """Levenshtein distance / len(reference), over squeezed texts (one row of the table at a time)."""
    ref, hyp = squeeze(reference), squeeze(hypothesis)
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, start=1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, start=1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1] / max(len(ref), 1)


def read(folder: Path, stem: str, fmt: str):
    from ipqa.clauses.split import split_clauses
    from ipqa.corpus.reading import read_document

    doc = read_document(folder / f"{stem}{SUFFIX[fmt]}", folder)
    return doc, split_clauses(doc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True, help="folder for the converted seeds, indexes and OCR")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--questions", type=Path, default=SEED_DEV)
    parser.add_argument("--no-eval", action="store_true", help="skip the seed_dev indexes")
    args = parser.parse_args()
    formats = [f for f in args.formats.split(",") if f]
    if problem := tools_problem("soffice", *(["pdftoppm", "tesseract"] if "scan" in formats else [])):
        raise SystemExit(f"cannot convert the seeds: {problem}")
    args.work.mkdir(parents=True, exist_ok=True)
    os.environ["IPQA_OCR_CACHE"] = str(args.work / "ocr")
    seeds = sorted(CORPUS.glob("*.txt"))
    folders = convert(seeds, args.work, ["txt", *[f for f in formats if f != "txt"]])
    figures: dict[str, dict] = {}
    if "scan" in formats:
        figures["scan"] = run_ocr(folders["scan"], seeds)
    for fmt in formats:
        row = figures.setdefault(fmt, {})
        shares, texts = [], {}
        for s in seeds:
            ref_doc, ref = read(folders["txt"], s.stem, "txt")
            try:
                doc, got = read(folders[fmt], s.stem, fmt)
            except UnreadableFile as exc:  # a benchmark reports what fails and goes on
                row.setdefault("errors", []).append(f"{s.stem}: {exc}")
                continue
            shares.append(clause_share(ref, got))
            texts[s.stem] = (ref_doc, doc)
            if s.name.startswith("004"):
                row["clauses_004"] = round(shares[-1], 3)
            if s.name.startswith("001"):
                row["lead_001"] = "{}/{}".format(*same_leads(ref, got))
        row["clauses_all"] = round(sum(shares) / len(shares), 3) if shares else None
        if fmt == "scan":
            row["cer_004"] = next(round(cer(r.text, d.text), 4) for k, (r, d) in texts.items() if k.startswith("004"))
            row["cer_all"] = round(
                sum(cer(r.text, d.text) * len(squeeze(r.text)) for r, d in texts.values())
                / sum(len(squeeze(r.text)) for r, _ in texts.values()),
                4,
            )
        if not args.no_eval and args.questions.exists():
            row.update(evaluate(folders[fmt], args.work / f"index-{fmt}", args.questions))
        print(fmt, json.dumps(row, ensure_ascii=False))
    (args.work / "figures.json").write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    table(figures)


def run_ocr(folder: Path, seeds: list[Path]) -> dict:
    """OCR every scan not read yet (timed), as a build's OCR pass does."""
    from ipqa.corpus.reading import read_one
    from ipqa.corpus.scanned import is_pending
    from ipqa.index.ocr_pass import read_pending

    paths = [str(folder / f"{s.stem}.pdf") for s in seeds]
    paths = [p for p in paths if is_pending(getattr(read_one(Path(p), folder), "reason", ""))]  # not read yet
    report = read_pending(paths)
    if report.pages:
        print(f"OCR: {report.pages} pages in {report.seconds:.1f} s = {report.pages_per_second:.3f} pages/s")
        return {"ocr_pages": report.pages, "ocr_seconds": round(report.seconds, 1)}
    return {}


def evaluate(folder: Path, index_dir: Path, questions: Path) -> dict:
    from ipqa.evaluation.evaluate import evaluate as run
    from ipqa.evaluation.evaluate import read_questions
    from ipqa.index.build import build_index
    from ipqa.index.searcher import Index
    from ipqa.settings import Settings

    report = build_index([folder], index_dir, Settings(model=""), ocr=False)
    found = run(Index.load(index_dir), read_questions(questions), out=index_dir.parent / f"run-{folder.name}.jsonl")
    overall = found["overall"]
    keep = ("hit@5", "mrr@10", "answer_accuracy", "answerable_refused")
    return {"documents": report.documents, "clauses": report.clauses} | {k: round(overall[k], 3) for k in keep}


def table(figures: dict) -> None:
    cols = ("clauses_004", "clauses_all", "lead_001", "cer_004", "cer_all", "documents", "clauses", "hit@5")
    cols += ("mrr@10", "answer_accuracy", "answerable_refused")
    print("| format | " + " | ".join(cols) + " |")
    print("|---" * (len(cols) + 1) + "|")
    for fmt, row in figures.items():
        print(f"| {fmt} | " + " | ".join(str(row.get(c, "—")) for c in cols) + " |")


if __name__ == "__main__":
    main()
