"""Re-check saved citations against the files they quote: the file still has the same sha256, the text at the
cited span is still the quote, and every other field the citation states (title, 发文字号, issuer, date, clause id,
path and labels, reference, source path) is what the file says; and each answer sentence is backed by the
citations it marks. Reads an ``ipqa ask --json`` output or an ``ipqa eval`` RUN.jsonl. Problems are said in
Chinese: they are what a person checking an answer reads."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ipqa.index.manifest import Manifest

log = logging.getLogger(__name__)


class VerifyInputError(ValueError):
    """The file to verify is missing or is not an ask/eval JSON output; the message says which."""


@dataclass(frozen=True)
class Report:
    checked: int
    problems: list[str]


def load_citations(path: Path) -> list[dict]:
    """Every citation dict in an ``ask --json`` object (or a list of them) or a JSON-lines run file."""
    return [c for r in load_records(path) for c in r.get("citations", []) if isinstance(c, dict)]


def load_records(path: Path) -> list[dict]:
    """The ask/eval records (objects with a "citations" list) of an ``ask --json`` output or a run file."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise VerifyInputError(f"无法读取 {path}：{exc}") from exc
    try:
        records = _records(raw, path)
    except RecursionError as exc:  # json recurses once per nesting level: 100,000 nested [ overflow it
        raise VerifyInputError(f"{path} 嵌套过深，不是引文文件；{_EXPECTED}") from exc
    if not all(isinstance(r, dict) and isinstance(r.get("citations", []), list) for r in records):
        raise VerifyInputError(f"{path} 中没有问答记录（带 citations 列表的对象）；{_EXPECTED}")
    return records


_EXPECTED = "应为 `ipqa ask --json` 的输出或 `ipqa eval --out` 的运行文件"


def _records(raw: str, path: Path) -> list:
    """One JSON value (an object or a list of them), else JSON lines (a bad line is named)."""
    try:
        data = json.loads(raw)
        return data if isinstance(data, list) else [data]
    except json.JSONDecodeError:
        records = []
        for n, line in enumerate(raw.splitlines(), start=1):
            if line.strip():
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise VerifyInputError(f"{path} 第 {n} 行不是 JSON（{exc.msg}）；{_EXPECTED}") from exc
        return records


def _root_of(source: Path, doc_id: str) -> Path:
    """The corpus root a file was read under: doc_id is the path below the root without the extension."""
    depth = len(PurePosixPath(doc_id).parts)
    return source.parents[depth - 1] if len(source.parents) >= depth else source.parent


def _candidate_roots(manifest: Manifest | None, index_dir: Path | None, roots: list[Path]) -> list[Path]:
    """Where the corpus may be: the folders given (``--root``), then the roots the index recorded — as written
    (relative to the working folder) and relative to the index folder's parent, so verify works from anywhere."""
    out = list(roots)
    for root in manifest.roots if manifest else []:
        out.append(Path(root))
        if index_dir is not None and not Path(root).is_absolute():
            out.append(Path(index_dir).resolve().parent / root)
    return list(dict.fromkeys(out))


def _locate(
    cit: dict, manifest: Manifest | None, index_dir: Path | None, roots: list[Path] = ()
) -> tuple[Path, Path] | None:
    """(file, root) for a citation: the given and recorded roots first, then the recorded source path (as
    given, then relative to the index's parent folder)."""
    from ipqa.corpus.formats import SUFFIXES

    doc_id = cit.get("doc_id", "")
    for root in _candidate_roots(manifest, index_dir, list(roots)):
        # the suffix's case is the file's own (001.TXT); match it case-insensitively, never by glob (ids may
        # hold [ ] * characters)
        folder = Path(root) / PurePosixPath(doc_id).parent
        stem = PurePosixPath(doc_id).name
        if folder.is_dir():
            for path in sorted(folder.iterdir()):
                if path.stem == stem and path.suffix.lower() in SUFFIXES and path.is_file():
                    return path, Path(root)
    entry = manifest.documents.get(doc_id) if manifest else None
    source = Path(cit.get("source") or (entry.source if entry else ""))
    candidates = [source] + ([index_dir.resolve().parent / source] if index_dir and not source.is_absolute() else [])
    for path in candidates:
        if str(path) and path.is_file():
            return path, _root_of(path, doc_id)
    return None


