"""Which zip-based format a package is: Word (.docx), OpenDocument text (.odt) or OFD. All three start with the
same ``PK`` signature, so the names in the central directory decide (reading them inflates nothing)."""

from __future__ import annotations

import io
import zipfile

ODF_TEXT = b"application/vnd.oasis.opendocument.text"


def zip_kind(data: bytes) -> str:
    """ "odt", "ofd" or "docx" (also for a zip that cannot be listed: the docx reader reports it as corrupt)."""
    # ODF puts an uncompressed "mimetype" member first, so its type sits at a fixed place in the local header
    # (offset 30 + len("mimetype")); checking it there needs no zip parsing at all.
    if data[30:38] == b"mimetype" and data[38 : 38 + len(ODF_TEXT)] == ODF_TEXT:
        return "odt"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = {name.lower().lstrip("/") for name in package.namelist()}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        return "docx"
    if "ofd.xml" in names:
        return "ofd"
    if "content.xml" in names and "mimetype" in names:
        return "odt"
    return "docx"
