"""XML parts of zip packages (.odt, .ofd), parsed safely: no entities resolved, no DTD or network fetched, lxml's
default depth and size limits kept (``huge_tree`` off). The package is checked for zip bombs with the same bounds
as a .docx (ipqa.corpus.formats.check_zip) before any part is read."""

from __future__ import annotations

import io
import posixpath
import zipfile

from lxml import etree

from ipqa.corpus.decode import UnreadableFile
from ipqa.corpus.formats import check_zip

_ERRORS = (etree.XMLSyntaxError, zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError)


def _norm(name: str) -> str:
    return posixpath.normpath(name.replace("\\", "/").lstrip("/")).lower()


class Package:
    """A zip package whose parts are looked up by name with or without a leading "/" or "./", in any case (OFD
    writers differ), and parsed as XML on demand."""

    def __init__(self, data: bytes, what: str) -> None:
        check_zip(data, what)
        self.what = what
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except _ERRORS as exc:
            raise UnreadableFile(f"corrupt or not a {what} ({type(exc).__name__}: {exc})") from exc
        self.names = {_norm(n): n for n in self.zip.namelist()}

    def has(self, name: str) -> bool:
        return _norm(name) in self.names

    def xml(self, name: str) -> etree._Element:
        """The root element of part ``name``; UnreadableFile when it is missing or not well-formed XML."""
        real = self.names.get(_norm(name))
        if real is None:
            raise UnreadableFile(f"{self.what} without its part {name}")
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
        try:
            root = etree.fromstring(self.zip.read(real), parser)
        except _ERRORS as exc:
            raise UnreadableFile(f"corrupt {self.what}: part {name} cannot be read ({type(exc).__name__})") from exc
        if root is None:
            raise UnreadableFile(f"corrupt {self.what}: part {name} is empty")
        return root


def local(tag) -> str:
    """An element's tag without its namespace ("" for comments and processing instructions)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
