#!/usr/bin/env bash
# Width sweep of the standard problem: layers=10, n = 4, 8, 12, 16, 20, 22.
# Usage: benchmarks/run_width.sh [OUT_DIR] [extra `revad bench` options]
set -euo pipefail
out="${1:-bench-results/width}"
shift || true
exec revad bench --suite width --width-layers 10 --width-n 4,8,12,16,20,22 \
    --budget 300 --mem-limit 10000 --threads 1 --out "$out" "$@"
