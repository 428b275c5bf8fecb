"""Python-side parity of every bundled checkpoint: run the ONNX graph with the
NumPy executor (onnx_numpy.py; no onnxruntime in Debian) on
storm_test.inputs.npy and compare with `<name>.outputs.npy` (PyTorch) and,
for all outputs, with PyTorch recomputed. Also runs onnx.checker.

    /usr/bin/python3 trainer/scripts/check_parity.py [demo/checkpoints]
"""
import glob
import os
import sys

import numpy as np
import onnx

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from dynapruner_trainer import onnx_numpy  # noqa: E402
from dynapruner_trainer.evaluate import load_checkpoint  # noqa: E402
from dynapruner_trainer.export import parity  # noqa: E402

d = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "demo", "checkpoints")
x = np.load(os.path.join(d, "storm_test.inputs.npy"))
worst = 0.0
for path in sorted(glob.glob(os.path.join(d, "*.onnx"))):
    name = os.path.basename(path)[:-5]
    onnx.checker.check_model(onnx.load(path))
    out = onnx_numpy.run(path, {"x": x}, ["prediction"])["prediction"]
    saved = np.load(os.path.join(d, f"{name}.outputs.npy"))
    diff = float(np.abs(out - saved).max())
    model, _ = load_checkpoint(path + ".pt")
    alld = parity(model, path, x)
    worst = max(worst, diff, max(alld.values()))
    print(f"{name}: prediction vs saved outputs {diff:.2e}; all outputs vs PyTorch max {max(alld.values()):.2e}"
          f" ({max(alld, key=alld.get)})")
print(f"worst {worst:.2e}", "OK" if worst <= 1e-4 else "FAIL")
sys.exit(0 if worst <= 1e-4 else 1)
