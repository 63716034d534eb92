#!/usr/bin/env bash
# apt-get install the Debian packages given as arguments, as root or through sudo (the one place the set-up
# scripts talk to apt). Exits non-zero, saying why, when neither root nor sudo is available.
#   bash scripts/apt_install.sh chromium chromium-driver
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "$(basename "${CALLER:-$0}"): need root or sudo to apt-get install $*" >&2
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "$@"
