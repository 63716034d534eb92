"""The Streamlit app end to end with ``streamlit.testing.v1.AppTest``, against a keyword-only index built from
the seeds plus a hostile file (HTML in clause text) and an unreadable one."""

from __future__ import annotations

import csv
import io
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from ipqa.text import normalise

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PLEDGE = "谁负责知识产权质押融资？"
HOSTILE = """测试市人民政府关于印发测试市专利导航工作方案的通知

测政字〔2024〕7号

一、工作任务
（一）开展专利导航<script>alert(1)</script>服务，建设<b>专利导航</b>服务基地。（测试市市场监管局负责）
（二）加强知识产权保护。（测试市司法局负责）

测试市人民政府
2024年5月6日
"""


def write_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for seed in sorted((ROOT / "corpus").glob("*.txt")):
        shutil.copy(seed, folder / seed.name)
    (folder / "900_hostile.txt").write_text(HOSTILE, encoding="utf-8")
    (folder / "901_broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<<>>\ntrailer\n")  # truncated: cannot be read
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, str]:
    """Environment for an app on a prebuilt keyword-only index (built once for the module)."""
    from ipqa.index.searcher import build_index
    from ipqa.settings import Settings

    base = tmp_path_factory.mktemp("app")
    corpus = write_corpus(base / "corpus")
    build_index([corpus], base / "index", Settings(model=""))
    return {"IPQA_INDEX": str(base / "index"), "IPQA_CORPUS": str(corpus), "IPQA_MODEL": ""}


@pytest.fixture
def app(built, monkeypatch):
    import streamlit as st

    for key, value in built.items():
        monkeypatch.setenv(key, value)
    st.cache_resource.clear()  # the cache outlives an AppTest: every test starts from a clean process state
    yield AppTest.from_file(APP, default_timeout=60)
    st.cache_resource.clear()


class Tags(HTMLParser):
    """The tags an HTML string really creates."""

    def __init__(self, body: str):
        super().__init__()
        self.tags: set[str] = set()
        self.feed(body)

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)


def html_bodies(at: AppTest) -> list[str]:
    return [el.value for el in at.get("html")]


def visible_text(at: AppTest) -> str:
    """Everything the page shows as text: HTML blocks, Markdown, alerts, code."""
    parts = html_bodies(at) + [el.value for el in at.markdown] + [el.value for el in at.code]
    parts += [el.value for kind in ("warning", "info", "error", "caption") for el in at.get(kind)]
    return "\n".join(parts)


def ask(at: AppTest, question: str) -> AppTest:
    at.run()
    at.text_input(key="question").set_value(question).run()
    assert not at.exception, at.exception
    return at


def test_ask_gives_a_cited_answer_and_updates_the_address(app):
    at = ask(app, PLEDGE)
    answer = next(b for b in html_bodies(at) if 'class="ipqa-answer"' in b)
    assert "省市场监管局" in normalise(answer)
    assert 'href="#ipqa-cite-1"' in answer  # a numbered citation marker
    assert any(c.value.startswith("《") and "sha256" in c.value for c in at.code)  # copy-able citation
    assert any('class="ipqa-card"' in b for b in html_bodies(at))
    assert at.query_params["q"] == PLEDGE


def test_shared_address_asks_the_question(app):
    app.query_params["q"] = PLEDGE
    at = app.run()
    assert not at.exception
    assert at.text_input(key="question").value == PLEDGE
    assert "省市场监管局" in normalise(visible_text(at))


def test_example_button_asks(app):
    app.run()
    at = app.button(key="example_0").click().run()
    assert at.text_input(key="question").value == PLEDGE
    assert any('class="ipqa-answer"' in b for b in html_bodies(at))


def test_document_filter_restricts_results(app):
    at = ask(app, PLEDGE)
    hits = at.session_state["_answer"][1].hits
    other = next(h.clause.doc_id for h in hits if h.clause.doc_id.startswith("000_"))
    at.multiselect(key="f_docs").set_value([other]).run()
    hits = at.session_state["_answer"][1].hits
    assert hits and {h.clause.doc_id for h in hits} == {other}
    at.button(key="open_hit_1").click().run()
    at.button(key="back").click().run()  # the filter is still set after visiting a document
    assert at.multiselect(key="f_docs").value == [other]


def test_level_and_year_filters_restrict_results(app, built):
    from ipqa.index.searcher import Index

    documents = Index.load(Path(built["IPQA_INDEX"])).documents
    at = ask(app, PLEDGE)
    at.selectbox(key="f_level").set_value("provincial").run()
    hits = at.session_state["_answer"][1].hits
    assert hits and all(documents[h.clause.doc_id].meta.level == "provincial" for h in hits)
    at.selectbox(key="f_level").set_value("全部").run()
    at.slider(key="f_years").set_value((2022, 2024)).run()
    hits = at.session_state["_answer"][1].hits
    assert hits and all(2022 <= (documents[h.clause.doc_id].meta.year or 0) <= 2024 for h in hits)


