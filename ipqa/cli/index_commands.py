"""Index commands: build, search, info, eval."""

from __future__ import annotations

import sys

import click

from ipqa.cli import main
from ipqa.cli.common import echo_json, filter_options, filters_from, index_option, open_index


def _bar(label: str):
    """A progress callback drawing one click progress bar per build stage on stderr."""
    bars: dict = {}

    def update(stage: str, done: int, total: int) -> None:
        if stage not in bars:
            for bar in bars.values():
                bar.render_finish()
            from ipqa.views.labels import BUILD_STAGES

            step = BUILD_STAGES.get(stage, stage)
            bars[stage] = click.progressbar(length=max(total, 1), label=f"{label}：{step}", file=sys.stderr)
        bars[stage].update(done - bars[stage].pos)

    def finish() -> None:
        for bar in bars.values():
            bar.render_finish()

    update.finish = finish
    return update


@main.command()
@click.argument("dirs", nargs=-1, type=click.Path(exists=True, file_okay=False))
@index_option
@click.option(
    "--model",
    default=None,
    envvar="IPQA_MODEL",
    help='Embedding model: hub name (fetched into models/ or in the local cache) or a local directory; "" turns '
    "semantic search off.",
)
@click.option(
    "--no-embed",
    is_flag=True,
    help="Swap the keyword index in and stop; compute the clause vectors later with `ipqa embed`.",
)
@click.option(
    "--no-ocr",
    is_flag=True,
    help="Leave scanned PDFs pending instead of reading them by OCR after the keyword index is swapped in.",
)
@click.option(
    "--outside-links",
    is_flag=True,
    help="Also read files and folders that links in the corpus point to outside the corpus folders.",
)
@click.option(
    "--engine",
    default="files",
    envvar="IPQA_ENGINE",
    show_default=True,
    help="Where the keyword index lives: files (the index folder), milvus://PATH.db (milvus-lite, one process) or "
    "milvus://HOST:PORT (a Milvus server; token in IPQA_MILVUS_TOKEN).",
)
@click.option("--milvus-collection", default="ipqa", show_default=True, help="The Milvus collection to use.")
def build(dirs, index_dir, model, no_embed, no_ocr, outside_links, engine, milvus_collection):
    """Index the documents under DIRS (default: corpus/) into the index folder, reusing unchanged clauses.
    Keyword search serves as soon as the index is swapped in; missing clause vectors are computed after that,
    in checkpointed chunks (an interrupted run is resumed by `ipqa embed`)."""
    from pathlib import Path

    from ipqa.index.searcher import build_index
    from ipqa.settings import Settings

    roots = [Path(d) for d in dirs] or [Path("corpus")]
    missing = [str(r) for r in roots if not r.is_dir()]
    if missing:
        raise click.ClickException(f"语料文件夹不存在：{'、'.join(missing)}。请给出存放文件的文件夹")
    from ipqa.index.faults import IndexWriteError
    from ipqa.index.lock import BuildLocked

    settings = Settings(outside_links=outside_links, **({} if model is None else {"model": model}))
    if engine not in ("", "files"):
        from ipqa.retrieval.milvus_store import parse_engine

        try:  # a milvus-lite path is saved absolute, so a query from another folder finds the same file
            engine = parse_engine(engine, milvus_collection).canonical()
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
    from ipqa.retrieval.milvus_store import MilvusUnavailable

    settings = settings.with_engine(engine, milvus_collection)
    progress = _bar("建立索引")
    try:
        report = build_index(roots, Path(index_dir), settings, progress=progress, embed=not no_embed, ocr=not no_ocr)
    except (BuildLocked, IndexWriteError, MilvusUnavailable) as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        progress.finish()
    from ipqa.views.findings import UNKNOWN_REASON, skip_reason

    click.echo(
        f"已建立索引 {index_dir}：{report.documents} 个文件，{report.clauses} 个条款，用时 {report.seconds:.1f} 秒"
        f"（条款向量：复用 {report.reused_embeddings} 个，新计算 {report.encoded} 个）。"
    )
    if report.ocr:
        done = report.ocr
        click.echo(
            f"文字识别（OCR）：{done.scans} 个扫描件，共 {done.pages} 页，用时 {done.seconds:.1f} 秒"
            f"（每秒 {done.pages_per_second:.3f} 页）。"
        )
    if report.dense_status:
        click.echo(f"语义检索未开启：{report.dense_status}")
    for skipped in report.skipped:
        # in Chinese when known, with the reader's own words: whoever builds may need them (no admin view here)
        said = skip_reason(skipped.reason)
        known = said not in (skipped.reason, UNKNOWN_REASON)
        click.echo(f"未能读取 {skipped.path}：" + (f"{said}（{skipped.reason}）" if known else skipped.reason))


