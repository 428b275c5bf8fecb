#!/usr/bin/env bash
# Reproduces every bundled checkpoint in demo/checkpoints/ and the results
# tables in trainer/RESULTS.md (run from anywhere; about 15-25 min on 2 cores).
#   bash trainer/scripts/train_all.sh            # all
#   EPOCHS_DENSE=60 EPOCHS_MASKED=60 SEED=0 THREADS=1 bash trainer/scripts/train_all.sh
set -euo pipefail
cd "$(dirname "$0")/.."            # trainer/
PY=${PY:-/usr/bin/python3}
OUT=${OUT:-../demo/checkpoints}
DATA=${DATA:-../demo/data/ncl}
SEED=${SEED:-0}
THREADS=${THREADS:-1}
ED=${EPOCHS_DENSE:-60}
EM=${EPOCHS_MASKED:-80}
EL=${EPOCHS_CONVLSTM:-$EM}
# Sparsity targets of the bundled masked checkpoints (see trainer/README.md,
# "Sparsity targets"): s_w = 0.4 for every variant with filter pruning (mp_l1
# included, so Table I compares equal model-sparsity targets); s_d = 0.1: at the
# paper's s_d = 0.7 the data mask switches off busy valid pixels and SimVP loses
# 30-50% MSE on the storm test windows; at 0.1 it drops mostly the no-data border
# (19.7% of the grid) plus calm pixels, and S still ranks busy pixels (AUC ~0.8).
SD=${S_D:-0.1}
SW=${S_W:-0.4}
SW_L1=${S_W_L1:-0.4}
mkdir -p "$OUT"
train() { # backbone variant epochs [extra args...]
  local bb=$1 v=$2 ep=$3; shift 3
  "$PY" -m dynapruner_trainer.train --backbone "$bb" --variant "$v" --data "$DATA" \
    --out "$OUT/${bb}_${v}.onnx" --epochs "$ep" --seed "$SEED" --threads "$THREADS" "$@" \
    > "$OUT/.${bb}_${v}.log" 2>&1 || { cat "$OUT/.${bb}_${v}.log"; exit 1; }
  tail -n 8 "$OUT/.${bb}_${v}.log"
}
lane_simvp() {
  train simvp dense "$ED"
  train simvp mp_l1 "$EM" --init-from "$OUT/simvp_dense.onnx.pt" --s-w "$SW_L1"
  for v in dp_only mp_only independent dynapruner; do
    train simvp "$v" "$EM" --init-from "$OUT/simvp_dense.onnx.pt" --s-d "$SD" --s-w "$SW"
  done
}
lane_others() {
  train tau dense "$ED"
  train tau dynapruner "$EM" --init-from "$OUT/tau_dense.onnx.pt" --s-d "$SD" --s-w "$SW"
  train convlstm dense "$ED"
  train convlstm dynapruner "$EL" --init-from "$OUT/convlstm_dense.onnx.pt" --s-d "$SD" --s-w "$SW"
}
lane_simvp & p1=$!
lane_others & p2=$!
wait $p1; wait $p2
"$PY" -m dynapruner_trainer.results --ckpt-dir "$OUT" --data "$DATA" --write-io --markdown RESULTS.md --json "$OUT/.results.json"
rm -f "$OUT"/.*.log
