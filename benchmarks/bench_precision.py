"""Passage encoding on CPU at lower precision, against plain fp32 in the same process: bf16 autocast (AMX on
recent Xeons), a bf16 copy of the weights, and torch's dynamic int8 quantisation of the Linear layers. Reports
passages/s, the ratio to fp32, and the cosine of each variant's vectors to the fp32 ones (a variant is only worth
using at cosine ≥ 0.99).

    python -m benchmarks.bench_precision              # random weights in bge-small-zh-v1.5's shape
    python -m benchmarks.bench_precision --model DIR  # a real model directory
    python -m benchmarks.bench_precision --n 512 --batch 32
    python -m benchmarks.bench_precision --shape bge-m3 --n 48 --batch 16   # the multilingual model's cost

Random weights time like the real model (speed depends on the shape), but their cosine figures only say how
much the arithmetic changes, not how retrieval changes: rerun with --model on a real model before relying on one.
"""

from __future__ import annotations

import argparse
import copy
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.bench_encode import SHAPE_LABEL, seed_sentences


def _rate(encode, texts, batch: int) -> tuple[float, np.ndarray]:
    encode(texts[:batch], batch)  # warm-up
    began = time.perf_counter()
    vectors = encode(texts, batch)
    return len(texts) / (time.perf_counter() - began), vectors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="a local sentence-transformers directory (default: random bge-small shape)")
    parser.add_argument("--n", type=int, default=256, help="passages to encode per variant")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument(
        "--shape", choices=("bge-small", "bge-m3"), default="bge-small", help="the random-weight model's shape"
    )
    args = parser.parse_args()
    import torch
    from sentence_transformers import SentenceTransformer

    with tempfile.TemporaryDirectory() as tmp:
        if args.model:
            folder, label = args.model, args.model
        else:
            from tests.helpers.tiny_model import BGE_M3_SHAPE, BGE_SMALL_ZH_SHAPE, build_tiny_model

            shape = BGE_M3_SHAPE if args.shape == "bge-m3" else BGE_SMALL_ZH_SHAPE
            label = SHAPE_LABEL.replace("bge-small-zh-v1.5", args.shape) if args.shape == "bge-m3" else SHAPE_LABEL
            folder = str(build_tiny_model(Path(tmp) / "bge", **shape))
        model = SentenceTransformer(folder, device="cpu", local_files_only=True)
        texts = seed_sentences(args.n)
        print(f"model: {label}; {len(texts)} passages, batch {args.batch}, torch threads {torch.get_num_threads()}")

        def plain(m):
            return lambda t, b: m.encode(t, batch_size=b, normalize_embeddings=True, convert_to_numpy=True)

        def autocast(t, b):
            with torch.autocast("cpu", dtype=torch.bfloat16):
                return plain(model)(t, b)

        bf16_model = copy.deepcopy(model).to(torch.bfloat16)
        int8_model = copy.deepcopy(model)
        int8_model[0].auto_model = torch.ao.quantization.quantize_dynamic(
            int8_model[0].auto_model, {torch.nn.Linear}, dtype=torch.qint8
        )
        with torch.inference_mode():
            base_rate, base = _rate(plain(model), texts, args.batch)
            rows = [("fp32", base_rate, base)]
            for name, encode in (
                ("bf16 autocast", autocast),
                ("bf16 weights", plain(bf16_model)),
                ("int8 dynamic", plain(int8_model)),
            ):
                rate, vectors = _rate(encode, texts, args.batch)
                rows.append((name, rate, np.asarray(vectors, dtype=np.float32)))
        # Random weights can map every passage near one direction, which makes any cosine near 1. So the vectors
        # are also compared after removing the fp32 mean, and by whether each passage keeps its nearest neighbours.
        spread = float(np.mean(base @ base.T))
        print(f"mean cosine between different passages (fp32): {spread:.4f}")
        print(f"{'variant':16}{'passages/s':>12}{'× fp32':>9}{'cosine':>10}{'centred cos':>13}{'top-10 kept':>13}")
        centre = base.mean(axis=0)
        base_c = base - centre
        base_top = np.argsort(-(base @ base.T), axis=1)[:, 1:11]
        for name, rate, vectors in rows:
            cos = _cosine(vectors, base)
            centred = _cosine(vectors - centre, base_c)
            top = np.argsort(-(vectors @ vectors.T), axis=1)[:, 1:11]
            kept = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(top, base_top)])
            print(f"{name:16}{rate:12.1f}{rate / base_rate:9.2f}{cos.mean():10.4f}{centred.mean():13.4f}{kept:13.3f}")


def _cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1) + 1e-12)


if __name__ == "__main__":
    main()
