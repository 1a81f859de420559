#!/usr/bin/env bash
# Browser tests: installs the test's npm packages and runs them against the debug binary.
set -euo pipefail
cd "$(dirname "$0")"
export GONGKAI_BIN="${GONGKAI_BIN:-${CARGO_TARGET_DIR:-../../target}/debug/gongkai}"
npm ci --no-audit --no-fund >/dev/null
node --test
