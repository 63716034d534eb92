"""Safe defaults of ``streamlit run app.py``: .streamlit/config.toml keeps the server on this machine and the file
watcher off (it walked .venv), and a server started with nothing but that file answers on 127.0.0.1 and not on
the machine's network address."""

from __future__ import annotations

import socket
import urllib.request

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")

from tests.helpers.browser import serve_app
from tests.helpers.paths import ROOT

CONFIG = ROOT / ".streamlit" / "config.toml"


def test_config_listens_on_localhost_and_never_watches_the_venv():
    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    server = config["server"]
    assert server["address"] == "127.0.0.1"
    assert server["headless"] is True
    assert server["fileWatcherType"] == "none"
    assert ".venv" in server["folderWatchBlacklist"]  # should a developer turn the watcher on
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["toolbarMode"] == "viewer"


def network_address() -> str | None:
    """This machine's address on its default route (a UDP connect sends nothing), or None without one."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # TEST-NET-1: never answered, only picks the outgoing interface
            address = s.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def test_served_app_is_reachable_on_localhost_only(built, tmp_path):
    address = network_address()
    if address is None:
        pytest.skip("this machine has no non-loopback IPv4 address to check against")
    with serve_app(built, log_path=tmp_path / "streamlit.log", project_config=True) as url:
        port = int(url.rsplit(":", 1)[1])
        with urllib.request.urlopen(url + "/_stcore/health", timeout=5) as r:
            assert r.status == 200
        assert reachable("127.0.0.1", port)
        assert not reachable(address, port), f"the app answers on {address}:{port}"
    log = (tmp_path / "streamlit.log").read_text(encoding="utf-8", errors="replace")
    assert "Inotify" not in log


def test_uploads_have_the_corpus_file_limit():
    from ipqa.settings import MAX_FILE_BYTES

    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] << 20 == MAX_FILE_BYTES  # megabytes, as Streamlit counts them
