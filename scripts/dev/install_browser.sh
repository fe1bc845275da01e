#!/usr/bin/env bash
# Installs Debian's Chromium and ChromeDriver for the HTML report's browser test, if they are missing.
set -euo pipefail
if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  # not root (a laptop): the browser test skips with its reason; CI runs as root and installs them
  echo "note: no Chromium here; the browser test will skip (sudo apt-get install chromium chromium-driver to run it)" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
chromium --version
