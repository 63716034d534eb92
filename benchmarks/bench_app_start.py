"""Time from ``streamlit run app.py`` to the first answer rendered in a real browser (Debian Chromium).

Two figures: the first run on a fresh checkout (no index: the app builds it from the corpus, then answers) and a
later start on the built index (load once, answer). Each is measured from launching the server process to the
answer text appearing in the page, opened at ``/?q=<question>``. A third: on a fresh server, a person opens the
page, types for 3 s and presses Enter: the time from Enter to the answer.

    python -m benchmarks.bench_app_start                      # seeds in corpus/, keyword-only index
    python -m benchmarks.bench_app_start --corpus corpus --corpus ../shared/data/lawrefbook --repeat 1
    python -m benchmarks.bench_app_start --model BAAI/bge-small-zh-v1.5   # when the model is in the local cache
    # warm starts only, on an index already built from the same corpus:
    python -m benchmarks.bench_app_start --corpus corpus --corpus ../shared/data/lawrefbook --index /tmp/big
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from tests.helpers.browser import browser_problem, chromium, serve_app, wait_for

QUESTION = "谁负责知识产权质押融资？"


def time_to_answer(env: dict[str, str], question: str, timeout: float, log: Path) -> dict[str, float]:
    """Seconds from launching the server to (a) its health check answering, (b) the answer rendered."""
    from urllib.parse import quote

    with chromium() as driver:
        start = time.perf_counter()
        with serve_app(env, log_path=log) as url:
            up = time.perf_counter() - start
            driver.get(f"{url}/?q={quote(question)}")
            wait_for(driver, ".ipqa-answer, [data-testid='stAlertContentInfo']", timeout=timeout)
            answered = time.perf_counter() - start
    return {"server_up_s": round(up, 2), "first_answer_s": round(answered, 2)}


def time_typed(env: dict[str, str], question: str, think: float, log: Path) -> float:
    """Seconds from pressing Enter to the answer, when a person opens the page and types for ``think`` seconds
    first (the app warms the tokenizer and encoder while they type)."""
    from selenium.webdriver.common.keys import Keys

    with chromium() as driver, serve_app(env, log_path=log) as url:
        driver.get(url + "/")
        box = wait_for(driver, "input[aria-label='问题（回车提问）']", timeout=300)
        time.sleep(think)
        box.send_keys(question)
        start = time.perf_counter()
        box.send_keys(Keys.ENTER)
        wait_for(driver, ".ipqa-answer, [data-testid='stAlertContentInfo']", timeout=300)
        return round(time.perf_counter() - start, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", action="append", type=Path, help="corpus folder (repeatable); default corpus/")
    parser.add_argument("--model", default="", help='embedding model for the build; "" (default) = keywords only')
    parser.add_argument("--question", default=QUESTION)
    parser.add_argument("--repeat", type=int, default=3, help="warm starts to time (median reported)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds to wait for the first-run answer")
    parser.add_argument("--index", type=Path, help="an index already built from --corpus: time warm starts only")
    args = parser.parse_args()
    problem = browser_problem()
    if problem:
        sys.exit(f"cannot run the browser benchmark: {problem}")
    corpora = [p.resolve() for p in (args.corpus or [ROOT / "corpus"])]
    with tempfile.TemporaryDirectory(prefix="ipqa-bench-") as tmp:
        index = args.index.resolve() if args.index else Path(tmp) / "index"
        env = {"IPQA_INDEX": str(index), "IPQA_CORPUS": os.pathsep.join(map(str, corpora)), "IPQA_MODEL": args.model}
        first = None if args.index else time_to_answer(env, args.question, args.timeout, Path(tmp) / "first.log")
        manifest = json.loads((index / "manifest.json").read_text(encoding="utf-8"))
        warm = [time_to_answer(env, args.question, 300, Path(tmp) / f"warm{i}.log") for i in range(args.repeat)]
        typed = [time_typed(env, args.question, 3.0, Path(tmp) / f"typed{i}.log") for i in range(args.repeat)]
    result = {
        "corpus": [str(p) for p in corpora],
        "model": args.model or "(none: BM25 only)",
        "documents": manifest.get("counts", {}).get("documents"),
        "clauses": manifest.get("counts", {}).get("clauses"),
        "first_run": first,
        "warm_first_answer_s": [w["first_answer_s"] for w in warm],
        "warm_median_s": statistics.median(w["first_answer_s"] for w in warm) if warm else None,
        "warm_server_up_median_s": statistics.median(w["server_up_s"] for w in warm) if warm else None,
        "typed_enter_to_answer_s": typed,
        "typed_median_s": statistics.median(typed) if typed else None,
    }
    from ipqa.jsonio import dumps

    print(dumps(result, indent=2))


if __name__ == "__main__":
    main()
