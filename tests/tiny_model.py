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

_built: dict[str, Path] = {}


def vocabulary() -> list[str]:
    chars = [chr(c) for c in range(CJK_RANGE[0], CJK_RANGE[1] + 1)]
    return SPECIAL_TOKENS + list(dict.fromkeys(EXTRA_CHARS)) + chars


def build_tiny_model(folder: Path, pooling: str = "mean", seed: int = 0) -> Path:
    """Write a 2-layer, 32-wide BERT over a character vocabulary as a sentence-transformers model into ``folder``
    (transformer → pooling → normalize) and return the folder. Deterministic for a given ``seed``."""
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
    tokenizer = BertTokenizerFast(vocab_file=str(hf_dir / "vocab.txt"), do_lower_case=True,
                                  tokenize_chinese_chars=True, model_max_length=MAX_SEQ_LENGTH)
    tokenizer.save_pretrained(str(hf_dir))
    config = BertConfig(vocab_size=len(vocab), hidden_size=HIDDEN, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=MAX_SEQ_LENGTH)
    torch.manual_seed(seed)
    BertModel(config).save_pretrained(str(hf_dir))

    transformer = Transformer(str(hf_dir), max_seq_length=MAX_SEQ_LENGTH)
    model = SentenceTransformer(modules=[transformer, Pooling(HIDDEN, pooling), Normalize()], device="cpu")
    out = folder / "model"
    model.save(str(out))
    return out


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Directory of a TEST-ONLY sentence-transformers model with random weights (dim 32); load it with
    ``ipqa.dense.load_encoder(str(tiny_model_dir))``. Built once per session."""
    if "mean" not in _built:
        _built["mean"] = build_tiny_model(tmp_path_factory.mktemp("tiny_model"))
    return _built["mean"]
