#!/usr/bin/env bash
# Pareto grid of trainer/RESULTS.md ("Pareto: Dyna-Pruner vs static L1"): for each
# backbone, dense, static L1 filter pruning (mp_l1) at 5 model-sparsity targets and
# Dyna-Pruner at 5 (s_d, s_w) pairs, each from the dense run of the same seed, 5 seeds;
# every run is an experiment config (written to OUT/configs/) trained by
# `train --config` at nice 19, two at a time; then per-window evaluation on the
# test windows, 95% CIs over seeds, Dyna-Pruner minus mp_l1 at matched effective
# MAC reduction (bootstrap over seeds and windows), the calm-regions split, and
# OUT/{runs.json,runs.csv,windows.csv,summary.json,summary.md,pareto.svg}.
# The grid is configs/pareto/storm.json; flags override it:
#   bash trainer/scripts/pareto.sh                                  # full grid (see RESULTS.md for its time)
#   bash trainer/scripts/pareto.sh --seeds 3 --points 4 --backbones simvp --epochs 30 --dense-epochs 20
#   bash trainer/scripts/pareto.sh --seeds 2 --points 2 --backbones simvp --epochs 1 --mask-pretrain 1 --out /tmp/p
# Dyna-Pruner options of the grid (distillation, temperature annealing, longer schedule) at chosen pairs,
# beside the same dense / mp_l1 / Dyna-Pruner runs (same --out), and the NCL hgt grid:
#   bash trainer/scripts/pareto.sh --seeds 3 --points 4 --backbones simvp --epochs 30 --dense-epochs 20 \
#        --options distill,anneal --option-points 1,3 --out runs/pareto
#   bash trainer/scripts/pareto.sh --grid configs/pareto/hgt.json --seeds 3 --points 2 --out runs/pareto_hgt
# Re-running with the same --out resumes (trained checkpoints are reused);
# --no-train only re-evaluates and summarises what exists.
set -euo pipefail
cd "$(dirname "$0")/.."            # trainer/
PY=${PY:-/usr/bin/python3}
has_out=0
for a in "$@"; do [ "$a" = "--out" ] && has_out=1; done
extra=()
[ "$has_out" = 1 ] || extra=(--out runs/pareto)
exec "$PY" -m dynapruner_trainer.pareto "${extra[@]}" "$@"
