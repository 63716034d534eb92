"""The command line's views: one JSON shape for a hit, shared by ``ipqa search --json`` and ``ipqa eval`` RUN files."""

from __future__ import annotations

import json

from click.testing import CliRunner

from ipqa.cli import main
from ipqa.evaluation.evaluate import Question, evaluate


def test_search_json_and_run_files_share_one_hit_shape(seed_bm25_index, tmp_path):
    query = "知识产权质押融资"
    shown = CliRunner().invoke(main, ["search", query, "--index", str(seed_bm25_index.folder), "--json", "-k", "3"])
    assert shown.exit_code == 0, shown.output
    hits = json.loads(shown.output)["hits"]
    out = tmp_path / "run.jsonl"
    evaluate(seed_bm25_index, [Question("q", query, "", ("质押融资",))], k=3, out=out, with_answers=False)
    run_hits = json.loads(out.read_text(encoding="utf-8"))["hits"]
    assert set(hits[0]) - set(run_hits[0]) == {"retrievers", "matched_terms"}  # a RUN line leaves out the why
    assert [{key: hit[key] for key in run_hits[0]} for hit in hits] == run_hits