@main.command()
@click.argument("query")
@index_option
@click.option("-k", default=10, show_default=True, type=click.IntRange(1, 1000), help="Clauses to return.")
@filter_options
@click.option("--json", "as_json", is_flag=True, help="Print the hits as JSON.")
def search(query, index_dir, k, region, level, issuer, doc_type, year_from, year_to, validity, doc, as_json):
    """Find the clauses that best match QUERY (BM25 and semantic search fused), with why each matched."""
    index = open_index(index_dir)
    filters = filters_from(region, level, issuer, doc_type, year_from, year_to, validity, doc)
    result = index.search(query, k=k, filters=filters)
    from ipqa.records import display_title
    from ipqa.views.terminal import search_dict

    data = search_dict(index, result)
    if as_json:
        echo_json(data)
        return
    hits = data["hits"]
    from ipqa.retrieval.registry import label_of
    from ipqa.views.terminal import cli_note

    for note in result.notes:
        if text := cli_note(note):
            click.echo(f"注意：{text}", err=True)
    if result.message:
        from ipqa.views.findings import message_text

        click.echo(message_text(result.message))
    for n, hit in enumerate(hits, start=1):
        why = "、".join(f"{label_of(name)}第{r['rank']}名" for name, r in hit["retrievers"].items())
        title = display_title(hit["doc_id"], hit["title"])
        click.echo(f"{n}. 《{title}》{' › '.join(hit['path'])}  [{hit['score']:.4f}；{why}]")
        click.echo(f"   {hit['clause_id']}  字符 {hit['start']}-{hit['end']}")
        click.echo("   " + " ".join(hit["text"].split())[:200])


@main.command()
@index_option
def embed(index_dir):
    """Compute the clause vectors an index is still waiting for (resuming where an interrupted run stopped);
    search turns hybrid when they are complete."""
    from pathlib import Path

    from ipqa.index.embed import embed_pending
    from ipqa.index.lock import BuildLocked
    from ipqa.index.store import IndexLoadError
    from ipqa.retrieval.milvus_store import MilvusUnavailable

    progress = _bar("计算语义向量")
    try:
        report = embed_pending(Path(index_dir), progress=progress, wait=None)
    except (IndexLoadError, BuildLocked, MilvusUnavailable) as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:  # disk full or a read-only folder while writing the vectors' checkpoints
        from ipqa.index.faults import write_error

        raise click.ClickException(str(write_error(exc, Path(index_dir)))) from None
    finally:
        progress.finish()
    if report.status.on:
        click.echo(f"语义检索已开启：本次计算 {report.encoded} 个条款向量，复用 {report.reused} 个。")
    else:
        click.echo(f"语义检索未开启：{report.status.reason}")


