"""The ``ipqa`` command line: a thin shell over the library. Each command parses, calls one function, prints."""

from __future__ import annotations

import json
import logging
import sys

import click


def echo_json(data) -> None:
    """JSON for scripts; Chinese stays readable."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log progress and diagnostics to stderr.")
@click.version_option(package_name="ipqa")
def main(verbose: bool) -> None:
    """ipqa: search and question answering over Chinese IP policy texts, with auditable citations."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")


# --- corpus commands (clauses, report) ---------------------------------------------------------------------

_CLAUSE_KEYS = ("clause_id", "label", "path", "text", "start", "end", "departments", "flags")


def _document_json(document, clauses) -> dict:
    from dataclasses import asdict

    head = {"doc_id": document.doc_id, "source": document.source, "sha256": document.sha256}
    head.update(asdict(document.meta), date=document.meta.date, flags=[f.to_dict() for f in document.flags])
    return {"document": head, "clauses": [{k: c.to_dict()[k] for k in _CLAUSE_KEYS} for c in clauses]}


def _echo_clause_tree(document, clauses) -> None:
    """Metadata, flags, then the clauses indented by path; headings without body text are printed once."""
    meta = document.meta
    click.echo(f"《{meta.title or document.doc_id}》  {document.doc_id}  sha256 {document.sha256[:12]}")
    fields = [("发布机关", meta.issuer), ("发文字号", meta.doc_number), ("日期", meta.date), ("地区", meta.region),
              ("层级", meta.level), ("类型", meta.doc_type), ("效力", meta.validity)]
    click.echo("  " + "  ".join(f"{k}: {v}" for k, v in fields if v) if any(v for _, v in fields) else "  (no metadata)")
    for flag in document.flags:
        click.echo(f"  ⚑ {flag.kind}: {flag.detail}")
    click.echo(f"{len(clauses)} clauses")
    shown: tuple[str, ...] = ()
    for c in clauses:
        for depth in range(len(c.path) - 1):  # enclosing headings not printed yet
            if shown[: depth + 1] != c.path[: depth + 1]:
                click.echo("  " * depth + c.path[depth])
        shown = c.path
        units = "".join(f"  {role}: {'、'.join(names)}" for role, names in
                        (("牵头", c.departments.lead), ("配合", c.departments.support)) if names)
        flags = "".join(f"  ⚑{f.kind}" for f in c.flags)
        snippet = c.text.replace("\n", " ")[:36]
        click.echo(f"{'  ' * (len(c.path) - 1)}{c.path[-1]}  [{c.clause_id}]{units}{flags}  {snippet}…")


@main.command("clauses")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the document and its clauses as one JSON object.")
@click.option("--max-chars", default=500, show_default=True, help="Split longer clauses at sentence boundaries.")
def clauses_command(file, as_json, max_chars):
    """Show how FILE splits into clauses: its metadata and flags, then the clause tree with units and flags."""
    from pathlib import Path

    from ipqa.clauses import split_clauses
    from ipqa.corpus import UnreadableFile, read_document

    path = Path(file)
    if not path.is_file():
        raise click.ClickException(f"{file}: no such file")
    try:
        document = read_document(path, path.parent)
    except UnreadableFile as exc:
        raise click.ClickException(f"cannot read {file}: {exc}") from None
    clauses = split_clauses(document, max_chars)
    if as_json:
        echo_json(_document_json(document, clauses))
    else:
        _echo_clause_tree(document, clauses)


@main.command("report")
@click.argument("dirs", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--json", "as_json", is_flag=True, help="Print the whole report (every document) as JSON.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1), help="Entries shown per list.")
def report_command(dirs, as_json, limit):
    """Data-quality report over corpus folders DIRS: documents read, files skipped with reasons, flagged
    documents (spam, boilerplate, missing title, excerpt …) and metadata completeness per field and document."""
    from pathlib import Path

    from ipqa.corpus import read_corpus
    from ipqa.report import build_report, format_report

    report = build_report(read_corpus([Path(d) for d in dirs]))
    click.echo(json.dumps(report, ensure_ascii=False, indent=2) if as_json else format_report(report, limit))



# --- index commands (build, search, info, eval) ------------------------------------------------------------

_index_option = click.option("--index", "index_dir", default="index", show_default=True, envvar="IPQA_INDEX",
                             type=click.Path(file_okay=False), help="Index folder (env IPQA_INDEX).")


