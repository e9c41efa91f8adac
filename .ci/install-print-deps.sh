#!/usr/bin/env bash
# Installs what the browser tests need (tests/integration/handout_print.rs, card_style.rs,
# hostile_outputs.rs): headless Chromium to render and print pages,
# poppler-utils (pdftotext, pdfinfo, pdftoppm) to read the PDFs back, and the
# DejaVu fonts the page's CSS falls back to (so the PDF's text is extractable
# and the layout is the same everywhere), and pandoc, to check that the quiz
# sheet's answer key starts a new page in pandoc's HTML and LaTeX routes.
# Fast when everything is there: apt is only touched when something is missing.
# Where it cannot install (no apt-get, not root and no sudo) it fails and says
# exactly what to install by hand; it never passes silently.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
{ command -v pdftotext && command -v pdfinfo && command -v pdftoppm; } >/dev/null 2>&1 || need+=(poppler-utils)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
command -v pandoc >/dev/null 2>&1 || need+=(pandoc)
{ command -v node && command -v npm; } >/dev/null 2>&1 || need+=(nodejs npm)

if [ ${#need[@]} -eq 0 ]; then
  echo "install-print-deps: chromium, poppler-utils, DejaVu fonts, pandoc and Node.js already installed"
  exit 0
fi

manual() {
  echo "install-print-deps: cannot install ${need[*]} here ($1)." >&2
  echo "  The print and browser tests need: a headless Chromium on PATH as \`chromium\`," >&2
  echo "  poppler's pdftotext/pdfinfo/pdftoppm, and the DejaVu fonts." >&2
  echo "  pandoc (the quiz sheet's pandoc routes), Node.js and npm (markdown-it)." >&2
  echo "  Debian/Ubuntu: sudo apt-get install chromium poppler-utils fonts-dejavu-core pandoc nodejs npm" >&2
  echo "  Fedora:        sudo dnf install chromium poppler-utils dejavu-sans-fonts pandoc nodejs npm" >&2
  echo "  macOS:         brew install --cask chromium && brew install poppler pandoc node" >&2
  exit 1
}

command -v apt-get >/dev/null 2>&1 || manual "no apt-get: not a Debian-like system"
if [ "$(id -u)" -eq 0 ]; then
  SUDO=
elif command -v sudo >/dev/null 2>&1; then
  SUDO=sudo
else
  manual "not root, and no sudo"
fi
export DEBIAN_FRONTEND=noninteractive
echo "install-print-deps: missing ${need[*]} (for the print, browser and pandoc tests); asking apt-get what that takes"
$SUDO apt-get update -qq
# What apt-get is about to install, with its own download and disk sizes,
# before anything is installed (a dry run answered "no"; it exits 1).
plan=$($SUDO apt-get install --no-install-recommends --assume-no "${need[@]}" 2>&1 || true)
printf '%s\n' "$plan" | grep -v -e '^Abort\.' -e '^Do you want to continue' -e '^Reading ' -e '^Building ' | sed 's/^/install-print-deps: /' || true
echo "install-print-deps: installing them now"
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
command -v chromium >/dev/null || manual "apt-get ran, but chromium is still missing"
command -v pdftotext >/dev/null || manual "apt-get ran, but pdftotext is still missing"
echo "install-print-deps: done"
