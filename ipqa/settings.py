"""One frozen Settings record: chosen at build time, saved into ``index/manifest.json``, read back at query time
so the tokenizer, model and fusion cannot drift between build and search."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Literal, get_args, get_origin, get_type_hints

from ipqa.records import TokenizerMode

DEFAULT_MODEL = "BAAI/bge-small-zh-v1.5"
# A question is a sentence or two: the app asks for a shorter one above this, and a search cuts a longer query to
# it (with a note), which bounds the cost of a query.
MAX_QUESTION_CHARS = 512
# The largest corpus file read, in bytes; a bigger one is skipped with the reason. Policy documents are a few MB
# (the largest seed is under 1 MB); 256 MiB stays above the 200 MB files the reading benchmark measures while
# bounding what one file can take (its bytes plus its decoded text, well under 1 GB), and it stops a file that
# grows without end (a log, a link to /dev/zero re-pointed at a regular file) from filling memory.
MAX_FILE_BYTES = 256 << 20
# bge-*-zh-v1.5 models are trained with this instruction prepended to short queries (not to passages).
BGE_ZH_QUERY_INSTRUCTION = "为这个句子生成表示以用于检索相关文章："


@dataclass(frozen=True)
class Settings:
    model: str = DEFAULT_MODEL  # hub name or local directory; "" turns semantic search off
    query_instruction: str = BGE_ZH_QUERY_INSTRUCTION
    max_clause_chars: int = 500  # longer clauses are split at sentence boundaries (bge-small: 512 tokens)
    # k1 1.2 / b 0.75 (Lucene's defaults; a lower k1 suits clause-length texts, where tf saturates sooner) with
    # query expansion 0.2, seeds + lawrefbook, BM25 only: seed_dev hit@5 / MRR@10 1.000 / 0.802 (1.5 / 0.75
    # without expansion: 0.938 / 0.789), LeCoQA 0.476 / 0.366 (0.481 / 0.364). benchmarks/tune_bm25.py.
    bm25_k1: float = 1.2
    bm25_b: float = 0.75
    rrf_k: int = 60  # Cormack et al. 2009; see fusion.rrf
    # Weight in RRF of every retriever other than the keyword one (fusion.rrf); 0 = BM25 alone. Query time only:
    # `python -m benchmarks.tune_fusion --index IDX --write` sets it from LeCoQA train and seed_dev for the model
    # the index was built with (no real model can be had on the development machine, so 1.0 is untuned).
    dense_weight: float = 1.0
    depth: int = 100  # candidates taken from each retriever before fusing (pyserini's k0)
    exact_search_limit: int = 300_000  # above this many clauses faiss uses an HNSW index
    encode_batch_size: int = 32
    # "auto": bf16 autocast where the CPU computes bf16 natively, else fp32 (ipqa.retrieval.encoder.passage_precision)
    encode_precision: str = "auto"
    # ipqa.retrieval.tokens.MODES. words+bigrams beat words alone, seeds + lawrefbook, BM25 only: seed_dev MRR@10 0.789
    # vs 0.742, LeCoQA hit@5 0.481 vs 0.437 (measured with `ipqa eval`).
    tokenizer: TokenizerMode = "words+bigrams"
    # Weight of thesaurus expansion tokens (ipqa.retrieval.expansion, ipqa/data/synonyms.txt) relative to the query's own
    # tokens (1.0); 0 turns expansion off. Query time only. 0.1-0.3 all lift seed_dev hit@5 from 0.938 to 1.0
    # (the colloquial question "用专利向银行申请贷款" reaches the 质押融资 clauses) with LeCoQA within ±0.003.
    query_expansion: float = 0.2
    # Scale of the document prior (ipqa.retrieval.prior, ipqa/data/prior.json) added to keyword scores; 0 turns it
    # off. Query time only. Seeds + lawrefbook, BM25 only: LeCoQA hit@5 / MRR@10 0.476 / 0.365 → 0.558 / 0.449,
    # seed_dev 1.000 / 0.802 → 1.000 / 0.885 (benchmarks/fit_prior.py).
    document_prior: float = 1.0
    # The retrievers, in fusion order: each name is a module ipqa.retrieval.<name> (see ipqa.retrieval.registry).
    retrievers: tuple[str, ...] = ("bm25", "dense")
    # Where the keyword index lives: "" is the index folder's own files (bm25s); "milvus://PATH.db" (milvus-lite)
    # or "milvus://HOST:PORT" (a Milvus server) puts it in a Milvus collection (ipqa.retrieval.milvus_store), with
    # "milvus_bm25" in place of "bm25" in retrievers (engine_settings does both).
    engine: str = ""
    milvus_collection: str = "ipqa"
    # The clause vectors' index in Milvus (ipqa.retrieval.milvus_vectors): FLAT is exact, as faiss is here;
    # milvus-lite also takes IVF_FLAT and AUTOINDEX, and HNSW needs a Milvus server.
    milvus_dense_index: str = "FLAT"
    # Read files and folders that corpus links point to outside the corpus folders. Off: such a link is skipped
    # with the reason, so `ln -s /etc/passwd corpus/x.txt` cannot put /etc/passwd into search results.
    outside_links: bool = False

    def with_engine(self, engine: str, collection: str = "") -> Settings:
        """These settings with the keyword index served by ``engine`` ("" or "files": the index folder)."""
        engine = "" if engine in ("", "files") else engine
        keyword = "milvus_bm25" if engine else "bm25"
        names = tuple(keyword if n in ("bm25", "milvus_bm25") else n for n in self.retrievers)
        return replace(self, engine=engine, retrievers=names, milvus_collection=collection or self.milvus_collection)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Settings:
        """Read settings saved in a manifest; unknown keys (from a newer version) are ignored. A value of the
        wrong type or outside its choices raises TypeError naming the setting: a manifest is a file a person can
        edit, and a string where a number belongs would otherwise fail at query time, deep in a search."""
        known = {f.name for f in fields(cls)}
        values = {k: (tuple(v) if isinstance(v, list) else v) for k, v in data.items() if k in known}
        hints = get_type_hints(cls)
        for name, value in values.items():
            if not _fits(value, hints[name]):
                raise TypeError(f"setting {name} is {value!r}, not {getattr(hints[name], '__name__', hints[name])}")
        return cls(**values)


def _fits(value, hint) -> bool:
    """Whether a value read from JSON fits a Settings annotation (bool is not a number here, an int is a float)."""
    choices = get_args(hint) if get_origin(hint) is Literal else ()
    if choices:
        return value in choices
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if get_origin(hint) is tuple:
        return isinstance(value, tuple) and all(isinstance(v, str) for v in value)
    return isinstance(value, hint)
