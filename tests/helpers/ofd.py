"""Small OFD packages (GB/T 33190-2016) built from lines of text, for the OFD reader's tests and the formats
benchmark: OFD.xml with DocInfo, Doc_0/Document.xml listing the pages, one Content.xml per page with a Layer of
TextObjects (one per line, Boundary in mm, TextCode X/Y relative to it, DeltaX per character), and a PublicRes
with the font. ``scramble`` writes each page's text objects in reverse drawing order, as some writers do, so a
reader that follows the XML order instead of the page layout is caught."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

NS = "http://www.ofdspec.org/2016"
PAGE_W, PAGE_H, MARGIN, SIZE = 210.0, 297.0, 25.0, 4.2  # A4, mm; 4.2 mm ≈ 三号 body text


def wrap(lines: list[str], width: int) -> list[str]:
    """Each line cut into pieces of at most ``width`` characters, as a page lays out a long paragraph."""
    out = []
    for line in lines:
        out.extend([line[i : i + width] for i in range(0, len(line), width)] or [""])
    return out


def make_ofd(
    lines: list[str],
    title: str = "",
    author: str = "",
    created: str = "",
    lines_per_page: int = 40,
    chars_per_line: int = 0,
    scramble: bool = False,
    doc_root: str = "Doc_0/Document.xml",
) -> bytes:
    laid = wrap(lines, chars_per_line) if chars_per_line else list(lines)
    # the page is as wide as the wrapped text plus equal margins, as a laid-out page is
    width = 2 * MARGIN + chars_per_line * SIZE if chars_per_line else PAGE_W
    pages = [laid[i : i + lines_per_page] for i in range(0, len(laid), lines_per_page)] or [[]]
    info = "".join(
        f"<ofd:{tag}>{escape(value)}</ofd:{tag}>"
        for tag, value in (("Title", title), ("Author", author), ("CreationDate", created))
        if value
    )
    entry = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{NS}" Version="1.0" DocType="OFD">'
        f"<ofd:DocBody><ofd:DocInfo><ofd:DocID>6f7a0e1c2b3d4e5f</ofd:DocID>{info}</ofd:DocInfo>"
        f"<ofd:DocRoot>{doc_root}</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
    )
    folder = doc_root.rsplit("/", 1)[0]
    page_refs = "".join(f'<ofd:Page ID="{i + 10}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages)))
    document = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{NS}"><ofd:CommonData>'
        f"<ofd:MaxUnitID>{10000}</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 {width:.1f} {PAGE_H}"
        "</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData>"
        f"<ofd:Pages>{page_refs}</ofd:Pages></ofd:Document>"
    )
    public = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:Fonts>'
        '<ofd:Font ID="2" FontName="宋体" FamilyName="宋体"/></ofd:Fonts></ofd:Res>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("OFD.xml", entry)
        package.writestr(f"{folder}/Document.xml", document)
        package.writestr(f"{folder}/PublicRes.xml", public)
        for number, page in enumerate(pages):
            package.writestr(f"{folder}/Pages/Page_{number}/Content.xml", _page(page, scramble))
    return buffer.getvalue()


def _page(lines: list[str], scramble: bool) -> str:
    objects = []
    for row, line in enumerate(lines):
        if not line:
            continue
        top = MARGIN + row * SIZE * 1.5
        width = SIZE * len(line)
        deltas = " ".join([str(SIZE)] * (len(line) - 1))
        objects.append(
            f'<ofd:TextObject ID="{1000 + row}" Boundary="{MARGIN} {top:.2f} {width:.2f} {SIZE * 1.4:.2f}" '
            f'Font="2" Size="{SIZE}"><ofd:FillColor Value="0 0 0"/>'
            f'<ofd:TextCode X="0" Y="{SIZE:.2f}" DeltaX="{deltas}">{escape(line)}</ofd:TextCode></ofd:TextObject>'
        )
    if scramble:
        objects.reverse()
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{NS}"><ofd:Content>'
        f'<ofd:Layer ID="3" Type="Body">{"".join(objects)}</ofd:Layer></ofd:Content></ofd:Page>'
    )
