"""A real, tiny sentence-transformers model built on the fly, so tests run the real loading code without downloads.

TEST-ONLY: the weights are random (seeded), so its embeddings carry no meaning. Tests that use it check plumbing
(shapes, normalisation, determinism, save/load, faiss agreement), never retrieval quality.

Use it from a test module with ``from tiny_model import tiny_model_dir  # noqa: F401`` (pytest puts ``tests/`` on
``sys.path``). The model is built once per test session however many modules import the fixture.
"""

from __future__ import annotations

from pathlib import Path

import pytest

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
# The CJK Unified Ideographs block (U+4E00–U+9FFF) covers every character of the seeds and of ordinary policy text;
# a fixed range keeps the vocabulary independent of ../shared and of the corpus files.
CJK_RANGE = (0x4E00, 0x9FFF)
EXTRA_CHARS = "0123456789abcdefghijklmnopqrstuvwxyz。，、；：？！“”‘’（）《》〔〕【】—…·%.,;:?!()-/"
HIDDEN = 32
MAX_SEQ_LENGTH = 128
# The architecture of BAAI/bge-small-zh-v1.5 (its config.json), for benchmarks: timing depends on the shape only,
# so random weights in this shape time like the real model without downloading it. Never a quality figure.
BGE_SMALL_ZH_SHAPE = {
    "hidden": 512,
    "layers": 4,
    "heads": 8,
    "intermediate": 2048,
    "pooling": "cls",
    "max_seq_length": 512,
}

# BAAI/bge-m3's encoder (XLM-RoBERTa large: 24 layers, 1024 wide, CLS pooling) for the cost of the multilingual
# model. This BERT cuts Chinese into single characters while bge-m3's sentencepiece vocabulary joins many into
# one token, so its timing is an upper bound on bge-m3's (more tokens per passage). Max length cut to 512, as
# ipqa's clauses are.
BGE_M3_SHAPE = {
    "hidden": 1024,
    "layers": 24,
    "heads": 16,
    "intermediate": 4096,
    "pooling": "cls",
    "max_seq_length": 512,
}

_built: dict[str, Path] = {}


def vocabulary() -> list[str]:
    chars = [chr(c) for c in range(CJK_RANGE[0], CJK_RANGE[1] + 1)]
    return SPECIAL_TOKENS + list(dict.fromkeys(EXTRA_CHARS)) + chars


def build_tiny_model(
    folder: Path,
    pooling: str = "mean",
    seed: int = 0,
    *,
    hidden: int = HIDDEN,
    layers: int = 2,
    heads: int = 2,
    intermediate: int = 64,
    max_seq_length: int = MAX_SEQ_LENGTH,
) -> Path:
    """Write a BERT over a character vocabulary (default: 2 layers, 32 wide) as a sentence-transformers model
    into ``folder`` (transformer → pooling → normalize) and return the model's folder. Deterministic for a given
    ``seed``. ``build_tiny_model(dir, **BGE_SMALL_ZH_SHAPE)`` gives the real model's shape for timing."""
    import torch
    from transformers import BertConfig, BertModel, BertTokenizerFast

    try:  # sentence-transformers ≥ 5 moved the modules; 3.x/4.x only have ``models``
        from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
    except ImportError:  # pragma: no cover - older sentence-transformers
        from sentence_transformers.models import Normalize, Pooling, Transformer
    from sentence_transformers import SentenceTransformer

    folder = Path(folder)
    hf_dir = folder / "hf"
    hf_dir.mkdir(parents=True, exist_ok=True)
    vocab = vocabulary()
    (hf_dir / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tokenizer = BertTokenizerFast(
        vocab_file=str(hf_dir / "vocab.txt"),
        do_lower_case=True,
        tokenize_chinese_chars=True,
        model_max_length=max_seq_length,
    )
    tokenizer.save_pretrained(str(hf_dir))
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=hidden,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        intermediate_size=intermediate,
        max_position_embeddings=max_seq_length,
    )
    torch.manual_seed(seed)
    BertModel(config).save_pretrained(str(hf_dir))

    transformer = Transformer(str(hf_dir), max_seq_length=max_seq_length)
    model = SentenceTransformer(modules=[transformer, Pooling(hidden, pooling), Normalize()], device="cpu")
    out = folder / "model"
    model.save(str(out))
    return out


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Directory of a TEST-ONLY sentence-transformers model with random weights (dim 32); load it with
    ``ipqa.retrieval.dense.load_encoder(str(tiny_model_dir))``. Built once per session."""
    if "mean" not in _built:
        _built["mean"] = build_tiny_model(tmp_path_factory.mktemp("tiny_model"))
    return _built["mean"]
