"""Query expansion with a small IP-policy thesaurus (``ipqa/data/synonyms.txt``), applied to queries only.

Why: people ask in their own words ("用专利向银行贷款") while policy texts use the official terms ("知识产权质押
融资", "金融机构"). BM25 cannot bridge that gap; a thesaurus of the domain's vocabulary can, as long as the
added terms cannot outweigh what the user actually typed. So every expansion token carries a weight below 1
(the query's own tokens weigh 1) and expansion tokens the query already has are not added again.

How: the thesaurus terms found in the normalised query (leftmost-longest, so "质押融资" fires as one term and
its inner "融资" does not fire on its own) contribute their related terms, each cut by the index's tokenizer
into the same tokens clauses are indexed with. The result is a list of ``(token, weight)`` pairs for a
weighted BM25 query: ``score = Σ_original BM25(t) + Σ_expansion w · BM25(t)``.

The thesaurus format is documented at the top of ``synonyms.txt``: ``a b c`` is a group of near-synonyms,
``a => b c`` a one-way link from a broad or colloquial word to the terms policy texts use.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ipqa.retrieval.tokens import tokenize_normalised
from ipqa.text import normalise

log = logging.getLogger(__name__)

# Weight of an expansion token relative to a query token (1.0); Settings.query_expansion carries the value an
# index uses, with the figures that chose it (benchmarks/tune_bm25.py).
DEFAULT_WEIGHT = 0.2
# Related terms are cut into whole words only: their character bigrams (质押贷款 → 押贷, 业银 …) added noise
# (seeds + lawrefbook, k1 1.2 / b 0.75, weight 0.2: seed_dev MRR@10 0.760 with bigrams vs 0.802 words only).
EXPANSION_MODE = "words"


class ThesaurusError(ValueError):
    """A thesaurus file line that cannot be read; ``str(exc)`` names the file and line."""


def parse_thesaurus(text: str, source: str = "thesaurus") -> dict[str, tuple[str, ...]]:
    """Term → related terms, from the ``synonyms.txt`` format (groups and one-way ``=>`` lines)."""
    related: dict[str, dict[str, None]] = {}

    def link(term: str, others: list[str]) -> None:
        bucket = related.setdefault(term, {})
        bucket.update((o, None) for o in others if o != term)

    for n, raw in enumerate(text.splitlines(), start=1):
        line = normalise(raw.split("#", 1)[0]).strip().lower()  # queries are matched lowercased
        if not line:
            continue
        if "=>" in line:
            left, _, right = line.partition("=>")
            heads, targets = left.split(), right.split()
            if len(heads) != 1 or not targets:
                raise ThesaurusError(f"{source}, line {n}: a one-way line is 'term => related terms', got {raw!r}")
            link(heads[0], targets)
        else:
            group = line.split()
            if len(group) < 2:
                raise ThesaurusError(f"{source}, line {n}: a group needs at least two terms, got {raw!r}")
            for term in group:
                link(term, group)
    return {term: tuple(others) for term, others in related.items() if others}


@lru_cache(maxsize=4)
def load_thesaurus(path: str | None = None) -> dict[str, tuple[str, ...]]:
    """The shipped thesaurus, or the file at ``path``."""
    if path is None:
        text = (resources.files("ipqa") / "data" / "synonyms.txt").read_text(encoding="utf-8")
        return parse_thesaurus(text, "ipqa/data/synonyms.txt")
    return parse_thesaurus(Path(path).read_text(encoding="utf-8"), path)


def matched_terms(query: str, thesaurus: dict[str, tuple[str, ...]]) -> list[str]:
    """Thesaurus terms in ``query`` (already normalised), leftmost-longest and non-overlapping."""
    longest = max(map(len, thesaurus), default=0)
    found: list[str] = []
    i = 0
    while i < len(query):
        for j in range(min(len(query), i + longest), i, -1):
            if query[i:j] in thesaurus:
                found.append(query[i:j])
                i = j
                break
        else:
            i += 1
    return list(dict.fromkeys(found))


def expand(
    query: str,
    mode: str = EXPANSION_MODE,
    weight: float = DEFAULT_WEIGHT,
    thesaurus: dict[str, tuple[str, ...]] | None = None,
) -> list[tuple[str, float]]:
    """Expansion tokens for ``query`` with their weight: the tokens of the related terms of every thesaurus term
    in the query, minus tokens the query already has. Words not in the thesaurus add nothing."""
    if weight <= 0:
        return []
    thesaurus = load_thesaurus() if thesaurus is None else thesaurus
    text = normalise(query).lower()
    own = set(tokenize_normalised(text, mode))
    out: dict[str, float] = {}
    for term in matched_terms(text, thesaurus):
        for other in thesaurus[term]:
            if other in text:  # the query already says it
                continue
            for token in tokenize_normalised(other, mode):
                if token not in own:
                    out[token] = weight
    return list(out.items())
