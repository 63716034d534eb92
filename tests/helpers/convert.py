"""Converting the seeds into the formats offices publish, with the real tools (LibreOffice, poppler, Pillow), for
the format tests and benchmarks/bench_formats.py: .doc / .odt / .pdf by LibreOffice headless, a .wps as a renamed
.doc (WPS writes .doc-compatible files), OFD by tests/helpers/ofd.py, and a scanned PDF the way a scanner makes one:
LibreOffice → PDF → page images (pdftoppm, about 110 dpi, grey) → a PDF of those images with no text layer."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

SCAN_DPI = 110


def tools_problem(*names: str) -> str:
    """Why the named programs cannot be used here ("" when they can)."""
    packages = {"soffice": "libreoffice-writer-nogui", "pdftoppm": "poppler-utils", "tesseract": "tesseract-ocr"}
    gone = [n for n in names if not shutil.which(n)]
    return ", ".join(f"{n} (Debian package {packages.get(n, n)})" for n in gone) + " not installed" if gone else ""


def libreoffice(sources: list[Path], target: str, out: Path, timeout: float = 600) -> list[Path]:
    """``sources`` converted by LibreOffice to ``target`` ("doc", "odt", "pdf") into ``out``, in one soffice run."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ipqa-test-lo-") as profile:
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                target,
                "--outdir",
                str(out),
                *map(str, sources),
            ],
            check=True,
            capture_output=True,
            timeout=timeout,
            env={"HOME": profile, "PATH": "/usr/bin:/bin"},
        )
    return [out / f"{s.stem}.{target}" for s in sources]


def scan(pdf: Path, out: Path, dpi: int = SCAN_DPI) -> Path:
    """A PDF of ``pdf``'s pages as grey images at ``dpi``, with no text layer (what a scanner produces)."""
    from PIL import Image

    with tempfile.TemporaryDirectory(prefix="ipqa-test-scan-") as work:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), f"{work}/p"], check=True, timeout=600)
        pages = sorted(Path(work).glob("p-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        images = [Image.open(p).convert("L") for p in pages]
        images[0].save(out, save_all=True, append_images=images[1:], resolution=dpi)
    return out
