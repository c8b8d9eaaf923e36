#!/usr/bin/env bash
# Installs schemathesis (PyPI) into a git-ignored folder once and prints the path of its `st` launcher.
# Used by tests/integration/apiFuzz.test.ts; safe to run again (reuses a complete install).
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSION=4.32.5
DIR="tests/services/.cache/schemathesis-$VERSION"
if [ ! -f "$DIR/.complete" ]; then
  rm -rf "$DIR.tmp"
  mkdir -p "$(dirname "$DIR")"
  PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore python3 -m pip install -q --no-compile \
    --no-warn-conflicts --target "$DIR.tmp" "schemathesis==$VERSION" >&2 \
    || { echo "schemathesis: pip install schemathesis==$VERSION failed (is PyPI reachable?)" >&2; exit 1; }
  rm -rf "$DIR"
  mv "$DIR.tmp" "$DIR"
  touch "$DIR/.complete"
fi
printf '%s\n' "$PWD/$DIR"
