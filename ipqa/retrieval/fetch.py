"""Fetching an embedding model once, at set-up: from the Hugging Face hub or the mirror ``HF_ENDPOINT`` names
(what users in mainland China set), else from ModelScope where its client is installed, into ``models/<name>``,
where ipqa.retrieval.models finds it by name. Never called at query or build time.

Where nothing is reachable (an air-gapped network) it says so in one line within seconds and the product runs
keyword search only: a fetch that cannot happen is an expected outcome, not an error.
"""

from __future__ import annotations

import logging
import shutil
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from ipqa.retrieval.models import folder_name, is_model_dir

log = logging.getLogger(__name__)

DEFAULT_ENDPOINT = "https://huggingface.co"
PROBE_TIMEOUT = 5.0  # seconds: a reachable hub answers in well under that; an air-gapped one never does


@dataclass(frozen=True)
class FetchResult:
    fetched: bool
    path: Path | None
    message: str  # one line for the person running set-up


def reachable(url: str, timeout: float = PROBE_TIMEOUT) -> str:
    """ "" when ``url`` answers over HTTP (any status), else why not."""
    try:
        urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=timeout).close()
    except urllib.error.HTTPError:
        return ""  # it answered
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return str(getattr(exc, "reason", exc)) or type(exc).__name__
    return ""


def _from_hub(name: str, target: Path, endpoint: str) -> None:
    from huggingface_hub import snapshot_download

    snapshot_download(repo_id=name, local_dir=str(target), endpoint=endpoint)


def _from_modelscope(name: str, target: Path) -> None:
    from modelscope import snapshot_download  # optional: pip install modelscope

    snapshot_download(name, local_dir=str(target))


def fetch_model(name: str, dest: Path, endpoint: str | None = None) -> FetchResult:
    """Fetch hub model ``name`` into ``dest/<folder>``; a copy already there is kept. Tries the hub (or
    ``endpoint``), then ModelScope; a half-finished download is removed so a later run starts clean."""
    target = Path(dest) / folder_name(name)
    if is_model_dir(target):
        return FetchResult(True, target, f"model {name} is already in {target}")
    endpoint = (endpoint or DEFAULT_ENDPOINT).rstrip("/")
    reasons = []
    problem = reachable(endpoint)
    if not problem:
        try:
            _from_hub(name, target, endpoint)
            if is_model_dir(target):
                return FetchResult(True, target, f"fetched {name} from {endpoint} into {target}")
            reasons.append(f"{endpoint}: the download holds no model files")
        except Exception as exc:  # noqa: BLE001 - hub errors come as many library types; report and go on
            reasons.append(f"{endpoint}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
    else:
        reasons.append(f"{endpoint} unreachable ({problem})")
    try:
        import modelscope  # noqa: F401
    except ImportError:
        reasons.append("ModelScope client not installed (pip install modelscope to try it)")
    else:
        try:
            _from_modelscope(name, target)
            if is_model_dir(target):
                return FetchResult(True, target, f"fetched {name} from ModelScope into {target}")
            reasons.append("ModelScope: the download holds no model files")
        except Exception as exc:  # noqa: BLE001
            reasons.append(f"ModelScope: {type(exc).__name__}")
    if target.exists() and not is_model_dir(target):
        shutil.rmtree(target, ignore_errors=True)
    return FetchResult(False, None, f"model {name} not fetched ({'; '.join(reasons)}): keyword search only")
