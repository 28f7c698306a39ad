#!/usr/bin/env bash
# Build the one-folder bundle (PyInstaller) and wrap it in a Debian package.
#   installers/linux/build_deb.sh [OUTPUT_DIR]
# Needs the project venv (./dev setup) and dpkg-deb. Output: telemed-workstation_<version>_<arch>.deb
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
OUT="${1:-$ROOT/build}"
APP_ID="it.lombardia.telemed.Workstation"
VERSION="$("$VENV/bin/python" -c 'import app; print(app.__version__)')"
ARCH="$(dpkg --print-architecture)"
WORK="$ROOT/build/deb"

"$VENV/bin/pyinstaller" --noconfirm --log-level WARN \
  --distpath "$ROOT/build/dist" --workpath "$ROOT/build/work" \
  "$ROOT/installers/pyinstaller/telemed-workstation.spec"

rm -rf "$WORK"
STAGE="$WORK/root"
install -d "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
  "$STAGE/usr/share/icons/hicolor/scalable/apps" "$STAGE/usr/share/metainfo" \
  "$STAGE/usr/share/doc/telemed-workstation"
cp -a "$ROOT/build/dist/telemed-workstation" "$STAGE/opt/telemed-workstation"
ln -s /opt/telemed-workstation/telemed-workstation "$STAGE/usr/bin/telemed-workstation"
install -m 0644 "$ROOT/installers/linux/$APP_ID.desktop" "$STAGE/usr/share/applications/"
install -m 0644 "$ROOT/installers/linux/$APP_ID.metainfo.xml" "$STAGE/usr/share/metainfo/"
install -m 0644 "$ROOT/resources/icons/telemed-workstation.svg" \
  "$STAGE/usr/share/icons/hicolor/scalable/apps/$APP_ID.svg"
install -m 0644 "$ROOT/CHANGELOG.md" "$STAGE/usr/share/doc/telemed-workstation/changelog"
SIZE_KB="$(du -sk "$STAGE" | cut -f1)"
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@SIZE_KB@/$SIZE_KB/" \
  "$ROOT/installers/linux/control.in" > "$STAGE/DEBIAN/control"
mkdir -p "$OUT"
DEB="$OUT/telemed-workstation_${VERSION}_${ARCH}.deb"
dpkg-deb --root-owner-group -Zxz -z1 --build "$STAGE" "$DEB" >/dev/null
echo "$DEB"
