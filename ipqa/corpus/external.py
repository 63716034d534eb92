"""Running the Debian programs some formats are read with (LibreOffice, pdftoppm, tesseract) within a time limit:
each runs in its own process group, so one past its limit is killed together with every helper it started."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess


class TimedOut(Exception):
    """The program ran past its time limit and was killed."""


def program(*names: str) -> str | None:
    """The first of ``names`` found on PATH, or None."""
    for name in names:
        if found := shutil.which(name):
            return found
    return None


def run(command: list[str], timeout: float, cwd: str, env: dict | None = None) -> tuple[int, bytes, bytes]:
    """(exit code, stdout, stderr) of ``command``; raises TimedOut after ``timeout`` seconds."""
    with subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
    ) as proc:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise TimedOut(f"{os.path.basename(command[0])} ran longer than {timeout:.0f} s") from None
    return proc.returncode, out, err
