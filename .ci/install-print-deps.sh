#!/usr/bin/env bash
# Installs what tests/handout_print.rs needs on a fresh Debian machine (run as
# root): headless Chromium to print the handout page to PDF, poppler-utils for
# pdftotext/pdfinfo/pdftoppm, and the DejaVu fonts the page's CSS falls back to
# (so the PDF's text is extractable and the layout is the same everywhere).
# Idempotent and fast when everything is already there: apt is only touched
# when a command is missing.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
{ command -v pdftotext && command -v pdfinfo && command -v pdftoppm; } >/dev/null 2>&1 || need+=(poppler-utils)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)

if [ ${#need[@]} -eq 0 ]; then
  echo "install-print-deps: chromium, poppler-utils and DejaVu fonts already installed"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
echo "install-print-deps: installing ${need[*]}"
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
command -v chromium >/dev/null
command -v pdftotext >/dev/null
echo "install-print-deps: done"
