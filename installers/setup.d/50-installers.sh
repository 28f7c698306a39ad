#!/usr/bin/env bash
# Tools the installer tests need: shellcheck (lint of the platform scripts), desktop-file-utils,
# appstream (metadata validation). PyInstaller comes from the dev extras.
set -euo pipefail
need=()
for p in shellcheck desktop-file-utils appstream poppler-utils; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then echo "[setup] missing Debian packages: ${need[*]}" >&2; exit 0; fi
apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"