def _open_index(index_dir: str):
    """The loaded index, or a ClickException naming the problem ("no index at index: run `ipqa build` first")."""
    from pathlib import Path

    from ipqa.index import Index, IndexLoadError

    try:
        return Index.load(Path(index_dir))
    except IndexLoadError as exc:
        raise click.ClickException(str(exc)) from None


def _bar(label: str):
    """A progress callback drawing one click progress bar per build stage on stderr."""
    bars: dict = {}

    def update(stage: str, done: int, total: int) -> None:
        if stage not in bars:
            for bar in bars.values():
                bar.render_finish()
            bars[stage] = click.progressbar(length=max(total, 1), label=f"{label} {stage}", file=sys.stderr)
        bars[stage].update(done - bars[stage].pos)

    def finish() -> None:
        for bar in bars.values():
            bar.render_finish()

    update.finish = finish
    return update


@main.command()
@click.argument("dirs", nargs=-1, type=click.Path(exists=True, file_okay=False))
@_index_option
@click.option("--model", default=None, envvar="IPQA_MODEL",
              help='Embedding model: hub name in the local cache or a local directory; "" turns semantic search off.')
def build(dirs, index_dir, model):
    """Index the documents under DIRS (default: corpus/) into the index folder, reusing unchanged clauses."""
    from pathlib import Path

    from ipqa.index import build_index
    from ipqa.settings import Settings

    roots = [Path(d) for d in dirs] or [Path("corpus")]
    missing = [str(r) for r in roots if not r.is_dir()]
    if missing:
        raise click.ClickException(f"no corpus folder at {', '.join(missing)}: pass the folder(s) holding the files")
    from ipqa.lock import BuildLocked

    settings = Settings() if model is None else Settings(model=model)
    progress = _bar("build")
    try:
        report = build_index(roots, Path(index_dir), settings, progress=progress)
    except BuildLocked as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        progress.finish()
    click.echo(f"Indexed {report.documents} documents, {report.clauses} clauses into {index_dir} "
               f"in {report.seconds:.1f} s (embeddings: {report.reused_embeddings} reused, {report.encoded} encoded).")
    if report.dense_status:
        click.echo(f"semantic search off: {report.dense_status}")
    for skipped in report.skipped:
        click.echo(f"skipped {skipped.path}: {skipped.reason}")


@main.command()
@click.argument("query")
@_index_option
@click.option("-k", default=10, show_default=True, type=click.IntRange(1, 1000), help="Clauses to return.")
@click.option("--region", default="", help="Only documents whose region contains this (e.g. 泰安市).")
@click.option("--level", default="", type=click.Choice(["", "national", "provincial", "municipal", "county"]))
@click.option("--issuer", default="", help="Only documents whose issuer contains this.")
@click.option("--doc-type", default="", help="Only this document type (通知, 规划, 办法 …).")
@click.option("--year-from", type=int, default=None, help="Only documents dated this year or later.")
@click.option("--year-to", type=int, default=None, help="Only documents dated this year or earlier.")
@click.option("--validity", default="", help="Only this validity (有效, 失效 …).")
@click.option("--doc", multiple=True, help="Only this doc_id (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the hits as JSON.")
def search(query, index_dir, k, region, level, issuer, doc_type, year_from, year_to, validity, doc, as_json):
    """Find the clauses that best match QUERY (BM25 and semantic search fused), with why each matched."""
    from ipqa.records import Filters

    index = _open_index(index_dir)
    filters = Filters(region=region, level=level, issuer=issuer, doc_type=doc_type, validity=validity,
                      year_from=year_from, year_to=year_to, doc_ids=tuple(doc))
    result = index.search(query, k=k, filters=filters)
    hits = [_hit_json(index, hit) for hit in result.hits]
    if as_json:
        echo_json({"query": result.query, "terms": list(result.terms), "notes": list(result.notes),
                   "message": result.message, "hits": hits})
        return
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    if result.message:
        click.echo(result.message)
    for n, hit in enumerate(hits, start=1):
        why = ", ".join(f"{name} #{r['rank']}" for name, r in hit["retrievers"].items())
        click.echo(f"{n}. 《{hit['title'] or hit['doc_id']}》{' › '.join(hit['path'])}  [{hit['score']:.4f}; {why}]")
        click.echo(f"   {hit['clause_id']}  chars {hit['start']}-{hit['end']}")
        click.echo("   " + " ".join(hit["text"].split())[:200])


