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
    assert first["clause_id"] in problems[0] and "不是所引的" in problems[0]
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
    assert all("被修改过" in p for p in problems)


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
    with pytest.raises(VerifyInputError, match="不是 JSON"):
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
    assert bad.exit_code == 1 and "不是 JSON" in bad.output and "Traceback" not in bad.output
    (tmp_path / "list.json").write_text("[1, 2]", encoding="utf-8")
    wrong = runner.invoke(main, ["verify", str(tmp_path / "list.json")])
    assert wrong.exit_code == 1 and "没有问答记录" in wrong.output


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


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("doc_number", "知战办发〔2021〕9号", "发文字号"),
        ("title", "某市知识产权规划", "标题"),
        ("issuer", "国务院", "发布机关"),
        ("date", "2019-01-01", "日期"),
        ("path", ["一、总体要求"], "条款路径"),
        ("labels", ["九、"], "条款编号"),
        ("reference", "《别的文件》一、", "出处"),
        ("source", "elsewhere/other.txt", "源文件路径"),
        ("clause_id", "001_e22083f13b5790bb#九/99", "没有条款"),
        ("clause_id", "000_81f9c92258dafa0e#一", "不属于"),
        ("doc_id", "000_81f9c92258dafa0e", "不属于"),
    ],
)
def test_every_field_a_citation_states_is_checked(built, tmp_path, field, value, said):
    """An edited 发文字号, title, issuer, date, clause path, reference or source path fails verify, by its name."""
    _corpus, index_dir = built
    data = _saved_answer(index_dir, tmp_path / "a.json")
    data["citations"][0][field] = value
    (tmp_path / "bad.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    problems = verify_file(tmp_path / "bad.json", index_dir)
    assert len(problems) == 1 and said in problems[0], problems


def test_metadata_answer_and_its_header_citation_verify(built, tmp_path):
    _corpus, index_dir = built
    data = _saved_answer(index_dir, tmp_path / "a.json", "甘肃省2020年推进计划的文号是什么？")
    assert data["citations"][0]["path"] == ["文件信息"]
    assert verify_file(tmp_path / "a.json", index_dir) == []
    data["answer"] = data["answer"].replace("3号", "8号")
    (tmp_path / "bad.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    [problem] = verify_file(tmp_path / "bad.json", index_dir)
    assert "第 1 行" in problem and "8号" in problem


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        (lambda a: a.replace("省市场监管局", "省财政厅", 1), "省财政厅"),  # a unit the cited clause does not name
        (lambda a: a.replace("[1][2]", "", 1), "没有引文标注"),  # a claim without its marks
        (lambda a: a.replace("《", "《泰安市", 1), "不是引文"),  # the line names another document
        (lambda a: a + "\n另有省财政厅负责资金保障。", "没有引文标注"),  # an added sentence
    ],
)
def test_each_answer_sentence_must_be_backed_by_its_citations(built, tmp_path, edit, said):
    _corpus, index_dir = built
    data = _saved_answer(index_dir, tmp_path / "a.json")
    assert "省市场监管局（原文：省市場監管局）负责[1][2]" in data["answer"]
    data["answer"] = edit(data["answer"])
    (tmp_path / "bad.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    problems = verify_file(tmp_path / "bad.json", index_dir)
    assert problems and all("答案第" in p for p in problems) and any(said in p for p in problems), problems


@pytest.mark.parametrize("question", ["泰安市到2025年有效发明专利要达到多少件？", "如何加强知识产权保护？", QUESTION])
def test_fresh_answers_of_every_kind_are_backed(built, tmp_path, question):
    _corpus, index_dir = built
    data = _saved_answer(index_dir, tmp_path / "a.json", question)
    assert data["answered"] and verify_file(tmp_path / "a.json", index_dir) == []
    figure = next((m for m in ("3300", "全链条", "市场监管局") if m in data["answer"]), None)
    assert figure, data["answer"]
    data["answer"] = data["answer"].replace(figure, "9999", 1)
    (tmp_path / "bad.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert any("9999" in p for p in verify_file(tmp_path / "bad.json", index_dir))


def test_a_deeply_nested_citation_file_is_a_sentence(tmp_path):
    nested = tmp_path / "nested.json"
    nested.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    result = CliRunner().invoke(main, ["verify", str(nested)])
    assert result.exit_code == 1 and "嵌套过深" in result.output and "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)