_FIELD_TYPES = {
    "doc_id": str,
    "quote": str,
    "start": int,
    "end": int,
    "sha256": str,
    "source": str,
    "clause_id": str,
    "reference": str,
    "title": str,
    "short_title": str,
    "doc_number": str,
    "issuer": str,
    "date": str,
    "path": list,
    "labels": list,
}
# The document fields a citation states, and what each is called in a message.
_DOC_FIELDS = {"title": "标题", "short_title": "简称", "doc_number": "发文字号", "issuer": "发布机关", "date": "日期"}


def _name(cit: dict) -> str:
    return f"{cit.get('clause_id', '?')} {cit.get('reference', '')}".strip()


def check_citation(
    cit: dict,
    manifest: Manifest | None,
    index_dir: Path | None,
    cache: dict,
    roots: list[Path] = (),
) -> str | None:
    """The problem with one citation (in Chinese, naming it), or None when every field it states holds: the file's
    sha256, the quote at its span, the document's title, 发文字号, issuer and date, the clause id, path and labels
    (the quote inside that clause), the reference, and the source path below its corpus folder."""
    name = _name(cit)
    missing = [k for k in ("doc_id", "quote", "start", "end", "sha256") if k not in cit]
    if missing:
        return f"{name}：引文缺少字段 {', '.join(missing)}"
    # the citation file is input, perhaps edited by hand: a field of the wrong type is reported, never a traceback
    wrong = [k for k, kind in _FIELD_TYPES.items() if k in cit and not _is(cit[k], kind)]
    if wrong:
        return f"{name}：引文字段 {', '.join(wrong)} 的类型不对"
    if "clause_id" in cit and not cit["clause_id"].startswith(f"{cit['doc_id']}#"):
        return f"{name}：条款 {cit['clause_id']!r} 不属于引文所写的文件编号 {cit['doc_id']!r}"
    located = _locate(cit, manifest, index_dir, roots)
    if located is None:
        return f"{name}：找不到引文的源文件 {cit.get('source', '')!r}"
    path, root = located
    read = _read(path, root, manifest, cache)
    if isinstance(read, str):
        from ipqa.views.findings import skip_reason

        return f"{name}：无法重新读取 {path}：{skip_reason(read)}"
    doc, clauses = read
    if doc.sha256 != cit["sha256"]:
        return f"{name}：{path} 在引用之后被修改过（sha256 原为 {cit['sha256'][:12]}…，现为 {doc.sha256[:12]}…）"
    start, end = cit["start"], cit["end"]
    if not 0 <= start < end <= len(doc.text):
        return f"{name}：位置 [{start}, {end}) 不在文件之内（文件共 {len(doc.text)} 个字符）"
    if doc.text[start:end] != cit["quote"]:
        return f"{name}：[{start}, {end}) 处的原文是 {doc.text[start:end][:40]!r}…，不是所引的 {cit['quote'][:40]!r}…"
    return _stated_fields(cit, doc, clauses, path)


def _is(value, kind) -> bool:
    # a JSON true/false is no number of characters, though Python counts bool as int
    return isinstance(value, kind) and not (kind is int and isinstance(value, bool))


def _read(path: Path, root: Path, manifest: Manifest | None, cache: dict):
    """(Document, {clause_id: Clause}) of a file, read once per verify run, or the reason it cannot be read."""
    from ipqa.clauses.split import split_clauses
    from ipqa.corpus.reading import UnreadableFile, read_document
    from ipqa.settings import Settings

    if path not in cache:
        max_chars = (manifest.settings if manifest else Settings()).max_clause_chars
        try:
            doc = read_document(path, root)
            cache[path] = (doc, {c.clause_id: c for c in split_clauses(doc, max_chars)})
        except UnreadableFile as exc:
            cache[path] = str(exc)
    return cache[path]


