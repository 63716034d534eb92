"""``ipqa verify``: a saved answer verifies; a tampered quote, span or source file is reported by name.
Also the ``ask``/``show`` commands end to end over an index built from a copy of corpus/ (BM25 only)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ipqa.answer.pipeline import ask
from ipqa.cli import main
from ipqa.evaluation.verify import VerifyInputError, load_citations, verify_file
from ipqa.index.searcher import Index, build_index
from ipqa.settings import Settings
from ipqa.views.terminal import answer_dict
from tests.helpers.paths import CORPUS

QUESTION = "谁负责知识产权质押融资？"


@pytest.fixture()
def built(tmp_path):
    """A fresh copy of the seeds and a BM25-only index over it (each test may edit the copy)."""
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    index_dir = tmp_path / "index"
    build_index([corpus], index_dir, Settings(model=""))
    return corpus, index_dir


def _saved_answer(index_dir, path, question=QUESTION) -> dict:
    data = answer_dict(Index.load(index_dir), ask(Index.load(index_dir), question))
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return data


def test_a_fresh_answer_verifies(built, tmp_path):
    _corpus, index_dir = built
    data = _saved_answer(index_dir, tmp_path / "a.json")
    assert data["answered"] and data["citations"]
    assert verify_file(tmp_path / "a.json", index_dir) == []
    assert verify_file(tmp_path / "a.json") == []  # without the index: the recorded source paths


def test_tampered_quote_and_span_are_named(built, tmp_path):
    _corpus, index_dir = built
    data = _saved_answer(index_dir, tmp_path / "a.json")
    first, second = data["citations"][0], data["citations"][-1]
    first["quote"] = first["quote"][:-1] + "X"
    second["start"] += 1
    second["end"] += 1
    (tmp_path / "bad.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    problems = verify_file(tmp_path / "bad.json", index_dir)
    assert len(problems) == (1 if first is second else 2)
    assert first["clause_id"] in problems[0] and "not the quoted" in problems[0]
    assert second["clause_id"] in problems[-1]
    assert first["reference"] in problems[0]


def test_edited_source_file_is_reported(built, tmp_path):
    corpus, index_dir = built
    data = _saved_answer(index_dir, tmp_path / "a.json")
    cited = {c["doc_id"] for c in data["citations"]}
    for doc_id in cited:
        path = next(corpus.glob(f"{doc_id}.*"))
        path.write_bytes(path.read_bytes() + "\n附：新增一行。\n".encode())
    problems = verify_file(tmp_path / "a.json", index_dir)
    assert len(problems) == len(data["citations"])
    assert all("changed since it was cited" in p for p in problems)


def test_run_jsonl_and_bad_input(built, tmp_path):
    _corpus, index_dir = built
    data = _saved_answer(index_dir, tmp_path / "a.json")
    run = tmp_path / "run.jsonl"
    run.write_text(
        "\n".join(json.dumps({"id": f"q{i}", "citations": data["citations"]}, ensure_ascii=False) for i in range(2))
        + "\n",
        encoding="utf-8",
    )
    assert len(load_citations(run)) == 2 * len(data["citations"])
    assert verify_file(run, index_dir) == []
    (tmp_path / "junk.txt").write_text("not json\n", encoding="utf-8")
    with pytest.raises(VerifyInputError, match="not JSON"):
        load_citations(tmp_path / "junk.txt")


def test_cli_ask_verify_show(built, tmp_path):
    _corpus, index_dir = built
    runner = CliRunner()
    out = runner.invoke(main, ["ask", QUESTION, "--index", str(index_dir), "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert set(data) == {"question", "kind", "answered", "answer", "confidence", "citations", "notes", "hits"}
    assert data["confidence"]  # how sure, in one Chinese line
    assert "省市场监管局" in data["answer"] and data["citations"][0]["reference"].startswith("《")
    saved = tmp_path / "a.json"
    saved.write_text(out.output, encoding="utf-8")
    ok = runner.invoke(main, ["verify", str(saved), "--index", str(index_dir)])
    assert ok.exit_code == 0 and "核对无误" in ok.output
    data["citations"][0]["quote"] += "！"
    saved.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    bad = runner.invoke(main, ["verify", str(saved), "--index", str(index_dir)])
    assert bad.exit_code == 1 and data["citations"][0]["clause_id"] in bad.output

    human = runner.invoke(main, ["ask", QUESTION, "--index", str(index_dir)])
    assert human.exit_code == 0 and "[1] 《" in human.output and "引用" in human.output
    clause_id = data["citations"][0]["clause_id"]
    shown = runner.invoke(main, ["show", clause_id, "--index", str(index_dir), "--context", "1"])
    assert shown.exit_code == 0 and "▶ " + clause_id in shown.output and "省市場監管局" in shown.output
    doc = runner.invoke(main, ["show", data["citations"][0]["doc_id"], "--index", str(index_dir)])
    assert doc.exit_code == 0 and clause_id in doc.output
    missing = runner.invoke(main, ["show", "no/such#id", "--index", str(index_dir)])
    assert missing.exit_code != 0 and "索引中没有文件或条款" in missing.output
    assert "Traceback" not in missing.output
    absent = runner.invoke(main, ["ask", QUESTION, "--index", str(tmp_path / "nowhere")])
    assert absent.exit_code != 0 and "ipqa build" in absent.output


def test_cli_user_errors_are_messages_not_tracebacks(tmp_path):
    runner = CliRunner()
    blank = runner.invoke(main, ["ask", "  ", "--index", str(tmp_path)])
    assert blank.exit_code == 1 and "问题是空的" in blank.output
    junk = tmp_path / "junk.json"
    junk.write_text("{broken", encoding="utf-8")
    bad = runner.invoke(main, ["verify", str(junk)])
    assert bad.exit_code == 1 and "not JSON" in bad.output and "Traceback" not in bad.output
    (tmp_path / "list.json").write_text("[1, 2]", encoding="utf-8")
    wrong = runner.invoke(main, ["verify", str(tmp_path / "list.json")])
    assert wrong.exit_code == 1 and "no ask/eval records" in wrong.output


def test_verify_works_from_another_folder_and_with_a_root(tmp_path, monkeypatch):
    """Relative roots recorded at build time are also tried against the index folder's parent, and --root names
    the corpus outright: run from anywhere, the citations still check out."""
    import json
    import shutil

    from click.testing import CliRunner

    from ipqa.answer.pipeline import ask
    from ipqa.cli import main
    from ipqa.index.build import build_index
    from ipqa.index.searcher import Index
    from ipqa.settings import Settings

    project = tmp_path / "project"
    shutil.copytree(CORPUS, project / "corpus")
    monkeypatch.chdir(project)
    build_index([Path("corpus")], Path("index"), Settings(model=""))  # roots recorded as "corpus", relative
    answer = ask(Index.load(Path("index")), "谁负责知识产权质押融资？")
    cited = tmp_path / "answer.json"
    cited.write_text(json.dumps({"citations": [c.to_dict() for c in answer.citations]}, ensure_ascii=False))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    runner = CliRunner()
    ok = runner.invoke(main, ["verify", str(cited), "--index", str(project / "index")])
    assert ok.exit_code == 0 and "核对无误" in ok.output, ok.output
    moved = tmp_path / "moved"
    shutil.copytree(project / "corpus", moved)
    for c in answer.citations:  # a citation whose recorded source is gone is found under --root
        assert Path(c.source).is_absolute() or not (elsewhere / c.source).exists()
    by_root = runner.invoke(main, ["verify", str(cited), "--root", str(moved)])
    assert by_root.exit_code == 0 and "核对无误" in by_root.output, by_root.output
