#!/usr/bin/env bash
# Installs everything malrapport needs on a fresh Debian machine (run as root):
# tesseract with the Swedish model, the Swedish dictionaries, poppler, qpdf,
# chromium (for the comparison page test), and the Python package with its
# test extras. Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(tesseract-ocr tesseract-ocr-swe tesseract-ocr-eng tesseract-ocr-osd
              hunspell-sv-se wswedish poppler-utils qpdf chromium fonts-dejavu-core)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "install.sh: installing ${missing[*]}" >&2
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python3 -m pip install -q --disable-pip-version-check -e ".[test]"
