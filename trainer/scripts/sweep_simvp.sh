#!/usr/bin/env bash
# Sensitivity of the SimVP Dyna-Pruner to the sparsity targets (paper Table III
# layout), warm-started from the bundled demo/checkpoints/simvp_dense.onnx.pt.
# Writes trainer/SWEEP.md; checkpoints go to a temporary folder (not bundled).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-/usr/bin/python3}
DATA=${DATA:-../demo/data/ncl}
DENSE=${DENSE:-../demo/checkpoints/simvp_dense.onnx.pt}
TMP=$(mktemp -d)
EM=${EPOCHS_MASKED:-80}
CONFIGS=${CONFIGS:-"0.7,0.7 0.7,0.3 0.4,0.6 0.2,0.6 0.1,0.6 0.1,0.4"}
run() {
  local sd=${1%,*} sw=${1#*,}
  "$PY" -m dynapruner_trainer.train --backbone simvp --variant dynapruner --data "$DATA" --init-from "$DENSE" \
    --out "$TMP/sd${sd}_sw${sw}.onnx" --epochs "$EM" --s-d "$sd" --s-w "$sw" --no-export --quiet
  "$PY" -m dynapruner_trainer.evaluate "$TMP/sd${sd}_sw${sw}.onnx" --data "$DATA" --json "$TMP/sd${sd}_sw${sw}.json" > /dev/null
}
i=0
for c in $CONFIGS; do
  run "$c" & i=$((i + 1))
  if (( i % 2 == 0 )); then wait; fi
done
wait
"$PY" - "$TMP" "$DENSE" $CONFIGS > SWEEP.md <<'PYEOF'
import json, sys, torch
tmp, dense, cfgs = sys.argv[1], sys.argv[2], sys.argv[3:]
d = torch.load(dense, map_location="cpu")["training"]
print("## SimVP Dyna-Pruner: sparsity targets (Table III layout; storm test windows)\n")
print(f"Dense: MSE {d['test_mse']:.4f}, {d['test_dense_macs'] / 1e6:.2f} M MACs. Command: `bash trainer/scripts/sweep_simvp.sh`.\n")
print("| s_d | s_w | MSE | MSE vs dense | effective MMACs | MACs vs dense | data mask active | ROC AUC |")
print("|---|---|---|---|---|---|---|---|")
for c in cfgs:
    sd, sw = c.split(",")
    r = json.load(open(f"{tmp}/sd{sd}_sw{sw}.json"))
    e = r["macs"]["effective"]["mean"]
    print(f"| {sd} | {sw} | {r['mse']:.4f} | {100 * (r['mse'] / d['test_mse'] - 1):+.1f}% | {e / 1e6:.2f} | "
          f"{100 * (e / r['macs']['dense'] - 1):+.1f}% | {100 * r['data_mask_active']:.1f}% | {r['importance']['roc_auc']:.3f} |")
PYEOF
rm -rf "$TMP"
cat SWEEP.md