def test_question_the_corpus_cannot_answer_says_so(app):
    at = ask(app, "如何申请离婚？")
    assert any("没有找到" in i.value for i in at.info)
    assert not any('class="ipqa-answer"' in b for b in html_bodies(at))
    assert any("最接近的条款" in h.value for h in at.subheader)


def test_open_cited_document_at_the_clause(app):
    at = ask(app, PLEDGE)
    cited = at.session_state["_answer"][1].citations[0]
    at.button(key="open_cite_1").click().run()
    assert not at.exception
    assert at.query_params["doc"] == cited.doc_id and at.query_params["clause"] == cited.clause_id
    bodies = html_bodies(at)
    assert any('class="ipqa-outline"' in b and 'class="ipqa-item ipqa-current"' in b for b in bodies)
    doc_html = next(b for b in bodies if 'class="ipqa-doc"' in b)
    assert "ipqa-cited" in doc_html
    at.button(key="back").click().run()
    assert at.query_params["q"] == PLEDGE and at.text_input(key="question").value == PLEDGE
    at.button(key="open_cite_1").click().run()
    at.radio(key="script").set_value("traditional").run()
    assert "省市場監管局" in next(b for b in html_bodies(at) if 'class="ipqa-doc"' in b)


def test_export_downloads_contain_the_citations(app, monkeypatch):
    saved: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def capture(self, data, mimetype, kind, filename=None):
        saved[filename] = data
        return original(self, data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", capture)
    at = ask(app, PLEDGE)
    assert [b.label for b in at.download_button] == ["导出 CSV", "导出 Markdown"]
    cited = at.session_state["_answer"][1].citations[0]
    rows = list(csv.DictReader(io.StringIO(saved["ipqa-results.csv"].decode("utf-8-sig"))))
    cite_row = next(r for r in rows if r["类别"] == "答案引用")
    assert cite_row["引用"] == cited.reference() and cite_row["sha256"] == cited.sha256
    assert cite_row["引文"] == cited.quote
    md = saved["ipqa-results.md"].decode("utf-8")
    assert cited.reference().replace(".", "\\.") in md or cited.reference() in md
    assert cited.sha256 in md


@pytest.mark.parametrize("question", ["", "   ", "知" * 10_000, "😀🎉🚀", "？！。"])
def test_bad_input_gives_a_message_not_a_traceback(app, question):
    at = ask(app, question)
    assert not at.exception
    assert not any('class="ipqa-answer"' in b for b in html_bodies(at))
    if question.strip():
        assert at.info and ("太长" in at.info[0].value or "没有可检索" in at.info[0].value)


def test_emoji_inside_a_real_question_still_answers(app):
    at = ask(app, "谁负责知识产权质押融资😀？")
    assert "省市场监管局" in normalise(visible_text(at))


def test_document_markup_renders_as_text(app):
    at = ask(app, "专利导航服务基地由谁负责？")
    bodies = html_bodies(at)
    assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in b for b in bodies)
    assert any("&lt;b&gt;" in b for b in bodies)
    assert not any(Tags(b).tags & {"script", "b"} for b in bodies)
    hit = next(h for h in at.session_state["_answer"][1].hits if h.clause.doc_id == "900_hostile")
    at.query_params.update({"doc": "900_hostile", "clause": hit.clause.clause_id})
    at.query_params.pop("q", None)
    at.run()
    bodies = html_bodies(at)
    assert any('class="ipqa-doc"' in b and "&lt;script&gt;" in b for b in bodies)
    assert not any(Tags(b).tags & {"script", "b"} for b in bodies)


def test_banner_says_semantic_search_is_off_and_how_to_turn_it_on(app):
    at = app.run()
    banner = next(w.value for w in at.warning if "语义检索未开启" in w.value)
    assert "IPQA_MODEL" in banner and "重建索引" in banner


def test_corpus_page_lists_documents_flags_and_unread_files(app):
    app.query_params["page"] = "corpus"
    at = app.run()
    assert not at.exception
    tables = [df.value for df in at.dataframe]
    assert "900_hostile" in set(tables[0]["文件"])
    skipped = next(t for t in tables if "原因" in t.columns)
    assert any("901_broken.pdf" in p for p in skipped["文件"])


def test_unknown_document_is_a_message(app):
    app.query_params.update({"doc": "nope/../../etc", "clause": "x"})
    at = app.run()
    assert not at.exception and "没有这个文件" in at.error[0].value


def test_first_run_builds_the_index_then_answers(tmp_path, monkeypatch):
    import streamlit as st

    corpus = write_corpus(tmp_path / "corpus")
    monkeypatch.setenv("IPQA_INDEX", str(tmp_path / "index"))
    monkeypatch.setenv("IPQA_CORPUS", str(corpus))
    monkeypatch.setenv("IPQA_MODEL", "")
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["q"] = PLEDGE
    at.run()
    st.cache_resource.clear()
    assert not at.exception
    assert (tmp_path / "index" / "manifest.json").exists()
    assert any("索引已建立" in t.value for t in at.toast)
    assert "省市场监管局" in normalise(visible_text(at))
