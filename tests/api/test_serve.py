"""`ipqa serve` for real: uvicorn in a child process on loopback, with worker processes and the token."""

from __future__ import annotations

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from ipqa.cli import main
from ipqa.index.build import build_index
from ipqa.settings import Settings
from tests.helpers.paths import CORPUS, ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, token: str | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_serve_refuses_a_missing_index(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--index", str(tmp_path / "none")])
    assert result.exit_code != 0 and "ipqa build" in result.output


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_with_workers_and_token(tmp_path, workers):
    folder = tmp_path / "index"
    build_index([CORPUS], folder, Settings(model=""))
    port = free_port()
    env = {**os.environ, "IPQA_API_TOKEN": "t0ken"}
    command = [sys.executable, "-m", "ipqa.cli", "serve", "--index", str(folder), "--port", str(port)]
    child = subprocess.Popen(
        [*command, "--workers", str(workers)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = get(f"{base}/health")
                break
            except (urllib.error.URLError, ConnectionError):
                assert child.poll() is None, child.stdout.read().decode(errors="replace")
                assert time.monotonic() < deadline, "ipqa serve did not answer within 60 s"
                time.sleep(0.2)
        assert status == 200 and body["index_loaded"]
        assert get(f"{base}/search?q={quote('专利')}")[0] == 401
        status, body = get(f"{base}/search?q={quote('知识产权质押融资')}&k=3", token="t0ken")
        assert status == 200 and len(body["hits"]) == 3
        for _ in range(2 * workers):  # each worker process answers
            assert get(f"{base}/info", token="t0ken")[1]["counts"]["documents"] == len(list(CORPUS.iterdir()))
        # keep-alive requests are not held back by Nagle's algorithm (uvicorn's worker sockets left it on: every
        # response waited ~40 ms for the delayed ACK); /search over the seeds takes a few ms
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        took = []
        for _ in range(15):
            start = time.perf_counter()
            conn.request("GET", f"/search?q={quote('专利')}", headers={"Authorization": "Bearer t0ken"})
            conn.getresponse().read()
            took.append(time.perf_counter() - start)
        conn.close()
        assert statistics.median(took) < 0.035, took
    finally:
        child.terminate()
        child.wait(timeout=30)
