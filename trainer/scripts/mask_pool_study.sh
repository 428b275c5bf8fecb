#!/usr/bin/env bash
# Cheaper mask generator study (RESULTS.md, "Cheaper mask generator"): SimVP Dyna-Pruner on the
# storm data with g_mask at full, 1/2 and 1/4 resolution (--mask-pool 1|2|4), same short schedule,
# warm-started from the bundled dense SimVP; then the table of test metrics.
#   bash trainer/scripts/mask_pool_study.sh [--out DIR] [--epochs N] [--seeds "0 1"]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="$ROOT/.cache/mask-pool"; EPOCHS=30; SEEDS="0 1"
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT="$2"; shift 2 ;;
    --epochs) EPOCHS="$2"; shift 2 ;;
    --seeds) SEEDS="$2"; shift 2 ;;
    *) echo "error: $1: expected --out, --epochs or --seeds" >&2; exit 2 ;;
  esac
done
mkdir -p "$OUT"; OUT="$(cd "$OUT" && pwd)"
cd "$ROOT/trainer"
export OMP_NUM_THREADS=1
for seed in $SEEDS; do
  for pool in 1 2 4; do
    f="$OUT/simvp_dp_pool${pool}_s${seed}.onnx"
    [ -f "$f" ] && continue
    nice -n 19 /usr/bin/python3 -m dynapruner_trainer.train --config configs/storm/simvp_dynapruner.json \
      --init-from "$ROOT/demo/checkpoints/simvp_dense.onnx.pt" --epochs "$EPOCHS" --seed "$seed" \
      --mask-pool "$pool" --out "$f" --quiet
  done
done
/usr/bin/python3 -m dynapruner_trainer.mask_pool_table "$OUT"/simvp_dp_pool*_s*.onnx
