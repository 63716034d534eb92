#!/usr/bin/env bash
# Install Debian's Chromium and its matching chromedriver for tests/test_browser.py, when they are missing.
# Needs root (or sudo) and access to the Debian mirrors; does nothing when both are already installed.
set -euo pipefail

if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
    echo "chromium and chromedriver already installed: $(chromium --version 2>/dev/null | head -1)"
    exit 0
fi

CALLER="$0" bash "$(dirname "$0")/apt_install.sh" chromium chromium-driver fonts-noto-cjk
chromium --version
chromedriver --version
