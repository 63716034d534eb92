#!/usr/bin/env bash
# Install the Debian programs ipqa reads some formats with, when they are missing: LibreOffice headless for
# .doc/.wps (libreoffice-writer-nogui), poppler's pdftoppm for page images and Tesseract with its simplified and
# traditional Chinese data for scanned PDFs. Needs root (or sudo) and the Debian mirrors; without them ipqa skips
# those files with a reason naming the missing package, and their tests skip.
set -euo pipefail

packages=(libreoffice-writer-nogui poppler-utils tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-chi-tra)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "format converters already installed: $(soffice --version 2>/dev/null | head -1); $(tesseract --version 2>&1 | head -1)"
    exit 0
fi

CALLER="$0" bash "$(dirname "$0")/apt_install.sh" "${missing[@]}"
soffice --version | head -1
tesseract --list-langs 2>&1 | tr '\n' ' '; echo
