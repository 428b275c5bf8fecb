#!/usr/bin/env bash
# Paper-scale bench checkpoints (SimVP at 128x128 and 32x64) for `npm run bench:sparse`.
# Bench models, not forecasters: a short training run on the resampled storm data
# (see trainer/dynapruner_trainer/bench_models.py). Idempotent: models already in
# the output folder are reused.
#   bash trainer/scripts/bench_models.sh [--out DIR] [--only NAME[,NAME]] [--threads N]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="$ROOT/.cache/bench-models"
ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT="$2"; shift 2 ;;
    *) ARGS+=("$1"); shift ;;
  esac
done
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
cd "$ROOT/trainer"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
exec nice -n 19 /usr/bin/python3 -m dynapruner_trainer.bench_models --out "$OUT" "${ARGS[@]+"${ARGS[@]}"}"
