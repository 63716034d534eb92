"""Where a cold build's CPU goes, stage by stage, and jieba's own cut against ipqa's (ipqa.retrieval.fastcut) on
the same clauses in the same process.

    python -m benchmarks.bench_tokens [--every 8] [FOLDER]    # default: ../shared/data/lawrefbook, every 8th file

Stages are timed in CPU seconds of this one process (what a build's two workers share between them): read
(decode, clean, metadata), split (clauses, departments), the indexed text (normalise: NFKC, OpenCC t2s), then the
tokens two ways from cold caches: jieba's cut (the reference) and the fast cut, alternated ``--repeat`` times. The token lists are compared; any difference is
printed and makes the exit status 1.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ipqa.clauses.split import split_clauses
from ipqa.corpus.reading import UnreadableFile, find_files, read_document
from ipqa.index.ingest import indexed_text
from ipqa.retrieval import tokens
from ipqa.settings import Settings

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lawrefbook"


def _cpu() -> float:
    return time.process_time()


def _tokens_with(fast: bool, texts: list[str], mode: str) -> tuple[list[list[str]], float]:
    tokens.clear_caches()
    began = _cpu()
    out = [tokens.tokenize_normalised(t, mode, fast) for t in texts]
    return out, _cpu() - began


def main(folder: Path, every: int, repeat: int) -> int:
    if not folder.is_dir():
        sys.exit(f"{folder} is not a folder (the lawrefbook data lives in ../shared/data/lawrefbook)")
    settings = Settings()
    files = find_files([folder])[::every]
    tokens.warm_up()
    seconds = dict.fromkeys(("read", "split", "indexed text"), 0.0)
    texts: list[str] = []
    for root, path in files:
        t0 = _cpu()
        try:
            document = read_document(path, root)
        except UnreadableFile:
            continue
        t1 = _cpu()
        clauses = split_clauses(document, settings.max_clause_chars)
        t2 = _cpu()
        texts.extend(indexed_text(document, c) for c in clauses)
        seconds["read"] += t1 - t0
        seconds["split"] += t2 - t1
        seconds["indexed text"] += _cpu() - t2
    mode = settings.tokenizer
    try:
        for _ in range(repeat):  # alternated, each the least of its runs: the machine is shared
            reference, s = _tokens_with(False, texts, mode)
            seconds["tokens, jieba"] = min(s, seconds.get("tokens, jieba", s))
            fast, s = _tokens_with(True, texts, mode)
            seconds["tokens, fast cut"] = min(s, seconds.get("tokens, fast cut", s))
    finally:
        tokens.clear_caches()
    chars = sum(map(len, texts))
    print(f"{len(files)} files (every {every}th), {len(texts):,} clauses, {chars:,} characters, mode {mode}")
    for stage, s in seconds.items():
        print(f"  {stage:<18} {s:7.2f} CPU-s")
    ratio = seconds["tokens, jieba"] / max(seconds["tokens, fast cut"], 1e-9)
    print(f"  fast cut / jieba: {ratio:.2f}x faster")
    different = sum(a != b for a, b in zip(reference, fast))
    print(f"  clauses whose tokens differ: {different} of {len(texts):,}")
    return 1 if different else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--every", type=int, default=8, help="take every Nth file")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each cut, alternated; the least is shown")
    args = parser.parse_args()
    sys.exit(main(args.folder, args.every, args.repeat))
