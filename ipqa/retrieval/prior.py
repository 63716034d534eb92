"""The document prior: how likely a document is to hold the answer before the question's words are compared.

Why: BM25 scores every clause as if all documents were equally likely answers. They are not. Over seeds +
lawrefbook, local regulations (地方性法规) are 55% of the clauses but hold 2% of the clauses that answer LeCoQA's
lay legal questions, while national laws (法律) are 17% of the clauses and hold 36%; a local regulation that copies
a law's sentence outscores the law whenever it repeats a question word once more. Two signals any corpus has
say which documents people's questions land on:

- the document's family (法律, 司法解释, 行政法规, 部门规章, 地方性法规, 政策文件, 案例), from ``Metadata.doc_type``
  and ``level``;
- how many other documents of the corpus cite it by its title in 《》 (a law every regulation implements is cited
  by hundreds; a municipal rule by none). Counted when the index is loaded, so it always matches the corpus.

How: the keyword retrievers' candidates (``Settings.depth`` of them) are re-ordered by
``BM25 + Settings.document_prior × (family weight + citation weight × ln(1 + citing documents))``. Only the order
of candidates BM25 already found changes: a clause sharing no word with the question is never brought in. The
weights are in ``ipqa/data/prior.json``, fitted by ``python -m benchmarks.fit_prior`` on calibration questions
(LeCoQA train, seed_dev, everyday_calib, everyday2), never on the test split; the file records the figures.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from ipqa.records import Clause, Document, Metadata

# Metadata.doc_type → family. Law collections name the kind (lawrefbook's folders: 法律, 行政法规 …); elsewhere the
# type is the title's last word (ipqa.corpus.metadata.titles), so 法 is a 法律 and a 条例 is national or local by
# the document's level. Any other type is a government policy document (通知, 方案, 规划, 意见, 办法 …).
FAMILIES = {
    "法律": "法律",
    "法": "法律",
    "修正案": "法律",
    "司法解释": "司法解释",
    "解释": "司法解释",
    "行政法规": "行政法规",
    "部门规章": "部门规章",
    "地方性法规": "地方性法规",
    "自治条例": "地方性法规",
    "单行条例": "地方性法规",
    "案例": "案例",
    "": "未知",
}
POLICY = "政策文件"

_CITED = re.compile(r"《([^《》\n]{2,60})》")
_DATED = re.compile(r"[（(][^（）()]*\d{4}[^（）()]*[)）]$")  # 商标法（2019年修正） / 商标法(2019-04-23)
_STATE = "中华人民共和国"


def family(meta: Metadata) -> str:
    if meta.doc_type == "条例":
        return "行政法规" if meta.level == "national" else "地方性法规"
    return FAMILIES.get(meta.doc_type, POLICY)


def cited_name(title: str) -> str:
    """The name a title is cited by: without 中华人民共和国, a trailing version in brackets, or the part after a
    space ("中华人民共和国民法典 合同编" is cited as 《民法典》)."""
    name = _DATED.sub("", title.strip()).replace(_STATE, "").strip()
    return name.split()[0] if name.split() else ""


def citing_documents(documents: Iterable[Document]) -> dict[str, int]:
    """doc_id → how many *other* documents cite it by name in 《》. Documents sharing a name (versions of a law,
    the parts of the 民法典) share its count."""
    docs = list(documents)
    citers: dict[str, set[str]] = {}
    for doc in docs:
        for name in {cited_name(m) for m in _CITED.findall(doc.text)}:
            citers.setdefault(name, set()).add(doc.doc_id)
    counts = {}
    for doc in docs:
        name = cited_name(doc.meta.short_title or doc.meta.title)
        counts[doc.doc_id] = len(citers.get(name, set()) - {doc.doc_id}) if name else 0
    return counts


@dataclass(frozen=True)
class PriorWeights:
    families: dict[str, float]  # family → weight, in BM25 score units
    citation: float  # weight of ln(1 + citing documents)

    def of(self, doc: Document, citing: int) -> float:
        return self.families.get(family(doc.meta), 0.0) + self.citation * math.log1p(citing)


@lru_cache(maxsize=1)
def shipped_weights() -> PriorWeights:
    data = json.loads((resources.files("ipqa") / "data" / "prior.json").read_text(encoding="utf-8"))
    return PriorWeights(families=dict(data["families"]), citation=float(data["citation"]))


def row_prior(documents: dict[str, Document], clauses: list[Clause], weights: PriorWeights | None = None) -> np.ndarray:
    """The prior of every row (clause) of an index, float32."""
    weights = weights or shipped_weights()
    citing = citing_documents(documents.values())
    per_doc = {d: weights.of(doc, citing[d]) for d, doc in documents.items()}
    return np.asarray([per_doc[c.doc_id] for c in clauses], dtype=np.float32)


def rerank(pairs: list[tuple[int, float]], prior: np.ndarray, scale: float) -> list[tuple[int, float]]:
    """Keyword candidates ``(row, score)`` re-ordered by score + scale × prior (ties keep the retriever's order);
    the scores returned include the prior."""
    if not pairs or not scale:
        return pairs
    moved = [(row, score + scale * float(prior[row]), i) for i, (row, score) in enumerate(pairs)]
    moved.sort(key=lambda m: (-m[1], m[2]))
    return [(row, score) for row, score, _ in moved]
