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
import tempfile
import threading
from pathlib import Path

from ipqa.corpus import external
from ipqa.corpus.decode import UnreadableFile, decode
from ipqa.corpus.formats import Extracted

log = logging.getLogger(__name__)

CONVERT_SECONDS = 120  # one conversion; LibreOffice's own start-up is 2-4 s here, a long .doc a few seconds more
MISSING = (
    "Word .doc/.wps file, but LibreOffice (soffice, Debian package libreoffice-writer-nogui) is not installed to "
    "convert it"
)
# One LibreOffice profile per process, reused (creating one costs seconds); two soffice processes must not share
# a profile, so conversions in this process take turns, and a forked worker (ipqa.index.ingest) makes its own.
_lock = threading.Lock()
_profiles: dict[int, str] = {}  # process id → its profile folder


def read_doc(data: bytes) -> Extracted:
    # The import filter is named: left to guess, LibreOffice imports a damaged Word file as plain text and hands
    # back its bytes as characters.
    text = convert(data, "doc", infilter="Rich Text Format" if data.startswith(b"{\\rtf") else "MS Word 97")
    if not text.strip():
        raise UnreadableFile("Word document without text")
    return Extracted(text, "doc", "doc")


def convert(data: bytes, suffix: str, timeout: float = CONVERT_SECONDS, infilter: str = "") -> str:
    """The text LibreOffice exports for a document's bytes; UnreadableFile when it is missing, fails or times out."""
    program = external.program("soffice", "libreoffice")
    if program is None:
        raise UnreadableFile(MISSING)
    with _lock, tempfile.TemporaryDirectory(prefix="ipqa-office-") as work:
        profile = _profiles.get(os.getpid())
        if profile is None or not Path(profile).is_dir():
            profile = _profiles[os.getpid()] = tempfile.mkdtemp(prefix="ipqa-lo-profile-")
            atexit.register(shutil.rmtree, profile, True)
        source = Path(work, f"in.{suffix}")
        source.write_bytes(data)
        command = [
            program,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            *([f"--infilter={infilter}"] if infilter else []),
            "--convert-to",
            "txt:Text (encoded):UTF8",
            "--outdir",
            str(Path(work, "out")),
            str(source),
        ]
        try:
            # LibreOffice writes into $HOME: keep that inside the temporary folder too
            code, _, err = external.run(command, timeout, work, env={"HOME": work})
        except external.TimedOut:
            raise UnreadableFile(
                f"LibreOffice took longer than {timeout:.0f} s to convert this file: not read"
            ) from None
        if code:
            log.info("soffice exited %s: %s", code, err.decode("utf-8", "replace")[-500:])
        out = Path(work, "out", "in.txt")
        if not out.is_file():
            raise UnreadableFile("LibreOffice could not convert this Word .doc/.wps file (corrupt or not a document)")
        text, _ = decode(out.read_bytes())
    return text.replace("\r\n", "\n").lstrip("\ufeff")
