"""Fetching the model at set-up (ipqa fetch-model) and finding it under models/ by name, without environment
variables; an unreachable hub is one line within seconds, never a hang or a traceback."""

from __future__ import annotations

import shutil
import time

from click.testing import CliRunner

from ipqa.cli import main
from ipqa.retrieval import fetch
from ipqa.retrieval.encoder import load_encoder, resolve_model_dir


def test_an_unreachable_hub_is_reported_in_one_line_quickly(tmp_path):
    began = time.perf_counter()
    result = fetch.fetch_model("BAAI/bge-small-zh-v1.5", tmp_path / "models", endpoint="http://127.0.0.1:9")
    assert time.perf_counter() - began < fetch.PROBE_TIMEOUT + 2
    assert not result.fetched and result.path is None
    assert "unreachable" in result.message and "keyword search only" in result.message and "\n" not in result.message
    assert not (tmp_path / "models" / "bge-small-zh-v1.5").exists()


def test_the_cli_says_so_and_exits_0_unless_strict(tmp_path):
    runner = CliRunner()
    args = ["fetch-model", "BAAI/bge-small-zh-v1.5", "--dest", str(tmp_path / "m"), "--endpoint", "http://127.0.0.1:9"]
    ok = runner.invoke(main, args)
    assert ok.exit_code == 0 and "not fetched" in ok.output
    strict = runner.invoke(main, [*args, "--strict"])
    assert strict.exit_code == 1


def test_a_fetched_model_is_found_by_its_hub_name(tmp_path, tiny_model_dir, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(fetch, "reachable", lambda url, timeout=fetch.PROBE_TIMEOUT: "")

    def fake_hub(name, target, endpoint):  # the hub's snapshot_download, serving the tiny model
        assert endpoint == "https://mirror.example"
        shutil.copytree(tiny_model_dir, target)

    monkeypatch.setattr(fetch, "_from_hub", fake_hub)
    result = fetch.fetch_model("someorg/tiny-zh", tmp_path / "models", endpoint="https://mirror.example/")
    assert result.fetched and result.path == (tmp_path / "models" / "tiny-zh")
    assert resolve_model_dir("someorg/tiny-zh") == (tmp_path / "models" / "tiny-zh").resolve()
    assert load_encoder("someorg/tiny-zh").dim > 0
    again = fetch.fetch_model("someorg/tiny-zh", tmp_path / "models")
    assert again.fetched and "already" in again.message


def test_a_download_without_model_files_is_removed(tmp_path, monkeypatch):
    monkeypatch.setattr(fetch, "reachable", lambda url, timeout=fetch.PROBE_TIMEOUT: "")
    monkeypatch.setattr(
        fetch,
        "_from_hub",
        lambda name, target, endpoint: (target.mkdir(parents=True), (target / "README.md").write_text("x")),
    )
    result = fetch.fetch_model("someorg/broken", tmp_path / "models")
    assert not result.fetched and not (tmp_path / "models" / "broken").exists()
