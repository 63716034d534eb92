"""Small things people see (issue 14): a question of question words only is told so in Chinese; a file named like a
document but hidden ("..txt", ".txt") is reported, not dropped without a word; a skip reason never shows an object's
address ("<_io.BytesIO object at 0x…>")."""

from __future__ import annotations

import io
import shutil
import zipfile

import pytest

from ipqa.answer.pipeline import ask
from ipqa.corpus.reading import read_corpus, read_one
from ipqa.index.searcher import Index, build_index
from ipqa.settings import Settings
from ipqa.views.findings import skip_reason
from tests.helpers.office import docx_bytes
from tests.helpers.paths import CORPUS

SEED = CORPUS / "000_81f9c92258dafa0e.txt"


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> Index:
    corpus = tmp_path_factory.mktemp("corpus")
    shutil.copy(SEED, corpus)
    folder = corpus.parent / "index"
    build_index([corpus], folder, Settings(model=""))
    return Index.load(folder)


@pytest.mark.parametrize("question", ["谁？", "什么 如何 哪些", "？？！"])
def test_a_question_of_question_words_only_is_told_so_in_chinese(index, question):
    result = index.search(question)
    assert not result.hits and "没有可检索的词" in result.message
    answer = ask(index, question)
    assert not answer.answered and "没有可检索的词" in answer.text
    assert not any(c.isascii() and c.isalpha() for c in result.message)


def test_empty_and_filtered_out_searches_are_chinese(index):
    from ipqa.records import Filters

    assert "问题是空的" in index.search("  ").message
    assert index.search("专利", filters=Filters(region="北京市")).message == "没有符合筛选条件的文件。"


@pytest.mark.parametrize("name", ["..txt", ".txt", ".通知.txt", "..docx"])
def test_a_hidden_file_named_like_a_document_is_reported(tmp_path, name):
    shutil.copy(SEED, tmp_path / "good.txt")
    shutil.copy(SEED, tmp_path / name)
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x01")  # the system's own dot-files stay unlisted
    read = read_corpus([tmp_path])
    assert [d.doc_id for d in read.documents] == ["good"]
    [skipped] = read.skipped
    assert skipped.path.endswith(name) and "hidden" in skipped.reason
    assert skip_reason(skipped.reason).startswith("隐藏文件")


def test_a_skip_reason_has_no_object_address(tmp_path):
    """A spreadsheet renamed .docx: python-docx names the stream it was given by its repr."""
    package = zipfile.ZipFile(io.BytesIO(docx_bytes("正文")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as renamed:
        for member in package.infolist():
            data = package.read(member.filename)
            if member.filename == "[Content_Types].xml":
                data = data.replace(b"wordprocessingml.document.main+xml", b"spreadsheetml.sheet.main+xml")
            renamed.writestr(member, data)
    path = tmp_path / "table.docx"
    path.write_bytes(out.getvalue())
    skipped = read_one(path, tmp_path)
    assert "not a Word file" in skipped.reason and "object at 0x" not in skipped.reason, skipped.reason
    assert skip_reason(skipped.reason) == "Word（.docx）文件损坏，无法读取"
