"""The records that flow through ipqa, defined once.

Glossary
--------
document    one policy or law file under a corpus folder; ``Document.text`` is the decoded text that every
            offset in ipqa indexes into (for a UTF-8 ``.txt`` file, the file's own characters).
doc_id      stable id of a document: its path under the corpus folder, without the extension.
clause      the smallest citable unit: an article (条) or a numbered item, with the headings above it.
clause_id   ``doc_id#path`` where path joins the numbering labels (e.g. ``三/（二）/3``); a long clause split
            at sentence boundaries gets ``~2``, ``~3`` … on its later parts.
path        the headings above a clause, outermost first: ``三、工作任务 › （二）促进知识产权运用``.
label       the clause's own number as written: ``3.``, ``（二）``, ``第十四条``, ``13`` (dot lost).
编 part, 章 chapter, 节 section, 条 article, 款 paragraph, 项 item: the statute hierarchy.
一、 › （一） › 1. › （1） › ①: the policy-document hierarchy; both families may mix in one document.
牵头 lead unit: the department that leads a task; 配合 supporting units help it.
flag        a quality finding an auditor should see: ``spam`` (injected content), ``boilerplate`` (web page
            chrome kept out of clauses), ``missing_title``, ``excerpt``, ``broken_doc_number`` …; a flag may
            carry a character span into ``Document.text``.
hit         a clause returned by search with its fused score and each retriever's rank and score.
citation    a verbatim quote from a clause with its span and the document's sha256, so it can be re-checked.

Vocabularies
------------
The closed sets of keys below are the only values these fields take; ``ipqa.views.labels`` gives each one its
Chinese label (tests/test_vocabularies.py checks both, and that every flag the code emits is a FlagKind).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

FlagKind = Literal[
    "spam",  # injected gambling / obscene / advertising text (span); kept verbatim, never indexed or quoted
    "boilerplate",  # web page chrome excluded from clauses (share widgets, ICP lines, footers, bylines …)
    "traditional_script",  # written in traditional characters
    "missing_title",  # no title found in header, text or file
    "excerpt",  # the text starts in the middle (at a deep label): what comes before it is missing
    "broken_doc_number",  # a 发文字号 with a part missing (〔year〕 bracket, 号)
    "metadata_conflict",  # a repeated header field disagrees with itself
    "format_mismatch",  # the bytes are another format than the file name says
    "decoding",  # damaged bytes replaced by U+FFFD or removed while decoding
    "sidecar",  # a problem in a .meta.json / meta.csv correction file
    "ocr",  # the text was machine-read from page images (a scan): engine and mean confidence in the detail
]
Level = Literal["national", "provincial", "municipal", "county"]  # Metadata.level; "" when unknown
QuestionKind = Literal[
    "who", "number", "when", "fact", "list", "metadata"
]  # Answer.kind: what kind of answer a question asks for
TokenizerMode = Literal["words", "words+bigrams", "search"]  # Settings.tokenizer: ipqa.retrieval.tokens.MODES
IndexState = Literal["missing", "stale", "fresh"]  # an index folder against its corpus: ipqa.index.state.index_state


@dataclass(frozen=True)
class Flag:
    """A data-quality finding. ``start``/``end`` index into ``Document.text`` when the finding has a place."""

    kind: FlagKind
    detail: str
    start: int | None = None
    end: int | None = None

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass(frozen=True)
class Metadata:
    """Descriptive fields of a document; an empty string means unknown (never a guess)."""

    title: str = ""
    short_title: str = ""  # the title without 关于印发…的通知 wrappers, used as the clause header
    issuer: str = ""  # 发布机关
    doc_number: str = ""  # 发文字号, e.g. 邹政字〔2024〕18号
    date_written: str = ""  # 成文日期, ISO yyyy-mm-dd (or yyyy-mm / yyyy when that is all the text says)
    date_published: str = ""  # 发布日期
    region: str = ""  # e.g. 山东省济宁市邹城市
    level: Level | Literal[""] = ""
    doc_type: str = ""  # 通知 方案 规划 计划 意见 条例 办法 法律 …
    validity: str = ""  # 有效 / 失效 / 已修改 …, as stated
    source_site: str = ""  # the publishing web site, when the text names one
    addressees: str = ""  # 主送机关: the line naming whom a notice is sent to ("各县、市、区人民政府…"), as written
    index_number: str = ""  # 索引号 of a government information-disclosure page, e.g. 11370883004235149C/2024-12360
    subject: str = ""  # 主题分类 of such a page (知识产权, 科技…), as written

    @property
    def date(self) -> str:
        """The document's date for display and filters: written date, else published date."""
        return self.date_written or self.date_published

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date[:4].isdigit() else None


def display_title(doc_id: str, title: str = "", short_title: str = "") -> str:
    """The name a document is shown by, never empty: ``short_title`` when one is passed (how a reference cites
    the text), else ``title``, else the ``doc_id``. Pass the short title only where the short name is wanted."""
    return short_title or title or doc_id


@dataclass(frozen=True)
class Document:
    doc_id: str
    source: str  # the file path as given to the reader
    sha256: str  # of the file bytes
    text: str  # decoded text; all offsets index into it
    meta: Metadata = field(default_factory=Metadata)
    flags: tuple[Flag, ...] = ()
    # Spans of ``text`` that are not policy text (boilerplate, injected spam, metadata headers): clauses
    # never include them except spam, which stays in the verbatim clause text but is removed before indexing.
    excluded: tuple[tuple[int, int], ...] = ()
    encoding: str = "utf-8"

    @property
    def title(self) -> str:
        return self.meta.title