@main.command()
@index_option
@click.option(
    "--corpus",
    "dirs",
    multiple=True,
    type=click.Path(file_okay=False),
    help="Corpus folder(s) to compare with (default: the folders the index was built from).",
)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def info(index_dir, dirs, as_json):
    """Show whether the index is fresh, stale or missing, its counts, model and semantic-search status."""
    from pathlib import Path

    from ipqa.index.state import index_state
    from ipqa.views.terminal import index_dict

    index = open_index(index_dir)
    m = index.manifest
    roots = [Path(d) for d in dirs] or [Path(r) for r in m.roots or ["corpus"]]
    state, changed = index_state(roots, Path(index_dir))
    statuses = index.statuses()
    data = {
        "index": index_dir,
        "state": state,
        "changed_files": changed,
        **index_dict(index),
        "roots": [str(r) for r in roots],
    }
    if as_json:
        echo_json(data)
        return
    counts = data["counts"]
    from ipqa.retrieval.registry import label_of
    from ipqa.views.labels import STATE_LABELS

    folders = "、".join(data["roots"])
    click.echo(
        f"索引 {index_dir}：{STATE_LABELS.get(state, state)}（{state}；语料 {folders}；建立于 {data['created']}）"
    )
    for path in changed:
        click.echo(f"  有变化（改动、新增或移除）：{path}")
    click.echo(
        f"文件 {counts.get('documents', 0)} 个，条款 {counts.get('clauses', 0)} 个，"
        f"未能读取的文件 {counts.get('skipped', 0)} 个"
    )
    for name, status in statuses.items():
        details = "，".join(f"{k} {v}" for k, v in status.details.items() if v not in ("", None))
        on = f"已开启（{details}）" if details else "已开启"
        click.echo(f"检索器 {name}（{label_of(name)}）：{on if status.on else '未开启：' + status.reason}")
    click.echo(f"分词 {data['tokenizer']}")


@main.command(name="eval")
@click.argument("qa_file", type=click.Path(exists=True, dir_okay=False))
@index_option
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="Write one RUN line per question here.")
@click.option("-k", default=10, show_default=True, type=click.IntRange(1, 100), help="Hits kept per question.")
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
@click.option("--peer", is_flag=True, help="Also run the naive peer over the same corpus files, side by side.")
@click.option("--no-answers", is_flag=True, help="Retrieval figures only (skip ipqa.answer.pipeline.ask).")
def eval_command(qa_file, index_dir, out, k, as_json, peer, no_answers):
    """Measure retrieval (hit@1/5/10, MRR@10, quote recall) and answer accuracy on a QA file."""
    from pathlib import Path

    from ipqa.evaluation.evaluate import QAFileError, evaluate, read_questions

    try:
        questions = read_questions(Path(qa_file))
    except QAFileError as exc:
        raise click.ClickException(str(exc)) from None
    index = open_index(index_dir)
    figures = {"ipqa": evaluate(index, questions, k=k, out=Path(out) if out else None, with_answers=not no_answers)}
    if peer:
        from ipqa.evaluation.peer import NaivePeer, evaluate_peer

        roots = [Path(r) for r in index.manifest.roots]
        figures["naive peer"] = evaluate_peer(NaivePeer.from_roots(roots), questions)
    if as_json:
        echo_json(figures)
        return
    _print_figures(figures)


def _print_figures(figures: dict) -> None:
    names = list(figures)
    keys = [
        "hit@1",
        "hit@5",
        "hit@10",
        "mrr@10",
        "quote_recall@10",
        "answer_accuracy",
        "answerable_refused",
        "unanswerable_answered",
        "correct_refusals",
    ]
    groups = ["overall"] + sorted(figures[names[0]]["by_type"])
    click.echo(f"{'':24}" + "".join(f"{n:>14}" for n in names))
    for group in groups:
        row = [figures[n]["overall"] if group == "overall" else figures[n]["by_type"].get(group, {}) for n in names]
        click.echo(f"{group} ({row[0].get('questions', 0)} questions)")
        for key in keys:
            cells = "".join(f"{r[key]:>14.3f}" if isinstance(r.get(key), float) else f"{'—':>14}" for r in row)
            click.echo(f"  {key:22}{cells}")
