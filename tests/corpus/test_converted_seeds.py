"""The seed policies as people receive them (issue 14): converted by LibreOffice to .docx and .pdf and printed to
PDF by Chromium (with its running header and footer), each reads into the same clauses (paths), the same lead and
supporting units and the same metadata as the .txt. Whitespace is left out of the comparison: a PDF has no
paragraphs, and LibreOffice keeps a .txt's blank lines as empty paragraphs."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import asdict
from pathlib import Path

import pytest

from ipqa.clauses.split import split_clauses
from ipqa.corpus.reading import read_document
from tests.helpers.paths import SHARED, need

pytestmark = pytest.mark.slow
SEEDS = SHARED / "seeds"
STEMS = sorted(p.stem for p in SEEDS.glob("*.txt"))
_WS = re.compile(r"\s+")


def _run(command: list[str], timeout: int = 180) -> None:
    done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    if done.returncode:
        pytest.fail(f"{command[0]} failed ({done.returncode}): {done.stderr.decode(errors='replace')[-500:]}")


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> dict[str, Path]:
    """Folder per converter: the seeds as .txt, and LibreOffice's .pdf/.docx and Chromium's .pdf of them."""
    need(SEEDS)
    work = tmp_path_factory.mktemp("converted")
    txt = work / "txt"
    txt.mkdir()
    for stem in STEMS:
        shutil.copy(SEEDS / f"{stem}.txt", txt)
    out = {"txt": txt}
    soffice = shutil.which("soffice")
    if soffice:
        out["libreoffice"] = work / "libreoffice"
        profile = (work / "lo-profile").as_uri()  # a profile of its own: another soffice may be running
        files = [str(txt / f"{stem}.txt") for stem in STEMS]
        for fmt in ("pdf", "docx"):
            _run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", fmt, "--outdir",
                  str(out["libreoffice"]), *files])  # fmt: skip
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium:
        out["chromium"] = work / "chromium"
        out["chromium"].mkdir()
        for stem in STEMS:
            _run([chromium, "--headless=new", "--no-sandbox", "--disable-gpu", f"--user-data-dir={work / 'cr'}",
                  f"--print-to-pdf={out['chromium'] / f'{stem}.pdf'}", (txt / f"{stem}.txt").as_uri()])  # fmt: skip
    return out


def _summary(path: Path) -> tuple[dict, list]:
    doc = read_document(path, path.parent)
    meta = {field: _WS.sub("", value) for field, value in asdict(doc.meta).items()}
    clauses = [
        (
            c.labels,
            tuple(_WS.sub("", u) for u in c.departments.lead),
            tuple(_WS.sub("", u) for u in c.departments.support),
        )
        for c in split_clauses(doc)
    ]
    return meta, clauses


@pytest.mark.parametrize("stem", STEMS or ["(no seeds)"])
@pytest.mark.parametrize(
    ("converter", "suffix"), [("libreoffice", ".pdf"), ("libreoffice", ".docx"), ("chromium", ".pdf")]
)
def test_converted_seed_reads_like_its_text(converted, stem, converter, suffix):
    if converter not in converted:
        pytest.skip(f"{converter} is not installed (bash scripts/setup.sh --test installs it, as root)")
    meta, clauses = _summary(converted["txt"] / f"{stem}.txt")
    got_meta, got_clauses = _summary(converted[converter] / f"{stem}{suffix}")
    assert got_meta == meta
    assert len(got_clauses) == len(clauses)
    wrong = [(want, got) for want, got in zip(clauses, got_clauses) if want != got]
    assert not wrong, f"{len(wrong)} of {len(clauses)} clauses differ, e.g. {wrong[:3]}"
