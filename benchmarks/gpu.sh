#!/usr/bin/env bash
# The GPU suite (benchmarks/gpu_suite.py), prepared to run once on a machine with an NVIDIA GPU:
# installs revad with the JAX CUDA wheels from this repo's extras into a fresh venv, checks the
# GPU gradient against the CPU's, times the suite, writes OUT_DIR/gpu.json and OUT_DIR/gpu.md.
#   benchmarks/gpu.sh [OUT_DIR]            on the GPU machine
#   benchmarks/gpu.sh --smoke [OUT_DIR]    the same code on CPU, tiny sizes (JAX_PLATFORMS=cpu)
# PYTHON picks the interpreter (default python3); VENV the venv folder (default .venv-gpu).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" == "--smoke" ]]; then
    shift
    export JAX_PLATFORMS=cpu
    exec "${PYTHON:-python3}" benchmarks/gpu_suite.py --smoke --repeats 1 --out "${1:-bench-results/gpu-smoke}"
fi
out="${1:-bench-results/gpu}"
command -v nvidia-smi >/dev/null || { echo "gpu.sh: no nvidia-smi here; use --smoke on CPU" >&2; exit 2; }
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv
venv="${VENV:-.venv-gpu}"
[[ -x "$venv/bin/python" ]] || "${PYTHON:-python3}" -m venv "$venv"
"$venv/bin/pip" install -q --upgrade pip
"$venv/bin/pip" install -q -e '.[cuda]'
"$venv/bin/pip" install -q pennylane-lightning-gpu || echo "gpu.sh: lightning.gpu did not install; its rows are skipped"
"$venv/bin/python" -c 'import jax; d = jax.devices()[0]; assert d.platform == "gpu", d; print(d)'
exec "$venv/bin/python" benchmarks/gpu_suite.py --out "$out"
