#!/usr/bin/env bash
# CI smoke run: every method on tiny sizes (about a minute and a half in all).
# Usage: benchmarks/run_quick.sh [OUT_DIR]
set -euo pipefail
exec revad bench --quick --out "${1:-bench-results/quick}"
