"""Security: no code-executing loads in the sources, no file outside the index readable through an id, every
document-derived string escaped in the app, and no network call at query time."""

from __future__ import annotations

import io
import re
import socket
import tokenize as pytokenize
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from ipqa.answer.pipeline import ask
from ipqa.cli import main
from ipqa.index.searcher import Index, build_index
from ipqa.settings import Settings
from tests.helpers.paths import CORPUS, ROOT

SOURCES = sorted((ROOT / "ipqa").rglob("*.py")) + [ROOT / "app.py", *sorted((ROOT / "app_pages").glob("*.py"))]
# Each pattern is a way to run code from data. Matched against code with comments and strings blanked out.
DANGEROUS = {
    "pickle": r"\b(c?pickle|dill|cloudpickle|shelve|marshal)\b",
    "joblib": r"\bjoblib\b",
    "torch.load without weights_only=True": r"torch\.load\((?![^)]*weights_only\s*=\s*True)",
    "np.load with allow_pickle=True": r"allow_pickle\s*=\s*True",
    "eval/exec": r"(?<![\w.])(eval|exec|compile|__import__)\s*\(",
    "yaml.load": r"yaml\.(unsafe_)?load\(",
    "trust_remote_code=True": r"trust_remote_code\s*=\s*True",
    "shell=True": r"shell\s*=\s*True",
    "os.system/popen": r"\bos\.(system|popen)\(",
}


def _code_only(path: Path) -> str:
    """The file's code with comments and string literals blanked (docstrings may name what is forbidden), tokens
    joined tightly (``torch . load (`` → ``torch.load(``) with one space only between two names."""
    out, previous = [], None
    for tok in pytokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline):
        if tok.type in (pytokenize.COMMENT, pytokenize.NL, pytokenize.INDENT, pytokenize.DEDENT):
            continue
        text = '""' if tok.type == pytokenize.STRING else "\n" if tok.type == pytokenize.NEWLINE else tok.string
        if previous == pytokenize.NAME and tok.type == pytokenize.NAME:
            out.append(" ")
        out.append(text)
        previous = tok.type
    return "".join(out)


def _findings(path: Path) -> list[str]:
    code = _code_only(path)
    return [name for name, pattern in DANGEROUS.items() if re.search(pattern, code)]


def test_the_scanner_catches_each_pattern(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import pickle\nx = torch.load(f)\nnp.load(f, allow_pickle = True)\neval(s)\nyaml.load(s)\n"
        "m(trust_remote_code=True)\nsubprocess.run(c, shell=True)\nos.system(c)\nimport joblib\n"
    )
    assert _findings(bad) == list(DANGEROUS)
    safe = tmp_path / "safe.py"
    safe.write_text(
        '"""never pickle; eval(x) in a docstring"""\nnp.load(f, allow_pickle=False)  # no pickle\n'
        "torch.load(f, weights_only=True)\nretrieval(x)\nmodel.eval()\nsubprocess.run(['ls'])\n"
    )
    assert _findings(safe) == []


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_code_executing_load_in_the_sources(path):
    assert not _findings(path), f"{path.relative_to(ROOT)}: {_findings(path)}"


# --- ids never reach the file system -----------------------------------------------------------------------

SECRET = "SECRET-MARKER-4711 root:x:0:0"


@pytest.fixture(scope="module")
def fenced(tmp_path_factory) -> Path:
    """An index next to a secret file that no id may reveal."""
    base = tmp_path_factory.mktemp("fenced")
    (base / "secret.txt").write_text(SECRET, encoding="utf-8")
    (base / "corpus").mkdir()
    (base / "corpus" / "a.txt").write_text("测试办法\n第一条 市市场监管局负责专利导航。\n", encoding="utf-8")
    build_index([base / "corpus"], base / "index", Settings(model=""))
    return base


def _traversals(base: Path) -> list[str]:
    return [
        "../secret",
        "../../secret",
        "../secret.txt",
        str(base / "secret"),
        str(base / "secret.txt"),
        "/etc/passwd",
        "../../../../etc/passwd",
        "a/../../secret",
        "a#../../secret",
        "./../secret",
        "%2e%2e/secret",
        "..\\secret",
        "a\x00../secret",
        "~/.ssh/id_rsa",
    ]


def test_show_refuses_paths_outside_the_index(fenced):
    runner = CliRunner()
    for item in _traversals(fenced):
        result = runner.invoke(main, ["show", item, "--index", str(fenced / "index")])
        assert result.exit_code != 0 and "索引中没有文件或条款" in result.output, (item, result.output)
        assert "SECRET-MARKER" not in result.output and "root:" not in result.output


def test_library_lookups_are_dictionary_lookups_not_file_reads(fenced, monkeypatch):
    import builtins

    index = Index.load(fenced / "index")
    opened: list[str] = []
    real_open = builtins.open
    monkeypatch.setattr(builtins, "open", lambda f, *a, **k: opened.append(str(f)) or real_open(f, *a, **k))
    for item in _traversals(fenced):
        with pytest.raises(KeyError):
            index.document(item)
        with pytest.raises(KeyError):
            index.clause(item)
        assert all(SECRET not in hit.clause.text for hit in index.search(item, k=3).hits)
    assert not [f for f in opened if "secret" in f or f.startswith("/etc")]


# --- the app escapes what documents say --------------------------------------------------------------------

