"""JSON output: one writer (ipqa.jsonio) for index files, ``--json`` and RUN files, which keeps Chinese readable and
survives lone surrogates (arguments and file names that were not UTF-8, ``"\\ud800"`` escapes in a QA file)."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from ipqa.cli import main
from ipqa.jsonio import dumps, write_jsonl

LONE = "\ud800知识产权\udcff"


@pytest.mark.parametrize("value", [LONE, {"问题" + LONE: [LONE, 1, None]}, "普通中文", ['a\\\ud800"b']])
def test_dumps_encodes_as_utf8_keeps_chinese_and_reads_back(value):
    text = dumps(value, indent=2)
    text.encode("utf-8")  # no UnicodeEncodeError
    assert json.loads(text) == value
    assert not re.search(r"\\u(?!d[89a-f])[0-9a-f]{4}", text)  # only surrogates are \u-escaped, Chinese is not


def test_write_jsonl_writes_one_readable_line_per_row(tmp_path):
    write_jsonl(tmp_path / "rows.jsonl", [{"q": LONE}, {"q": "谁负责"}])
    raw = (tmp_path / "rows.jsonl").read_text(encoding="utf-8")
    assert "谁负责" in raw and "\\ud800" in raw
    assert [json.loads(line)["q"] for line in raw.splitlines()] == [LONE, "谁负责"]


@pytest.mark.parametrize("command", ["search", "ask"])
def test_json_output_of_a_question_with_a_lone_surrogate(seed_bm25_index, command):
    question = "\ud800知识产权质押融资" + ("谁负责" if command == "ask" else "")
    result = CliRunner().invoke(main, [command, question, "--index", str(seed_bm25_index.folder), "--json"])
    assert result.exit_code == 0, repr(result.exception)
    data = json.loads(result.output)
    assert data["query" if command == "search" else "question"] == question
    assert data["hits"]