def _hit_json(index, hit) -> dict:
    c = hit.clause
    doc = index.documents.get(c.doc_id)
    return {"clause_id": c.clause_id, "doc_id": c.doc_id, "title": doc.title if doc else "", "path": list(c.path),
            "text": c.text, "start": c.start, "end": c.end, "score": hit.score,
            "retrievers": {name: {"rank": r.rank, "score": r.score} for name, r in hit.retrievers.items()},
            "matched_terms": list(hit.matched_terms)}


@main.command()
@_index_option
@click.option("--corpus", "dirs", multiple=True, type=click.Path(file_okay=False),
              help="Corpus folder(s) to compare with (default: the folders the index was built from).")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def info(index_dir, dirs, as_json):
    """Show whether the index is fresh, stale or missing, its counts, model and semantic-search status."""
    from pathlib import Path

    from ipqa.index import index_state

    index = _open_index(index_dir)
    m = index.manifest
    roots = [Path(d) for d in dirs] or [Path(r) for r in m.get("roots", ["corpus"])]
    state, changed = index_state(roots, Path(index_dir))
    dense = m.get("dense", {})
    data = {"index": index_dir, "state": state, "changed_files": changed, "counts": m.get("counts", {}),
            "created": m.get("created"), "ipqa_version": m.get("ipqa_version"), "model": dense.get("model", ""),
            "dim": dense.get("dim"), "semantic_search": "on" if dense.get("status") == "on" else "off",
            "semantic_reason": dense.get("reason", ""), "tokenizer": m.get("tokenizer"),
            "roots": [str(r) for r in roots], "skipped": m.get("skipped", [])}
    if as_json:
        echo_json(data)
        return
    counts = data["counts"]
    click.echo(f"index {index_dir}: {state} against {', '.join(data['roots'])} (built {data['created']})")
    for path in changed:
        click.echo(f"  changed/added/removed: {path}")
    click.echo(f"documents {counts.get('documents', 0)}, clauses {counts.get('clauses', 0)}, "
               f"skipped files {counts.get('skipped', 0)}")
    semantic = f"on ({data['model']}, dim {data['dim']})" if data["semantic_search"] == "on" else \
        f"off: {data['semantic_reason']}"
    click.echo(f"semantic search {semantic}; tokenizer {data['tokenizer']}")


@main.command(name="eval")
@click.argument("qa_file", type=click.Path(exists=True, dir_okay=False))
@_index_option
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="Write one RUN line per question here.")
@click.option("-k", default=10, show_default=True, type=click.IntRange(1, 100), help="Hits kept per question.")
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
@click.option("--peer", is_flag=True, help="Also run the naive peer over the same corpus files, side by side.")
@click.option("--no-answers", is_flag=True, help="Retrieval figures only (skip ipqa.answer.ask).")
def eval_command(qa_file, index_dir, out, k, as_json, peer, no_answers):
    """Measure retrieval (hit@1/5/10, MRR@10, quote recall) and answer accuracy on a QA file."""
    from pathlib import Path

    from ipqa.evaluate import QAFileError, evaluate, read_questions

    try:
        questions = read_questions(Path(qa_file))
    except QAFileError as exc:
        raise click.ClickException(str(exc)) from None
    index = _open_index(index_dir)
    figures = {"ipqa": evaluate(index, questions, k=k, out=Path(out) if out else None,
                                with_answers=not no_answers)}
    if peer:
        from ipqa.naive import NaivePeer, evaluate_peer

        roots = [Path(r) for r in index.manifest.get("roots", [])]
        figures["naive peer"] = evaluate_peer(NaivePeer.from_roots(roots), questions)
    if as_json:
        echo_json(figures)
        return
    _print_figures(figures)


def _print_figures(figures: dict) -> None:
    names = list(figures)
    keys = ["hit@1", "hit@5", "hit@10", "mrr@10", "quote_recall@10", "answer_accuracy"]
    groups = ["overall"] + sorted(figures[names[0]]["by_type"])
    click.echo(f"{'':24}" + "".join(f"{n:>14}" for n in names))
    for group in groups:
        row = [figures[n]["overall"] if group == "overall" else figures[n]["by_type"].get(group, {}) for n in names]
        click.echo(f"{group} ({row[0].get('questions', 0)} questions)")
        for key in keys:
            cells = "".join(f"{r[key]:>14.3f}" if isinstance(r.get(key), float) else f"{'—':>14}" for r in row)
            click.echo(f"  {key:22}{cells}")


