"""Documents managed in a real browser (Debian Chromium via selenium): a file chosen in the corpus page's uploader is
saved into the corpus, indexed in the background, and the next answer cites it; the uploader speaks Chinese.
Its own served app and corpus, since it changes them. Screenshots go to artifacts/."""

from __future__ import annotations

import shutil
from urllib.parse import urlencode

import pytest

from tests.helpers.browser import ROOT, browser_problem, chromium, serve_app, wait_for

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "artifacts"
NEW_NAME = "新增市知识产权保护工作方案.txt"
NEW = "新增市知识产权保护工作方案\n\n一、工作任务\n（一）建设知识产权保护中心。（新增市市场监管局负责）\n"
QUESTION = "谁负责建设知识产权保护中心？"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    problem = browser_problem()
    if problem:
        pytest.skip(problem)
    from ipqa.index.searcher import build_index
    from ipqa.settings import Settings

    base = tmp_path_factory.mktemp("browser-upload")
    corpus = base / "corpus"
    corpus.mkdir()
    for seed in (ROOT / "corpus").glob("*.txt"):
        shutil.copy(seed, corpus / seed.name)
    build_index([corpus], base / "index", Settings(model=""))
    upload = base / "upload" / NEW_NAME  # outside the corpus, where a person's file would be
    upload.parent.mkdir()
    upload.write_text(NEW, encoding="utf-8")
    env = {"IPQA_INDEX": str(base / "index"), "IPQA_CORPUS": str(corpus), "IPQA_MODEL": ""}
    ARTIFACTS.mkdir(exist_ok=True)
    with serve_app(env, log_path=ARTIFACTS / "browser-upload-streamlit.log") as url, chromium(1400, 1000) as driver:
        yield url, driver, corpus, upload


def test_upload_then_indexed_then_the_answer_cites_the_new_file(served):
    from selenium.webdriver.support.ui import WebDriverWait

    url, driver, corpus, upload = served
    driver.get(url + "/?page=corpus")
    stop = (  # the toolbar's "Stop" while the first run loads the index: drawn in Chinese
        "const b = document.querySelector('[data-testid=stStatusWidget] button');"
        "return b && getComputedStyle(b).fontSize === '0px' ? getComputedStyle(b, '::after').content : null;"
    )
    assert WebDriverWait(driver, 30, poll_frequency=0.02).until(lambda d: d.execute_script(stop)) == '"停止"'
    zone = wait_for(driver, "[data-testid='stFileUploader']")
    assert "Upload" not in zone.text and "per file" not in zone.text  # the frontend's English is hidden
    wait_for(driver, "input[type='file']").send_keys(str(upload))
    wait_for(driver, "[data-testid='stFileChipName']", contains=NEW_NAME)
    add = wait_for(driver, "button", contains="加入语料并建立索引")
    wait_for(driver, "button:not([disabled])", contains="加入语料并建立索引")
    add.click()
    wait_for(driver, "[data-testid='stAlert']", contains="索引已更新", timeout=120)
    assert (corpus / NEW_NAME).read_text(encoding="utf-8") == NEW
    driver.save_screenshot(str(ARTIFACTS / "browser-upload-indexed.png"))
    driver.get(url + "/?" + urlencode({"q": QUESTION}))
    answer = wait_for(driver, ".ipqa-answer", contains="新增市市场监管局")
    assert answer.text.strip()
    wait_for(driver, ".ipqa-citation", contains="新增市知识产权保护工作方案")
    driver.save_screenshot(str(ARTIFACTS / "browser-upload-answer.png"))
