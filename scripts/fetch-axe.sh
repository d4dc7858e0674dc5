#!/usr/bin/env bash
# axe-core for the browser tests' accessibility check, from the npm registry, into var/axe/.
# Pinned so that a new axe release (new rules) cannot turn a green CI red without a commit here.
# The tests read var/axe/axe.min.js; they skip without it, and fail in CI (R4V_REQUIRE_BROWSER).
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=4.14.1
DEST=var/axe
if [ -f "$DEST/axe.min.js" ] && [ "$(cat "$DEST/VERSION" 2>/dev/null)" = "$VERSION" ]; then
  exit 0
fi
mkdir -p "$DEST"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# `npm pack` fetches the package tarball only: no node_modules, no install scripts run.
tarball=$(npm pack --silent --pack-destination "$work" "axe-core@$VERSION")
tar -xzf "$work/$tarball" -C "$work" package/axe.min.js package/LICENSE
mv "$work/package/axe.min.js" "$work/package/LICENSE" "$DEST/"
echo "$VERSION" > "$DEST/VERSION"
