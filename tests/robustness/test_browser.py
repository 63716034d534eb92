"""The served app in a real browser (Debian Chromium via selenium): type the question, press Enter, read the
cited answer, open the cited document at the clause; document HTML stays text. Screenshots go to artifacts/."""

from __future__ import annotations

import shutil
from urllib.parse import quote

import pytest

from tests.helpers.browser import ROOT, browser_problem, chromium, serve_app, wait_for

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "artifacts"
PLEDGE = "谁负责知识产权质押融资？"
HOSTILE = """测试市人民政府关于印发测试市专利导航工作方案的通知

一、工作任务
（一）开展专利导航<script>alert(1)</script>服务，建设<b>专利导航</b>服务基地。（测试市市场监管局负责）
（二）加强知识产权保护。（测试市司法局负责）
"""


served_index: list = []  # the index the module's app serves, for tests that pick clauses from it


@pytest.fixture(scope="module")
def served_long_clause(served):
    """The longest document and a clause three quarters of the way down it."""
    index = served_index[-1]
    doc = max(index.documents.values(), key=lambda d: len(d.text))
    clauses = [c for c in index.clauses if c.doc_id == doc.doc_id]
    return doc, clauses[len(clauses) * 3 // 4]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    problem = browser_problem()
    if problem:
        pytest.skip(problem)
    from ipqa.index.searcher import Index, build_index
    from ipqa.settings import Settings

    base = tmp_path_factory.mktemp("browser")
    corpus = base / "corpus"
    corpus.mkdir()
    for seed in (ROOT / "corpus").glob("*.txt"):
        shutil.copy(seed, corpus / seed.name)
    (corpus / "900_hostile.txt").write_text(HOSTILE, encoding="utf-8")
    build_index([corpus], base / "index", Settings(model=""))
    index = Index.load(base / "index")
    hostile = [c for c in index.clauses if c.doc_id == "900_hostile"]
    served_index.append(index)
    env = {"IPQA_INDEX": str(base / "index"), "IPQA_CORPUS": str(corpus), "IPQA_MODEL": ""}
    ARTIFACTS.mkdir(exist_ok=True)
    with serve_app(env, log_path=ARTIFACTS / "browser-streamlit.log") as url, chromium() as driver:
        yield url, driver, hostile


def test_ask_with_enter_then_open_the_cited_clause(served):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    url, driver, _ = served
    driver.get(url + "/")
    box = wait_for(driver, "input[aria-label='问题（回车提问）']")
    box.send_keys(PLEDGE, Keys.ENTER)
    answer = wait_for(driver, ".ipqa-answer", contains="省市场监管局")
    assert answer.find_elements(By.CSS_SELECTOR, "sup.ipqa-cite a")  # numbered citation marker
    wait_for(driver, ".ipqa-citation", contains="[1]")
    wait_for(driver, ".ipqa-card mark.ipqa-hl")
    assert "q=" in driver.current_url  # the address now shares the question
    driver.save_screenshot(str(ARTIFACTS / "browser-answer.png"))

    open_button = wait_for(driver, "button", contains="打开原文")
    open_button.click()
    cited = wait_for(driver, ".ipqa-doc .ipqa-cited")
    assert cited.text.strip()
    assert "doc=" in driver.current_url and "clause=" in driver.current_url
    assert wait_for(driver, ".ipqa-outline .ipqa-current a").is_displayed()  # its section starts unfolded
    driver.save_screenshot(str(ARTIFACTS / "browser-document.png"))


def in_viewport(driver, css: str, timeout: float = 30) -> bool:
    """Whether the element matching ``css`` comes to lie within the window's height (waiting for the scroll)."""
    from selenium.webdriver.support.ui import WebDriverWait

    inside = (
        "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
        "return r.height > 0 && r.top >= 0 && r.top < window.innerHeight;"
    )
    try:
        WebDriverWait(driver, timeout, poll_frequency=0.1).until(lambda d: d.execute_script(inside, css))
    except Exception:  # noqa: BLE001 - a timeout: the answer is no
        return False
    return True


def test_document_opens_with_the_cited_clause_in_view_and_the_page_says_chinese(served, served_long_clause):
    """A clause far down a long document, opened at 1400×1000: it is on screen, and again with 显示全文."""
    from urllib.parse import urlencode

    url, _, _ = served
    doc, clause = served_long_clause
    first_line = doc.text.strip().splitlines()[0].strip()
    with chromium(1400, 1000) as driver:
        driver.get(url + "/?" + urlencode({"doc": doc.doc_id, "clause": clause.clause_id, "q": PLEDGE}))
        wait_for(driver, ".ipqa-doc .ipqa-cited")
        assert in_viewport(driver, ".ipqa-doc .ipqa-cited")
        assert driver.execute_script("return document.documentElement.lang") == "zh-CN"
        toggle = wait_for(driver, "input[aria-label='显示全文']")  # the switch's own input (its label is decoration)
        driver.execute_script("arguments[0].click()", toggle)
        wait_for(driver, ".ipqa-doc", contains=first_line)  # the full text, from its first line
        assert in_viewport(driver, ".ipqa-doc .ipqa-cited")
        assert driver.execute_script("return document.querySelector('.ipqa-doc').scrollHeight") > 3000
        driver.save_screenshot(str(ARTIFACTS / "browser-cited-in-view.png"))


def test_document_id_in_the_address_is_text_in_the_error_box(served):
    """?doc= naming nothing is reported with the id as text: not a link, even when it looks like one."""
    from selenium.webdriver.common.by import By

    url, driver, _ = served
    driver.get(url + "/?doc=" + quote("https://evil.example/x www.evil.example a@evil.example"))
    alert = wait_for(driver, "[data-testid='stAlert']", contains="没有这个文件")
    shown = alert.text.replace("\u2060", "")  # (the invisible word joiners that keep it from becoming a link)
    assert "https://evil.example/x" in shown and "a@evil.example" in shown
    assert not alert.find_elements(By.CSS_SELECTOR, "a")


def test_document_html_renders_as_text(served):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    url, driver, hostile = served
    clause = next(c for c in hostile if "<script>" in c.text)
    from urllib.parse import urlencode

    driver.get(url + "/?" + urlencode({"doc": clause.doc_id, "clause": clause.clause_id}))
    doc = wait_for(driver, ".ipqa-doc", contains="<script>alert(1)</script>")
    assert "<b>专利导航</b>" in doc.text
    assert not doc.find_elements(By.CSS_SELECTOR, "script, b")
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert  # noqa: B018 - accessing it is the check that no alert() ran
    driver.save_screenshot(str(ARTIFACTS / "browser-hostile.png"))


def test_shared_link_with_script_and_filter_then_back_from_the_document(served):
    from urllib.parse import urlencode

    url, driver, _ = served
    driver.get(url + "/?" + urlencode({"q": PLEDGE, "script": "simplified", "level": "provincial"}))
    answer = wait_for(driver, ".ipqa-answer", contains="省市场监管局负责")
    assert "甘肃省" in answer.text and "原文：" not in answer.text  # 简体, each unit once
    assert "甘肅" not in wait_for(driver, ".ipqa-card").text
    driver.save_screenshot(str(ARTIFACTS / "browser-shared-link.png"))
    wait_for(driver, "button", contains="打开原文").click()
    wait_for(driver, ".ipqa-doc .ipqa-cited")
    assert "doc=" in driver.current_url and "script=simplified" in driver.current_url
    driver.back()
    wait_for(driver, ".ipqa-answer", contains="省市场监管局负责")
    assert "doc=" not in driver.current_url and "level=provincial" in driver.current_url
    assert "script=simplified" in driver.current_url
    driver.save_screenshot(str(ARTIFACTS / "browser-back.png"))


def test_screenshots_of_each_page_at_desktop_and_phone_width(served):
    """Artifacts for people to look at: artifacts/page-<page>-<desktop|phone>.png."""
    from urllib.parse import urlencode

    url, _, _ = served
    pages = {
        "ask": ("/?" + urlencode({"q": PLEDGE}), ".ipqa-answer", "省市场监管局"),
        "document": ("/?" + urlencode({"doc": "001_e22083f13b5790bb"}), ".ipqa-doc", ""),
        "corpus": ("/?page=corpus", "button", "重建索引"),  # below the tables
    }
    for width_name, (width, height) in {"desktop": (1400, 1000), "phone": (390, 844)}.items():
        with chromium(width, height) as driver:
            for page, (path, css, text) in pages.items():
                driver.get(url + path)
                wait_for(driver, css, contains=text)
                if page == "corpus":
                    wait_for(driver, "[data-testid='stDataFrame'] canvas, [data-testid='stDataFrame'] table")
                shot = ARTIFACTS / f"page-{page}-{width_name}.png"
                driver.save_screenshot(str(shot))
                assert shot.stat().st_size > 0
