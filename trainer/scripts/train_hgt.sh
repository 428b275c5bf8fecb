#!/usr/bin/env bash
# Second real data set: SimVP dense and Dyna-Pruner on the NCL monthly 500 hPa
# height (demo/data/ncl/hgt.nc, via configs/data/ncl_hgt_monthly.json); writes the
# "hgt" section of trainer/RESULTS.md. Checkpoints go to trainer/runs/hgt/ (not bundled).
set -euo pipefail
cd "$(dirname "$0")/.."            # trainer/
PY=${PY:-/usr/bin/python3}
OUT=${OUT:-runs/hgt}
"$PY" -m dynapruner_trainer.train --config configs/hgt/simvp_dense.json --out "$OUT/simvp_dense.onnx" --quiet
"$PY" -m dynapruner_trainer.train --config configs/hgt/simvp_dynapruner.json --out "$OUT/simvp_dynapruner.onnx" --quiet
"$PY" -m dynapruner_trainer.table "$OUT/simvp_dense.onnx" "$OUT/simvp_dynapruner.onnx" --section hgt \
  --title "Second data set: NCL monthly 500 hPa height, SimVP (Table I layout)" --markdown RESULTS.md \
  --note "Command: \`bash trainer/scripts/train_hgt.sh\` (configs/hgt/, seed 0; dense 60 epochs, Dyna-Pruner 80 epochs warm-started from it, s_d 0.1, s_w 0.4). 21 months give 10 training windows and one validation and one test window of T_in = T_out = 2: these are one window's numbers, not a benchmark. The storm data read from a NetCDF-4, HDF5 or Zarr copy gives bit-equal inputs (tests/test_dataset.py), so its Table I is the storm table above."
