#!/usr/bin/env bash
# Depth sweep of the standard problem: n=10, layers 10, 100, 1000, 10000.
# Usage: benchmarks/run_depth.sh [OUT_DIR] [extra `revad bench` options]
set -euo pipefail
out="${1:-bench-results/depth}"
shift || true
exec revad bench --suite depth --depth-n 10 --depth-layers 10,100,1000,10000 \
    --budget 300 --mem-limit 10000 --threads 1 --out "$out" "$@"
