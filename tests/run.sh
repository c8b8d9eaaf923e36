#!/usr/bin/env bash
# The test command behind `make test` and .ci/run: services up, lint, typecheck, vitest with coverage, services down.
# Always ends with one line "N passed, N failed, N skipped" counting every check it ran.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p reports
rm -f reports/vitest.json

started_services=0
cleanup() { [ "$started_services" = 1 ] && bash tests/services/down.sh >/dev/null 2>&1; }
trap cleanup EXIT

static_failed=0
static_passed=0
step() {
  local name=$1; shift
  echo "== $name"
  if "$@"; then static_passed=$((static_passed + 1)); else echo "!! $name failed"; static_failed=$((static_failed + 1)); fi
}

echo "== services"
if ! bash tests/services/up.sh; then
  echo "!! the test services could not be started (see above): no test ran"
  echo "0 passed, 1 failed"
  exit 1
fi
started_services=1

step "lint (biome)" biome check .
step "typecheck (tsc)" tsc --noEmit -p tsconfig.json
step "typecheck web (tsc)" tsc --noEmit -p web/tsconfig.json
# The browser tests drive the built UI.
step "web build (vite)" bash -c 'cd web && vite build --logLevel warn'
# tests/integration/executable.test.ts and packages.test.ts run what this builds (and fail when it is missing).
step "executable and packages (installer)" bash -c 'node installer/build.ts && node installer/package.ts'

echo "== tests (vitest, with coverage)"
vitest run --coverage --reporter=default --reporter=json --outputFile.json=reports/vitest.json
vitest_rc=$?
step "secret scan (reports, coverage, leftover logs)" node tests/leakScan.ts

node tests/summary.ts reports/vitest.json "$static_passed" "$static_failed" "$vitest_rc"
