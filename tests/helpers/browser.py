"""Serve ``app.py`` with ``streamlit run`` and drive it with Debian's Chromium: shared by tests/test_browser.py
and benchmarks/bench_app_start.py (which puts ``tests/`` on ``sys.path``)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
INSTALL_SCRIPT = ROOT / "scripts" / "install_browser.sh"


def browser_problem(install: bool = True) -> str | None:
    """Why Chromium cannot be driven here (None when it can); tries the install script once when allowed."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install selenium)"
    if install and not (CHROMIUM.exists() and CHROMEDRIVER.exists()) and INSTALL_SCRIPT.exists():
        subprocess.run(["bash", str(INSTALL_SCRIPT)], capture_output=True, timeout=600, check=False)
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        return (
            f"{CHROMIUM} or {CHROMEDRIVER} is missing and scripts/install_browser.sh could not install them "
            "(needs root and the Debian mirrors)"
        )
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve_app(
    env: Mapping[str, str], port: int | None = None, log_path: Path | None = None, project_config: bool = False
) -> Iterator[str]:
    """``streamlit run app.py`` on 127.0.0.1 with ``env`` added; yields the base URL once the server is up
    (the app script itself runs when a browser connects). The server is stopped on exit. ``project_config``:
    pass no address or watcher option, so the server runs with what .streamlit/config.toml sets."""
    port = port or free_port()
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "app.py"),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
    ]
    if not project_config:
        cmd += ["--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
        cmd += ["--server.fileWatcherType", "none"]
    log = open(log_path or os.devnull, "wb")  # noqa: SIM115 - closed in finally
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {proc.returncode}; see {log_path}")
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("streamlit did not answer its health check within 60 s") from None
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@contextmanager
def chromium(width: int = 1400, height: int = 1800):
    """A headless Debian Chromium with a fresh profile, no background networking; quit on exit."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="ipqa-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def wait_for(driver, css: str, contains: str = "", timeout: float = 60):
    """The first element matching ``css`` (whose text contains ``contains``), waiting up to ``timeout`` s."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def found(d):
        for el in d.find_elements(By.CSS_SELECTOR, css):
            try:
                if contains in el.text:
                    return el
            except Exception:  # noqa: BLE001, S112 - stale element while Streamlit re-renders: look again
                continue
        return False

    return WebDriverWait(driver, timeout, poll_frequency=0.1).until(found)
