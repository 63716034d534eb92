"""Word 97-2003 (.doc), WPS (.wps, the same compound-file format) and RTF saved as .doc, read through LibreOffice
headless from Debian (``libreoffice-writer-nogui``): the bytes are written to a private temporary folder and
converted to UTF-8 text there, within a time limit.

Text export rather than .docx: LibreOffice writes the numbers of automatically numbered lists and headings
("一、", "（二）", "3.") into the text, and those labels are what clauses are split on; a .docx round trip keeps
them only as numbering definitions, which python-docx does not render. Without LibreOffice the file is skipped
with a reason that names the missing converter and its Debian package.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

from ipqa.corpus.decode import UnreadableFile, decode
from ipqa.corpus.formats import Extracted

log = logging.getLogger(__name__)

CONVERT_SECONDS = 120  # one conversion; LibreOffice's own start-up is 2-4 s here, a long .doc a few seconds more
MISSING = (
    "Word .doc/.wps file, but LibreOffice (soffice, Debian package libreoffice-writer-nogui) is not installed to "
    "convert it"
)
# One LibreOffice profile per process, reused (creating one costs seconds); two soffice processes must not share
# a profile, so conversions in this process take turns.
_lock = threading.Lock()
_profile: str | None = None


def soffice() -> str | None:
    """The LibreOffice executable, or None where it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_doc(data: bytes) -> Extracted:
    text = convert(data, "doc")
    if not text.strip():
        raise UnreadableFile("Word document without text")
    return Extracted(text, "doc", "doc")


def convert(data: bytes, suffix: str, timeout: float = CONVERT_SECONDS) -> str:
    """The text LibreOffice exports for a document's bytes; UnreadableFile when it is missing, fails or times out."""
    program = soffice()
    if program is None:
        raise UnreadableFile(MISSING)
    global _profile
    with _lock, tempfile.TemporaryDirectory(prefix="ipqa-office-") as work:
        if _profile is None or not Path(_profile).is_dir():
            _profile = tempfile.mkdtemp(prefix="ipqa-lo-profile-")
            atexit.register(shutil.rmtree, _profile, True)
        source = Path(work, f"in.{suffix}")
        source.write_bytes(data)
        command = [
            program,
            f"-env:UserInstallation={Path(_profile).as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "txt:Text (encoded):UTF8",
            "--outdir",
            str(Path(work, "out")),
            str(source),
        ]
        _run(command, timeout, work)
        out = Path(work, "out", "in.txt")
        if not out.is_file():
            raise UnreadableFile("LibreOffice could not convert this Word .doc/.wps file (corrupt or not a document)")
        text, _ = decode(out.read_bytes())
    return text.replace("\r\n", "\n").lstrip("\ufeff")


def _run(command: list[str], timeout: float, work: str) -> None:
    # Its own process group, so a conversion past its time limit is killed with every helper process it started.
    env = {**os.environ, "HOME": work}  # LibreOffice writes into $HOME; keep that inside the temporary folder
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, env=env, cwd=work
    ) as proc:
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise UnreadableFile(f"LibreOffice took longer than {timeout:.0f} s to convert this file: not read") from None
    if proc.returncode:
        log.info("soffice exited %s: %s", proc.returncode, err.decode("utf-8", "replace")[-500:])
