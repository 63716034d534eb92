"""The lexical tokenizer both the index and the query use: normalise, jieba with the IP-policy dictionary,
question-word stopwords and punctuation dropped, plus character bigrams of the CJK runs.

Why bigrams as well as words: jieba cuts the same phrase differently in a question and in a clause
("质押金额" vs "质押 金额", place names glued to nouns), and a word-only index then misses. Bigrams of the
kept text recover those matches while whole words still reward exact terms. Measured over seeds + lawrefbook
(BM25 only): seed_dev hit@5 / MRR@10 0.938 / 0.789 with bigrams vs 0.938 / 0.742 words only; LeCoQA 0.481 / 0.364
vs 0.437 / 0.327. On the seeds alone jieba's search mode scored MRR@10 0.884 (words+bigrams 0.919, words 0.869).
The mode is a build setting saved in the manifest, so query and index always agree.
"""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache
from importlib import resources

from ipqa.text import normalise

log = logging.getLogger(__name__)

MODES = ("words", "words+bigrams", "search")
DEFAULT_MODE = "words+bigrams"

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# A token worth indexing holds a letter, digit or CJK character; pure punctuation/symbols/emoji are dropped.
_WORDLIKE = re.compile(r"[0-9A-Za-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_lock = threading.Lock()


def _data_path(name: str):
    return resources.files("ipqa") / "data" / name


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Question words and function words that carry no topic (谁, 哪个, 什么, 如何, 的 …)."""
    text = _data_path("stopwords.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


@lru_cache(maxsize=1)
def everyday_words() -> frozenset[str]:
    """Everyday words that say who asks or how, not what about (我们、一家、打算、想、有没有…;
    ``ipqa/data/colloquial.txt``). Dropped from queries, never from the index: over seeds + lawrefbook that
    left seed_dev and LeCoQA train as they were (hit@5 / MRR@10 1.000 / 0.802 and 0.475 / 0.365 → 0.476 / 0.366)
    and lifted the everyday-wording calibration questions from 0.846 / 0.763 to 0.872 / 0.778."""
    text = _data_path("colloquial.txt").read_text(encoding="utf-8")
    return frozenset(w for line in text.splitlines() for w in line.split("#", 1)[0].split())


def query_tokens(text: str, mode: str) -> list[str]:
    """A query's tokens: its :func:`tokenize` tokens without everyday words (unless nothing else is left)."""
    tokens = tokenize(text, mode)
    everyday = everyday_words()
    return [t for t in tokens if t not in everyday] or tokens


@lru_cache(maxsize=1)
def _jieba():
    """One jieba.Tokenizer per process with the shipped domain dictionary; the global jieba stays untouched."""
    with _lock:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        tk = jieba.Tokenizer()
        tk.initialize()
        with resources.as_file(_data_path("userdict.txt")) as path:
            tk.load_userdict(str(path))
        log.debug("jieba initialised with the ipqa domain dictionary")
        return tk


def pos_tags(text: str) -> list[tuple[str, str]]:
    """(word, part-of-speech tag) pairs of ``text`` by jieba.posseg with the shipped dictionary: for reading a
    question (what it asks the quantity of), never for indexing."""
    import jieba.posseg

    global _POS
    if _POS is None:
        _POS = jieba.posseg.POSTokenizer(_jieba())
    return [(p.word, p.flag) for p in _POS.cut(text)]


_POS = None


def general_frequency(word: str) -> int:
    """How often ``word`` occurs in general Chinese: its count in jieba's dictionary (0 when absent)."""
    return int(_jieba().FREQ.get(word, 0) or 0)


def general_words(min_frequency: int) -> list[str]:
    """The words of jieba's dictionary counted at least ``min_frequency`` times."""
    return [w for w, n in _jieba().FREQ.items() if n and n >= min_frequency]


def warm_up() -> None:
    """Load the jieba dictionary, the fast cut's table and the stopwords now (before forking the build's
    workers, which then inherit them)."""
    _fast()  # builds on _jieba()
    stopwords()


def tokenizer_signature(mode: str) -> str:
    """Identifies everything that decides the tokens (mode, dictionary, stopwords, jieba version): an index built
    with another signature cannot reuse its stored tokens."""
    import hashlib

    import jieba

    digest = hashlib.sha256()
    for name in ("userdict.txt", "stopwords.txt"):
        digest.update(_data_path(name).read_bytes())
    return f"{mode}:jieba-{jieba.__version__}:{digest.hexdigest()[:16]}"


# Cut results are cached per jieba block (a run of CJK/alphanumerics between punctuation or spaces). jieba cuts
# each block on its own, so cutting block by block gives exactly its tokens for the whole text; legal and policy
# texts repeat many blocks (law titles in every clause header, 依照本法规定, 由县级以上人民政府…), so a build
# cuts each distinct block once. The caches are cleared when full, which bounds their memory.
_CACHE_LIMIT = 300_000
_cache: dict[bool, dict[str, tuple]] = {False: {}, True: {}}  # per mode (search or not): block → what it adds
_words: dict[str, tuple[str, bool, bool]] = {}  # a cut word → _word(word)
_bigram_cache: dict[str, tuple[str, ...]] = {}
_CJK_WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def jieba_cut(block: str, search: bool) -> list[str]:
    """The reference cut: jieba itself (``cut`` or ``cut_for_search``, HMM on)."""
    tk = _jieba()
    return list(tk.cut_for_search(block, HMM=True) if search else tk.cut(block, HMM=True))


@lru_cache(maxsize=1)
def _fast():
    from ipqa.retrieval.fastcut import FastCut

    return FastCut(_jieba())


def fast_cut(block: str, search: bool) -> list[str]:
    """The same words as :func:`jieba_cut`, about 2× faster (ipqa.retrieval.fastcut)."""
    fast = _fast()
    return fast.cut_for_search(block) if search else fast.cut(block)


def clear_caches() -> None:
    """Forget every cached cut (so that a comparison of the two cuts really runs both)."""
    for cache in (*_cache.values(), _words, _bigram_cache):
        cache.clear()


@lru_cache(maxsize=1)
def _blocks():
    import jieba

    return jieba.re_han_default  # the pattern jieba's cut() splits a text into blocks with


def _word(raw: str) -> tuple[str, bool, bool]:
    """(the token ``raw`` gives: stripped, lower case; whether it is kept; whether it is a kept CJK word)."""
    found = _words.get(raw)
    if found is None:
        word = raw.strip().lower()
        keep = bool(word) and word not in stopwords() and _WORDLIKE.search(word) is not None
        found = (word, keep, keep and _CJK_WORD.fullmatch(word) is not None)
        if len(_words) >= _CACHE_LIMIT:
            _words.clear()
        _words[raw] = found
    return found


def _block(block: str, search: bool, fast: bool) -> tuple[tuple[str, ...], bool, str, tuple[str, ...], str]:
    """What ``block`` adds to a text's tokens: (kept words, whether it ends the open run of CJK words, the CJK
    words that continue the open run before that, the bigrams of the complete runs inside it, the run it leaves
    open)."""
    kept, runs, run, closed, head = [], [], [], False, ""
    for raw in (fast_cut if fast else jieba_cut)(block, search):
        word, keep, cjk = _word(raw)
        if keep:
            kept.append(word)
        if cjk:
            run.append(word)
            continue
        if not closed:  # the first word that is not a kept CJK word ends the run that was open before the block
            closed, head, run = True, "".join(run), []
        elif run:
            runs.append("".join(run))
            run = []
    kept_words, inner = tuple(kept), tuple(g for r in runs for g in _bigrams(r))
    found = (kept_words, True, head, inner, "".join(run)) if closed else (kept_words, False, "".join(run), (), "")
    cache = _cache[search]
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    cache[block] = found
    return found


def _bigrams(run: str) -> tuple[str, ...]:
    found = _bigram_cache.get(run)
    if found is None:
        found = tuple(run[i : i + 2] for i in range(len(run) - 1))
        if len(_bigram_cache) >= _CACHE_LIMIT:
            _bigram_cache.clear()
        _bigram_cache[run] = found
    return found


def tokenize(text: str, mode: str = DEFAULT_MODE) -> list[str]:
    """Search terms of ``text``: normalised (NFKC, t2s, whitespace), cut by jieba with the domain dictionary,
    stopwords and punctuation dropped; in ``words+bigrams`` mode also the CJK character bigrams of each run of
    kept words (a dropped stopword or punctuation mark ends a run, so no bigram spans it)."""
    return tokenize_normalised(normalise(text), mode)


def tokenize_normalised(text: str, mode: str = DEFAULT_MODE, fast: bool = False) -> list[str]:
    """:func:`tokenize` for text already passed through :func:`ipqa.text.normalise` (saves a second pass).

    ``fast``: cut with :func:`fast_cut`, which gives jieba's words ~2× faster but first spends 0.25 s and 38 MB
    on its table: what a build does (ipqa.index.ingest); a query is cut by jieba itself. Both cuts give the same
    words, so they share the block cache."""
    if mode not in MODES:
        raise ValueError(f"unknown tokenizer mode {mode!r}; choose one of {', '.join(MODES)}")
    tokens: list[str] = []
    grams: list[str] = []  # the bigrams of the runs of kept CJK words, in the order the runs end
    open_run: list[str] = []  # pieces of the run of kept CJK words still open at the end of the last block
    search = mode == "search"
    cache = _cache[search]
    for block in _blocks().split(text):
        if not block:
            continue
        found = cache.get(block) or _block(block, search, fast)  # a looked-up entry is a non-empty tuple
        tokens.extend(found[0])
        if found[2]:
            open_run.append(found[2])
        if found[1]:
            if open_run:
                grams.extend(_bigrams("".join(open_run)))
            grams.extend(found[3])
            open_run = [found[4]] if found[4] else []
    if open_run:
        grams.extend(_bigrams("".join(open_run)))
    if mode == "words+bigrams":
        tokens.extend(grams)
    return tokens
