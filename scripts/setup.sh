#!/usr/bin/env bash
# Set up ipqa in a virtual environment (.venv): the CPU build of torch first, then ipqa itself.
#   bash scripts/setup.sh          # for running the app / CLI
#   bash scripts/setup.sh --test   # also the test tools, Chromium for the browser test, and LibreOffice, poppler and
#                                  # Tesseract (Chinese) for the .doc/.wps and scanned-PDF tests
# Installing torch first matters: sentence-transformers with no torch present pulls several GB of CUDA wheels.
# IPQA_TORCH_INDEX may name a pip index that serves CPU-only torch wheels (PyTorch publishes one); without it,
# pip takes torch==2.13.0 from wherever pip is configured to look.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${IPQA_VENV:-.venv}
python=${PYTHON:-python3}

[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
pip=("$venv/bin/python" -m pip --disable-pip-version-check)

if ! "$venv/bin/python" -c "import torch" 2>/dev/null; then
  echo "ipqa setup: installing torch 2.13.0 (CPU)…" >&2
  if [ -n "${IPQA_TORCH_INDEX:-}" ]; then
    "${pip[@]}" install -q "torch==2.13.0" --index-url "$IPQA_TORCH_INDEX"
  else
    "${pip[@]}" install -q "torch==2.13.0"
  fi
fi

fetch_model() {
  # The embedding model, once, into models/ (found there by name; never fetched at run time). HF_ENDPOINT picks a
  # mirror; IPQA_FETCH_MODEL=0 skips it. Where no hub is reachable this prints one line and ipqa runs keyword-only.
  if [ "${IPQA_FETCH_MODEL:-1}" != "0" ]; then
    "$venv/bin/ipqa" fetch-model || echo "ipqa setup: model fetch failed; keyword search only" >&2
  fi
}

if [ "${1:-}" = "--test" ]; then
  echo "ipqa setup: installing ipqa with test tools…" >&2
  "${pip[@]}" install -q -e ".[test]"
  bash scripts/install_browser.sh || echo "ipqa setup: Chromium could not be installed; the browser test will skip" >&2
  bash scripts/install_formats.sh ||
    echo "ipqa setup: LibreOffice/Tesseract could not be installed; the .doc/.wps and OCR tests will skip" >&2
else
  echo "ipqa setup: installing ipqa…" >&2
  "${pip[@]}" install -q -e .
fi
fetch_model