HOSTILE_NAME = "<img src=x onerror=alert(1)>方案.txt"
HOSTILE = """发布机关: <img src=x onerror=alert(2)>测试市人民政府
标题: <script>alert(3)</script>测试市人民政府关于印发专利导航<iframe src=//evil>工作方案的通知
发文字号: 测政字〔2024〕<svg onload=alert(4)>9号

一、<b onmouseover=alert(5)>工作任务</b>
（一）开展专利导航<script>alert(6)</script>服务，建设<img src=x onerror=alert(7)>专利导航服务基地。（测试市市场监管局负责）
（二）加强知识产权保护<a href="javascript:alert(8)">链接</a>。（测试市司法局负责）
"""


class Markup(HTMLParser):
    """The elements and attributes a string of HTML really creates."""

    def __init__(self, body: str):
        super().__init__()
        self.tags: set[str] = set()
        self.attrs: set[str] = set()
        self.feed(body)

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs.update(f"{name}={value}" for name, value in attrs)


def _assert_inert(at) -> None:
    from tests.helpers.apptest import html_bodies, own_scripts

    own_scripts(at)  # the only blocks allowed to run JavaScript: the app's fixed scripts, checked there
    bodies = html_bodies(at)
    bodies += [el.value for el in at.markdown if getattr(el.proto, "allow_html", False)]
    assert bodies, "the app rendered no HTML at all: nothing was checked"
    for body in bodies:
        markup = Markup(body)
        assert not markup.tags & {"script", "img", "iframe", "svg", "b"}, markup.tags
        assert not [a for a in markup.attrs if a.startswith("on") or "javascript:" in a], markup.attrs


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory) -> dict[str, str]:
    base = tmp_path_factory.mktemp("hostile")
    (base / "corpus").mkdir()
    (base / "corpus" / HOSTILE_NAME).write_text(HOSTILE, encoding="utf-8")
    for seed in sorted(CORPUS.glob("*.txt"))[:2]:
        (base / "corpus" / seed.name).write_bytes(seed.read_bytes())
    build_index([base / "corpus"], base / "index", Settings(model=""))
    index = Index.load(base / "index")
    doc_id = Path(HOSTILE_NAME).stem
    assert "<script>" in index.document(doc_id).title and "<img" in index.document(doc_id).meta.issuer
    return {
        "IPQA_INDEX": str(base / "index"),
        "IPQA_CORPUS": str(base / "corpus"),
        "IPQA_MODEL": "",
        "doc_id": doc_id,
        "clause_id": index.clauses[[c.doc_id for c in index.clauses].index(doc_id)].clause_id,
    }


def _app(env: dict[str, str], monkeypatch):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    for key in ("IPQA_INDEX", "IPQA_CORPUS", "IPQA_MODEL"):
        monkeypatch.setenv(key, env[key])
    st.cache_resource.clear()
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)


def test_app_escapes_hostile_titles_issuers_paths_and_clause_text(hostile_app, monkeypatch):
    at = _app(hostile_app, monkeypatch)
    at.query_params["q"] = "专利导航服务基地"
    at.run()
    assert not at.exception
    shown = " ".join(el.value for el in at.get("html"))
    # issuer, title, 发文字号, heading path and clause text were all rendered (so all were checked), as text
    assert all(f"alert({n})" in shown for n in (2, 3, 4, 5, 6)), shown[:2000]
    _assert_inert(at)
    at = _app(hostile_app, monkeypatch)
    at.query_params.update(doc=hostile_app["doc_id"], clause=hostile_app["clause_id"])
    at.run()
    assert not at.exception
    shown = " ".join(el.value for el in at.get("html"))
    assert "alert(6)" in shown and "alert(1)" in shown, "the document view showed neither clause nor file path"
    _assert_inert(at)


@pytest.mark.parametrize("doc", ["../../etc/passwd", "/etc/passwd", "../secret.txt", "..%2F..%2Fetc%2Fpasswd"])
def test_app_doc_parameter_cannot_read_files(hostile_app, monkeypatch, doc):
    at = _app(hostile_app, monkeypatch)
    at.query_params["doc"] = doc
    at.run()
    assert not at.exception
    shown = " ".join(str(el.value) for el in [*at.error, *at.markdown, *at.get("html")])
    assert "root:" not in shown and any("没有这个文件" in e.value for e in at.error)


# --- no network at query time ------------------------------------------------------------------------------


@pytest.fixture
def offline(monkeypatch):
    """Any attempt to open a connection fails the test (and is recorded, in case a library swallows it)."""
    attempts: list[object] = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access at query time")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def test_load_search_and_ask_make_no_network_call(seed_bm25_index, offline):
    index = Index.load(seed_bm25_index.folder)
    assert index.search("知识产权质押融资", k=5).hits
    assert ask(index, "谁负责知识产权质押融资？").citations
    assert not offline


def test_semantic_search_with_a_local_model_makes_no_network_call(tmp_path, tiny_model_dir, monkeypatch):
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):  # the test must hold without the offline switches
        monkeypatch.delenv(name, raising=False)
    build_index([CORPUS], tmp_path / "index", Settings(model=str(tiny_model_dir)))
    attempts: list[object] = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access at query time")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    index = Index.load(tmp_path / "index")
    result = index.search("知识产权质押融资", k=5)
    assert not index.dense_status and any("dense" in h.retrievers for h in result.hits)
    assert ask(index, "谁负责知识产权质押融资？").citations
    assert not attempts