# --- answer commands (ask, verify, show) -------------------------------------------------------------------


def _load_index(path: str):
    """The index at ``path``, or a ClickException saying how to build one."""
    from ipqa.index import Index, IndexLoadError

    try:
        return Index.load(path)
    except IndexLoadError as exc:
        raise click.ClickException(f"{exc}\n(build one with: ipqa build CORPUS_DIR --index {path})") from exc


def _answer_filters(region, level, issuer, doc_type, validity, year_from, year_to, doc):
    from ipqa.records import Filters

    return Filters(region=region, level=level, issuer=issuer, doc_type=doc_type, validity=validity,
                   year_from=year_from, year_to=year_to, doc_ids=tuple(doc))


_INDEX_OPTION = click.option("--index", "index_path", default="index", show_default=True, envvar="IPQA_INDEX",
                             help="Index folder (env IPQA_INDEX).")


@main.command()
@click.argument("question")
@_INDEX_OPTION
@click.option("-k", default=10, show_default=True, type=click.IntRange(1, 100), help="Clauses to search.")
@click.option("--region", default="", help="Only documents whose region contains this (e.g. 泰安市).")
@click.option("--level", default="", type=click.Choice(["", "national", "provincial", "municipal", "county"]))
@click.option("--issuer", default="", help="Only documents whose issuer contains this.")
@click.option("--doc-type", default="", help="Only this document type (通知, 规划, 办法 …).")
@click.option("--validity", default="", help="Only this validity (有效, 失效 …).")
@click.option("--year-from", type=int, default=None, help="Only documents dated this year or later.")
@click.option("--year-to", type=int, default=None, help="Only documents dated this year or earlier.")
@click.option("--doc", multiple=True, help="Only this doc_id (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the answer, citations and hits as JSON.")
def ask(question, index_path, k, region, level, issuer, doc_type, validity, year_from, year_to, doc, as_json):
    """Answer QUESTION from the indexed clauses, with numbered verbatim citations."""
    from ipqa.answer import ask as answer_question
    from ipqa.outline import answer_dict, answer_text

    if not question.strip():
        raise click.ClickException("the question is empty: ask in a sentence, e.g. ipqa ask \"谁负责知识产权质押融资？\"")
    index = _load_index(index_path)
    filters = _answer_filters(region, level, issuer, doc_type, validity, year_from, year_to, doc)
    reply = answer_question(index, question, k=k, filters=filters)
    if as_json:
        echo_json(answer_dict(index, reply))
    else:
        click.echo(answer_text(reply))


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--index", "index_path", default=None, envvar="IPQA_INDEX",
              help="Index folder whose manifest says where the corpus is (else the citations' source paths).")
def verify(file, index_path):
    """Re-check every citation in FILE (an `ask --json` output or an `eval --out` run) against the source
    files: unchanged sha256 and the quote still at its span. Exit 1 naming each broken citation."""
    from pathlib import Path

    from ipqa.verify import VerifyInputError, load_citations, verify_citations

    try:
        report = verify_citations(load_citations(Path(file)), Path(index_path) if index_path else None)
    except VerifyInputError as exc:
        raise click.ClickException(str(exc)) from exc
    if not report.checked:
        click.echo(f"{file} holds no citations: nothing to verify.")
        return
    for problem in report.problems:
        click.echo(problem)
    if report.problems:
        click.echo(f"{len(report.problems)} of {report.checked} citations are stale or broken.", err=True)
        sys.exit(1)
    click.echo(f"All {report.checked} citations check out against their source files.")


@main.command()
@click.argument("item_id", metavar="ID")
@_INDEX_OPTION
@click.option("--context", default=1, show_default=True, type=click.IntRange(0, 50),
              help="Clauses shown before and after a clause.")
def show(item_id, index_path, context):
    """Show a document (metadata and clause outline) or a clause (path, units, flags and its neighbours)."""
    from ipqa.outline import UnknownId, describe

    try:
        click.echo(describe(_load_index(index_path), item_id, context))
    except UnknownId as exc:
        raise click.ClickException(str(exc)) from exc


if __name__ == "__main__":
    main()
