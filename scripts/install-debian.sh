#!/usr/bin/env bash
# A Debian package the project's scripts need and PyPI cannot give: chromium for the browser
# tests (Playwright's own browser download cannot work here), wrk for `make bench`.
# Usage: scripts/install-debian.sh PACKAGE [COMMAND]   (COMMAND defaults to PACKAGE)
set -euo pipefail
package="$1"
command="${2:-$1}"
if command -v "$command" >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "$command is missing; install Debian's '$package' package (needs root)." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q "$package" >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q "$package" >/dev/null; }
command -v "$command"
