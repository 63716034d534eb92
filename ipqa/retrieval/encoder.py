"""Loading a sentence-transformers encoder without ever touching the network, and encoding with it.

Air-gapped machines are the normal case for this tool: a naive ``SentenceTransformer("BAAI/…")`` spends ~78 s in
hub retries here before failing. So a model is either a local directory or a snapshot already in the Hugging Face
cache; anything else fails in well under a second with :class:`EncoderUnavailable` saying how to fix it, and the
index falls back to BM25 with that reason.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

from ipqa.retrieval.models import fetched_model_dir, is_model_dir


class EncoderUnavailable(Exception):
    """Semantic search cannot run; ``str(exc)`` says why and how to fix it."""


def _looks_like_path(name: str) -> bool:
    """A name the user meant as a directory (not a hub id such as ``BAAI/bge-small-zh-v1.5``)."""
    return name.startswith(("/", ".", "~", "\\")) or os.path.isabs(name) or name.count("/") > 1 or "\\" in name


def _cache_dir() -> str:
    from huggingface_hub import constants

    return constants.HF_HUB_CACHE


def resolve_model_dir(name_or_path: str) -> Path:
    """The local directory holding ``name_or_path``: the directory itself, its fetched copy under ``models/``
    (ipqa.retrieval.models), or its snapshot in the HF cache.

    Never makes a network call. Raises :class:`EncoderUnavailable` with an actionable message.
    """
    name = name_or_path.strip()
    if not name:
        raise EncoderUnavailable("semantic search disabled by setting (the model name is empty)")
    path = Path(name).expanduser()
    if path.exists():
        if not path.is_dir():
            raise EncoderUnavailable(f"model path {str(path)!r} is a file; pass the model's directory instead")
        if not is_model_dir(path):
            raise EncoderUnavailable(
                f"{str(path)!r} is not a sentence-transformers or Hugging Face model directory (it has neither "
                f"modules.json nor config.json); pass the folder that contains the downloaded model"
            )
        return path
    if _looks_like_path(name):
        raise EncoderUnavailable(f"model directory {str(path)!r} does not exist")
    fetched = fetched_model_dir(name)
    if fetched is not None:
        return fetched
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HFValidationError, LocalEntryNotFoundError

    try:
        # local_files_only: look in the cache and nowhere else; raises at once when the model is not there.
        return Path(snapshot_download(repo_id=name, local_files_only=True))
    except HFValidationError as exc:
        raise EncoderUnavailable(
            f"模型 {name!r} 既不是存在的文件夹，也不是有效的 Hugging Face 模型名（{exc}）"
        ) from None
    except (LocalEntryNotFoundError, OSError):  # not cached (or the cache is unreadable)
        raise EncoderUnavailable(
            f"模型 {name!r} 在本机不可用：它不是本地文件夹，也不在 Hugging Face 缓存（{_cache_dir()}）或 models/ 下。"
            f"请在能连上模型库或镜像（HF_ENDPOINT）的机器上运行 `ipqa fetch-model {name}`，"
            f"或在联网的机器上把它下载到 models/{name.rsplit('/', 1)[-1]}，再把该文件夹复制到这里"
        ) from None


def load_encoder(name_or_path: str) -> Encoder:
    """Load a sentence-transformers model from a local directory or the local HF cache, on CPU, offline."""
    folder = resolve_model_dir(name_or_path)
    import torch
    from sentence_transformers import SentenceTransformer

    # torch defaults to the physical-core count, which can be lower than the CPUs this process may use.
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    torch.set_num_threads(cpus or 1)
    from transformers.utils import logging as hf_logging

    # transformers draws a "Loading weights" bar on every load; a query-time load should not print to the terminal.
    bar_was_on = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    except Exception as exc:  # noqa: BLE001 - a broken download surfaces as any of several library errors
        raise EncoderUnavailable(f"could not load the model in {str(folder)!r}: {type(exc).__name__}: {exc}") from None
    finally:
        if bar_was_on:
            hf_logging.enable_progress_bar()
    encoder = Encoder(model, name_or_path)
    log.info("loaded encoder %s from %s (dim %d)", name_or_path, folder, encoder.dim)
    return encoder


def passage_precision(setting: str) -> str:
    """The precision passages are encoded at: "bf16" when asked, or with "auto" when the CPU computes bf16 natively
    (AMX / AVX512-BF16: torch's oneDNN reports it), else "fp32". benchmarks/bench_precision.py (random weights in
    bge-small-zh's shape, two runs) measured bf16 autocast at 3.1–3.9× the fp32 passages/s on this Xeon (AMX), with
    vectors at centred cosine 0.997 to fp32 and 87–97% of each passage's ten nearest neighbours kept; a bf16 copy
    of the weights was faster (4.97×) but kept only 23–38% of them, and int8 dynamic quantisation gave 1.3×, so
    neither is used. Set "fp32" to turn it off."""
    if setting in ("fp32", "bf16"):
        return setting
    try:
        import torch

        return "bf16" if torch.ops.mkldnn._is_mkldnn_bf16_supported() else "fp32"
    except (AttributeError, RuntimeError):
        return "fp32"


class Encoder:
    """A loaded model. Vectors are float32 and L2-normalised, so an inner product is a cosine similarity."""

    query_threads = 1  # torch threads for encode_query (see there); passages use what load_encoder set

    def __init__(self, model, name: str) -> None:
        self._model = model
        self.name = name
        dim_of = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        dim = dim_of()
        if not dim:
            raise EncoderUnavailable(f"model {name!r} does not report its embedding dimension")
        self.dim = int(dim)

    def encode_passages(
        self, texts: list[str], batch_size: int = 32, progress: bool = False, precision: str = "fp32"
    ) -> np.ndarray:
        """Embed passages (no instruction) as an (n, dim) float32 array of unit vectors. ``precision`` "bf16" runs
        the model under bf16 autocast (see :func:`passage_precision`); the vectors are float32 either way."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        import contextlib

        import torch

        context = torch.autocast("cpu", dtype=torch.bfloat16) if precision == "bf16" else contextlib.nullcontext()
        with context:
            vectors = self._model.encode(
                list(texts),
                batch_size=batch_size,
                show_progress_bar=progress,
                convert_to_numpy=True,
                normalize_embeddings=True,
            )
        return _unit_rows(np.asarray(vectors, dtype=np.float32))

    def encode_query(self, text: str, instruction: str = "") -> np.ndarray:
        """Embed one query as a (dim,) float32 unit vector; ``instruction`` is prepended (bge-zh is trained so)."""
        import torch

        # One short query is too little work to share between threads: on this 2-core machine (busy, load 5–8), a
        # bge-small-zh-shaped model answered in 27–40 ms (p50) on one torch thread against 48–89 ms on two, p95
        # 36–46 against 178–756 ms (benchmarks/bench_encode.py, two runs). Same reasoning as faiss' single-thread
        # search; the caller's setting is restored.
        previous = torch.get_num_threads()
        torch.set_num_threads(self.query_threads)
        try:
            vectors = self._model.encode(
                [instruction + text],
                batch_size=1,
                show_progress_bar=False,
                convert_to_numpy=True,
                normalize_embeddings=True,
            )
        finally:
            torch.set_num_threads(previous)
        return _unit_rows(vectors)[0]


def _unit_rows(vectors) -> np.ndarray:
    """float32, C-contiguous, each row of norm 1 (re-normalised in float32; an all-zero row stays zero)."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    np.divide(vectors, norms, out=vectors, where=norms > 0)
    return vectors