def _stated_fields(cit: dict, doc, clauses: dict, path: Path) -> str | None:
    """The first field the citation states that the re-read document contradicts, as a problem; else None."""
    from ipqa.answer.metadata import HEADER_PATH
    from ipqa.records import display_title

    name = _name(cit)
    if cit["doc_id"] != doc.doc_id:
        return f"{name}：文件编号应为 {doc.doc_id!r}，引文写的是 {cit['doc_id']!r}"
    stated = {"title": doc.meta.title, "short_title": doc.meta.short_title, "doc_number": doc.meta.doc_number}
    stated |= {"issuer": doc.meta.issuer, "date": doc.meta.date}
    for key, label in _DOC_FIELDS.items():
        if key in cit and cit[key] != stated[key]:
            return f"{name}：文件的{label}是 {stated[key]!r}，引文写的是 {cit[key]!r}"
    clause_id = cit.get("clause_id")
    labels = list(HEADER_PATH)
    if clause_id is not None and clause_id == f"{doc.doc_id}#{HEADER_PATH[0]}":
        if any(key in cit and cit[key] != list(HEADER_PATH) for key in ("path", "labels")):
            return f"{name}：文件信息的引文路径应为 {list(HEADER_PATH)}"
    elif clause_id is not None:
        clause = clauses.get(clause_id)
        if clause is None:
            return f"{name}：文件中没有条款 {clause_id!r}"
        for key, label in (("path", "条款路径"), ("labels", "条款编号")):
            if key in cit and cit[key] != list(getattr(clause, key)):
                return f"{name}：条款的{label}是 {list(getattr(clause, key))}，引文写的是 {cit[key]}"
        if not clause.start <= cit["start"] < cit["end"] <= clause.end:
            return f"{name}：所引的位置 [{cit['start']}, {cit['end']}) 不在条款 {clause_id} 之内"
        labels = list(clause.labels)
    if "reference" in cit:
        want = f"《{display_title(doc.doc_id, doc.meta.title, doc.meta.short_title)}》" + "".join(
            cit.get("labels", labels)
        )
        if cit["reference"] != want:
            return f"{name}：出处应为 {want}，引文写的是 {cit['reference']!r}"
    below = len(PurePosixPath(doc.doc_id).parts)  # the path below the corpus folder: doc_id plus the suffix
    if cit.get("source") and Path(cit["source"]).parts[-below:] != path.parts[-below:]:
        return f"{name}：源文件路径 {cit['source']!r} 与文件 {path} 不符"
    return None


def verify_citations(citations: list[dict], index_dir: Path | None = None, roots: list[Path] = ()) -> Report:
    """Check every citation; ``roots`` (corpus folders) and the manifest of ``index_dir`` (when given and readable)
    say where the corpus is."""
    manifest = _manifest(index_dir)
    cache: dict = {}
    problems = [p for c in citations if (p := check_citation(c, manifest, index_dir, cache, list(roots)))]
    return Report(len(citations), problems)


def verify_records(records: list[dict], index_dir: Path | None = None, roots: list[Path] = ()) -> Report:
    """Check every citation of every record, and that each sentence of a record's answer is backed by the
    citations it marks (:func:`ipqa.evaluation.backing.unbacked`)."""
    from ipqa.evaluation.backing import unbacked

    manifest = _manifest(index_dir)
    cache: dict = {}
    checked, problems = 0, []
    for record in records:
        citations = [c for c in record.get("citations", []) if isinstance(c, dict)]
        checked += len(citations)
        problems += [p for c in citations if (p := check_citation(c, manifest, index_dir, cache, list(roots)))]
        answer = record.get("answer")
        refused = record.get("answered") is False or record.get("refused") is True
        if isinstance(answer, str) and not refused:
            label = f"{record['id']}：" if isinstance(record.get("id"), str) else ""
            problems += [label + p for p in unbacked(answer, citations)]
    return Report(checked, problems)


def _manifest(index_dir: Path | None) -> Manifest | None:
    from ipqa.index.manifest import read_manifest
    from ipqa.index.store import IndexLoadError

    if index_dir is None:
        return None
    try:
        return read_manifest(Path(index_dir), verify=False)
    except IndexLoadError as exc:
        log.warning("verifying without the index manifest (%s); using the citations' source paths", exc)
        return None


def verify_file(path: Path, index_dir: Path | None = None) -> list[str]:
    """Problems with the citations and answers saved in ``path`` ([] when every one checks out)."""
    return verify_records(load_records(path), index_dir).problems
