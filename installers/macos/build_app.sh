#!/usr/bin/env bash
# Build the macOS .app and .dmg, optionally signed and notarised. Run on macOS:
#   installers/macos/build_app.sh
# Environment:
#   CODESIGN_IDENTITY  "Developer ID Application: ..." to sign (hardened runtime); unset = unsigned
#   NOTARY_PROFILE     a `xcrun notarytool store-credentials` profile name to notarise and staple
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
VERSION="$("$VENV/bin/python" -c 'import app; print(app.__version__)')"
DIST="$ROOT/build/dist"
APP="$DIST/Telemedicine workstation.app"
DMG="$ROOT/build/telemed-workstation-$VERSION.dmg"

"$VENV/bin/pyinstaller" --noconfirm --log-level WARN --distpath "$DIST" \
  --workpath "$ROOT/build/work" "$ROOT/installers/pyinstaller/telemed-workstation.spec"

# Wrap the one-folder bundle into an .app: executables in Contents/MacOS.
rm -rf "$APP"
mkdir -p "$APP/Contents/MacOS" "$APP/Contents/Resources"
cp -a "$DIST/telemed-workstation/." "$APP/Contents/MacOS/"
sed "s/@VERSION@/$VERSION/g" "$ROOT/installers/macos/Info.plist.in" > "$APP/Contents/Info.plist"

if [ -n "${CODESIGN_IDENTITY:-}" ]; then
  codesign --force --deep --options runtime --timestamp \
    --entitlements "$ROOT/installers/macos/entitlements.plist" \
    --sign "$CODESIGN_IDENTITY" "$APP"
  codesign --verify --strict --verbose=2 "$APP"
fi

rm -f "$DMG"
hdiutil create -volname "Telemedicine workstation" -srcfolder "$APP" -ov -format UDZO "$DMG"

if [ -n "${CODESIGN_IDENTITY:-}" ] && [ -n "${NOTARY_PROFILE:-}" ]; then
  codesign --sign "$CODESIGN_IDENTITY" --timestamp "$DMG"
  xcrun notarytool submit "$DMG" --keychain-profile "$NOTARY_PROFILE" --wait
  xcrun stapler staple "$DMG"
fi
echo "$DMG"
