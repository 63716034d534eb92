"""Zip bombs (issue 14): a small .docx whose XML decompresses to hundreds of MB is refused with the reason before
python-docx inflates it, so memory stays bounded. The reads run in a child process with an address-space limit
(RLIMIT_AS 1.5 GB; without the check the 200 MB part alone takes several GB in lxml), next to a good .docx that
is still read under the same limit. A PDF whose content stream inflates past pypdf's limits is refused the same
way."""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

from ipqa.corpus.decode import UnreadableFile
from ipqa.corpus.formats import ZIP_MAX_XML, check_zip
from tests.helpers.office import docx_bytes
from tests.helpers.paths import ROOT

MB = 1 << 20
LIMIT = 1536 * MB

CHILD = r"""
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (@LIMIT@, @LIMIT@))
from pathlib import Path
from ipqa.corpus.reading import read_one
out = {}
for name in sys.argv[1:]:
    path = Path(name)
    result = read_one(path, path.parent)
    out[path.name] = getattr(result, "reason", None) or "read: " + result.text[:40]
# VmHWM, the peak of this program's own memory: ru_maxrss would count the parent's size at fork (it survives
# exec), so under a large pytest process it reports the parent, not this reader
status = Path("/proc/self/status").read_text()
out["peak_kb"] = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
print(json.dumps(out, ensure_ascii=False))
""".replace("@LIMIT@", str(LIMIT))


def _bomb(padding: int, chunk: bytes = b" " * MB) -> bytes:
    """A valid .docx whose document.xml holds ``padding`` bytes of spaces inside a paragraph's text, streamed into
    the zip a MB at a time (the test never holds the inflated part in memory)."""
    good = zipfile.ZipFile(io.BytesIO(docx_bytes("测试市知识产权办法\n第一条 正文。")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for item in good.infolist():
            if item.filename != "word/document.xml":
                bomb.writestr(item, good.read(item))
                continue
            head, tail = good.read(item).split(b"\xe6\xad\xa3\xe6\x96\x87", 1)  # around "正文"
            info = zipfile.ZipInfo("word/document.xml")
            info.compress_type = zipfile.ZIP_DEFLATED
            with bomb.open(info, "w", force_zip64=True) as part:
                part.write(head)
                for _ in range(padding // len(chunk)):
                    part.write(chunk)
                part.write(tail)
    return out.getvalue()


def _lying(data: bytes, name: bytes = b"word/document.xml", size: int = 1000) -> bytes:
    """``data`` with the central directory (and local header) of ``name`` declaring ``size`` decompressed bytes."""
    data = bytearray(data)
    at = data.find(b"PK\x01\x02")
    while at != -1:
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46 : at + 46 + name_len]) == name:
            struct.pack_into("<I", data, at + 24, size)
            local = struct.unpack_from("<I", data, at + 42)[0]
            struct.pack_into("<I", data, local + 22, size)
        at = data.find(b"PK\x01\x02", at + 4)
    return bytes(data)


def _read_in_child(paths: list[Path]) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *map(str, paths)],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-3000:]  # a MemoryError or a kill would show here
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_docx_inflating_to_200_mb_is_refused_within_a_memory_limit(tmp_path):
    bomb = tmp_path / "bomb.docx"
    bomb.write_bytes(_bomb(200 * MB))
    assert bomb.stat().st_size < 2 * MB  # small on disk
    good = tmp_path / "good.docx"
    good.write_bytes(docx_bytes("测试市专利导航办法\n第一条 为了推进专利导航，制定本办法。"))
    out = _read_in_child([bomb, good])
    assert "zip bomb" in out["bomb.docx"] and "document.xml" in out["bomb.docx"], out
    assert out["good.docx"].startswith("read: 测试市专利导航办法"), out
    assert out["peak_kb"] * 1024 < LIMIT


def test_a_docx_whose_xml_is_over_the_size_bound_is_refused_even_at_a_plain_ratio():
    # Random-looking XML text barely compresses, so only the size bound can stop it.
    with pytest.raises(UnreadableFile, match="decompresses to .* MB .*zip bomb"):
        check_zip(_fake_sizes(ZIP_MAX_XML + MB, compress=ZIP_MAX_XML))


def test_a_member_inflating_far_beyond_its_stored_size_is_refused_under_the_size_bounds():
    with pytest.raises(UnreadableFile, match=r"part word/document.xml decompresses [\d,]+ times its stored size"):
        check_zip(_bomb(16 * MB, chunk=b"\0" * MB))


def _fake_sizes(file_size: int, compress: int) -> bytes:
    """A zip whose one XML member declares these sizes (the check reads the central directory only)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as package:
        package.writestr("word/document.xml", b"<w:document/>")
    data = bytearray(out.getvalue())
    at = data.find(b"PK\x01\x02")
    struct.pack_into("<II", data, at + 20, compress, file_size)
    return bytes(data)


def test_a_docx_that_understates_its_sizes_is_refused_within_a_memory_limit(tmp_path):
    """zipfile inflates a member only up to its declared size, then fails its CRC: a lying central directory
    gives a corrupt-file reason, not an unbounded read."""
    liar = tmp_path / "liar.docx"
    liar.write_bytes(_lying(_bomb(200 * MB)))
    out = _read_in_child([liar])
    assert "corrupt" in out["liar.docx"] and "docx" in out["liar.docx"], out


def _pdf_bomb(padding: int) -> bytes:
    """A one-page PDF whose FlateDecode content stream inflates to ``padding`` bytes of spaces."""
    compressor = zlib.compressobj(9)
    body = b"".join(
        [compressor.compress(b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET\n")]
        + [compressor.compress(b" " * MB) for _ in range(padding // MB)]
        + [compressor.flush()]
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>"
        ),
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for n, obj in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def test_a_pdf_stream_inflating_to_200_mb_is_refused_within_a_memory_limit(tmp_path):
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(_pdf_bomb(200 * MB))
    assert bomb.stat().st_size < MB
    out = _read_in_child([bomb])
    assert "size limits" in out["bomb.pdf"] and "zip bomb" in out["bomb.pdf"], out


def test_ordinary_docx_files_pass_the_check():
    check_zip(docx_bytes("测试市知识产权办法\n" + "第一条 为了加强知识产权保护，制定本办法。\n" * 3_000))
