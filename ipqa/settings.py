"""One frozen Settings record: chosen at build time, saved into ``index/manifest.json``, read back at query time
so the tokenizer, model and fusion cannot drift between build and search."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

DEFAULT_MODEL = "BAAI/bge-small-zh-v1.5"
# bge-*-zh-v1.5 models are trained with this instruction prepended to short queries (not to passages).
BGE_ZH_QUERY_INSTRUCTION = "为这个句子生成表示以用于检索相关文章："


@dataclass(frozen=True)
class Settings:
    model: str = DEFAULT_MODEL  # hub name or local directory; "" turns semantic search off
    query_instruction: str = BGE_ZH_QUERY_INSTRUCTION
    max_clause_chars: int = 500  # longer clauses are split at sentence boundaries (bge-small: 512 tokens)
    bm25_k1: float = 1.5
    bm25_b: float = 0.75
    rrf_k: int = 60  # Cormack et al. 2009; see fusion.rrf
    depth: int = 100  # candidates taken from each retriever before fusing (pyserini's k0)
    exact_search_limit: int = 300_000  # above this many clauses faiss uses an HNSW index
    encode_batch_size: int = 32
    # ipqa.tokenize.MODES. words+bigrams beat words alone, seeds + lawrefbook, BM25 only: seed_dev MRR@10 0.789
    # vs 0.742, LeCoQA hit@5 0.481 vs 0.437 (measured with `ipqa eval`).
    tokenizer: str = "words+bigrams"

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Settings:
        """Read settings saved in a manifest; unknown keys (from a newer version) are ignored."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})