@dataclass(frozen=True)
class Departments:
    """Units responsible for a clause: ``lead`` before ``support``, in the order the text names them."""

    lead: tuple[str, ...] = ()
    support: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.lead or self.support)

    def to_dict(self) -> dict:
        return {"lead": list(self.lead), "support": list(self.support)}


@dataclass(frozen=True)
class Clause:
    clause_id: str
    doc_id: str
    label: str
    # Headings above the clause, outermost first, ending with the clause's own heading: its label plus its
    # inline title when it has one ("3.持续优化知识产权金融服务"), else the bare label ("43.", "第十四条").
    path: tuple[str, ...]
    text: str  # == document.text[start:end], verbatim
    start: int
    end: int
    departments: Departments = field(default_factory=Departments)
    flags: tuple[Flag, ...] = ()  # spans index into Document.text
    # The written numbering labels of the path headings and of the clause itself, e.g. ("二、", "（四）", "2."):
    # what a person types when citing 《title》二、（四）2.
    labels: tuple[str, ...] = ()

    @property
    def path_text(self) -> str:
        return " › ".join(self.path)

    def spam_spans(self, relative: bool = False) -> tuple[tuple[int, int], ...]:
        """The injected-spam spans inside the clause, sorted and clipped to it: in ``Document.text`` coordinates,
        or with ``relative`` in coordinates of ``self.text``."""
        spans = []
        for f in self.flags:
            if f.kind == "spam" and f.start is not None and f.end is not None:
                a, b = max(f.start, self.start), min(f.end, self.end)
                if b > a:
                    spans.append((a - self.start, b - self.start) if relative else (a, b))
        return tuple(sorted(spans))

    @property
    def clean_text(self) -> str:
        """The clause text with injected spam cut out: what is indexed and quoted in answers. ``text`` stays
        verbatim for the record."""
        spans = self.spam_spans(relative=True)
        if not spans:
            return self.text
        from ipqa.text import remove_spans

        return remove_spans(self.text, list(spans))

    def to_dict(self) -> dict:
        return {
            "clause_id": self.clause_id,
            "doc_id": self.doc_id,
            "label": self.label,
            "path": list(self.path),
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "departments": self.departments.to_dict(),
            "flags": [f.to_dict() for f in self.flags],
            "labels": list(self.labels),
        }


@dataclass(frozen=True)
class RetrieverScore:
    rank: int  # 1-based
    score: float


@dataclass(frozen=True)
class Hit:
    clause: Clause
    score: float  # fused
    retrievers: dict[str, RetrieverScore] = field(default_factory=dict)  # "bm25" / "dense" → rank, score
    matched_terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Citation:
    clause_id: str
    doc_id: str
    title: str
    doc_number: str
    issuer: str
    date: str
    path: tuple[str, ...]
    labels: tuple[str, ...]
    quote: str  # verbatim from Document.text[start:end]
    start: int
    end: int
    sha256: str
    source: str
    # The name of the text the clause belongs to, without 关于印发…的通知 wrappers: what a reference cites.
    short_title: str = ""

    def reference(self) -> str:
        """A citation a person can paste into a report: 《short title》path, e.g. 《泰安市“十四五”知识产权保护和
        运用规划》二、（四）2. (the full title when no short title is known)."""
        return f"《{display_title(self.doc_id, self.title, self.short_title)}》" + "".join(self.labels)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["path"] = list(self.path)
        d["labels"] = list(self.labels)
        d["reference"] = self.reference()
        return d


@dataclass(frozen=True)
class Answer:
    question: str
    kind: QuestionKind
    text: str
    citations: tuple[Citation, ...] = ()
    hits: tuple[Hit, ...] = ()
    answered: bool = True  # False when nothing in the corpus answers; text then says so
    notes: tuple[str, ...] = ()  # e.g. "semantic search off: …"
    # how sure the answer is, and why, in one short Chinese line ("把握较大：…"; for a refusal, why it refused)
    confidence: str = ""


@dataclass(frozen=True)
class Filters:
    """Restrict a search to documents matching every given field; applied before the ranking is cut."""

    region: str = ""  # substring of Metadata.region
    level: Level | Literal[""] = ""
    issuer: str = ""  # substring of Metadata.issuer
    doc_type: str = ""
    validity: str = ""
    year_from: int | None = None
    year_to: int | None = None
    doc_ids: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return any(v not in ("", None, ()) for v in asdict(self).values())

    def accepts(self, doc_id: str, meta: Metadata) -> bool:
        if self.doc_ids and doc_id not in self.doc_ids:
            return False
        if self.region and self.region not in meta.region:
            return False
        if self.level and self.level != meta.level:
            return False
        if self.issuer and self.issuer not in meta.issuer:
            return False
        if self.doc_type and self.doc_type != meta.doc_type:
            return False
        if self.validity and self.validity != meta.validity:
            return False
        year = meta.year
        if self.year_from is not None and (year is None or year < self.year_from):
            return False
        return self.year_to is None or (year is not None and year <= self.year_to)


@dataclass(frozen=True)
class SearchResult:
    """What a search returns: the hits, plus notes a person must see (e.g. "semantic search off: …") and,
    for a query that cannot be searched (empty, only punctuation…), a message instead of hits."""

    query: str
    hits: tuple[Hit, ...] = ()
    notes: tuple[str, ...] = ()
    message: str = ""
    terms: tuple[str, ...] = ()  # the query's search terms after normalisation, for highlighting
