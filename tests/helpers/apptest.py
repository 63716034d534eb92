"""Driving ``app.py`` with ``streamlit.testing.v1.AppTest``: the test corpus (the seeds plus a hostile file with HTML
in its clause text and an unreadable one) and readers for what a run rendered. Shared by the tests in tests/app/."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.helpers.paths import ROOT

APP = str(ROOT / "app.py")
TIMEOUT = 120  # seconds per run: generous, the machine is shared; a run here takes about a second
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


def app_test() -> AppTest:
    return AppTest.from_file(APP, default_timeout=TIMEOUT)


class Tags(HTMLParser):
    """The tags an HTML string really creates."""

    def __init__(self, body: str):
        super().__init__()
        self.tags: set[str] = set()
        self.feed(body)

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)


def html_bodies(at: AppTest) -> list[str]:
    """The HTML blocks rendered as markup only; the app's own fixed scripts (ipqa/views/scripts.py, the only
    blocks allowed to run JavaScript) are checked by ``own_scripts`` instead."""
    return [el.value for el in at.get("html") if not el.proto.unsafe_allow_javascript]


def own_scripts(at: AppTest) -> list[str]:
    """The blocks allowed to run JavaScript; each must be one of the fixed scripts of ipqa/views/scripts.py."""
    from ipqa.views import scripts

    bodies = [el.value for el in at.get("html") if el.proto.unsafe_allow_javascript]
    for body in bodies:
        assert body == scripts.LANG_SCRIPT or body.startswith(scripts.scroll_to_cited("").split("/*")[0]), body
    return bodies


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


class _Text(HTMLParser):
    """The text an HTML block shows (no tags, attributes, styles or scripts)."""

    def __init__(self, body: str):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0
        self.feed(body)

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "script") and self._skip > 0

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


_TEXT_KINDS = {"Markdown", "Caption", "Code", "Text", "Title", "Header", "Subheader", "Latex", "Metric"}
_TEXT_KINDS |= {"Warning", "Info", "Error", "Success", "Exception", "Toast"}


def _node_text(node, skip_expander) -> list[str]:
    kind = type(node).__name__
    if kind == "Expander" and skip_expander(node.label):
        return []
    out: list[str] = []
    for attr in ("label", "placeholder", "help"):  # what widgets and blocks show around their value
        value = getattr(node, attr, None)
        if isinstance(value, str):
            out.append(value)
    options = getattr(node, "options", None)
    if kind in ("Selectbox", "Multiselect", "Radio") and options:
        out += [str(o) for o in options]
    if kind == "Html":
        out.append(" ".join(_Text(node.value).parts))
    elif kind in _TEXT_KINDS:
        out.append(str(node.value))
    elif kind == "Dataframe":
        frame = node.value
        out += [str(c) for c in frame.columns]
        out += [v for v in frame.to_numpy().ravel().tolist() if isinstance(v, str)]
    for child in (getattr(node, "children", None) or {}).values():
        out += _node_text(child, skip_expander)
    return out


def page_text(at, skip_expander=lambda label: False) -> list[str]:
    """Every piece of text a person sees on the page (HTML as its text, Markdown, alerts, captions, code, widget
    labels, placeholders and options, expander labels, table headers and cells), main area and sidebar, or inside
    one block of it (``at`` an element of the tree); the content of the expanders ``skip_expander`` names is left
    out."""
    return _node_text(at._tree if isinstance(at, AppTest) else at, skip_expander)
