"""Where the importance map S points: ROC AUC of S (top-20% pixels as positives,
per test window, averaged) against the change of each forecast lead time
|y_t - x_last| separately and against the last OBSERVED change |x_last - x_prev|
(what g_mask sees). Used to explain a checkpoint whose S is not aligned with
the forecast change (AUC <= 0.6).

    python -m dynapruner_trainer.pareto_alignment RUN.onnx.pt [...] --data demo/data/ncl
"""
from __future__ import annotations

import argparse
import json
import sys

import torch

from .metrics import importance_alignment


def lead_alignment(model, win: dict) -> dict:
    """AUC of S against the change at each lead time and against the observed change."""
    x, y, v = (win[k] for k in ("inputs", "targets", "valid"))
    with torch.no_grad():
        s = model(torch.from_numpy(x))["importance"].numpy()
    out = {f"lead_{t + 1}": importance_alignment(s, x, y[:, t:t + 1], v[:, t:t + 1])["roc_auc"]
           for t in range(y.shape[1])}
    out["all_leads"] = importance_alignment(s, x, y, v)["roc_auc"]
    # the first lead's validity marks the valid pixels of the observed frame as well
    out["observed_change"] = importance_alignment(s, x[:, :-1], x[:, -1:], v[:, :1])["roc_auc"]
    out["s_mean"] = float(s.mean())
    return out


def main(argv=None) -> int:
    from .dataset import load_fields, windows
    from .dataset.cli import data_for_checkpoint
    from .evaluate import load_checkpoint
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoints", nargs="+")
    ap.add_argument("--data", default=None)
    a = ap.parse_args(argv)
    for pt in a.checkpoints:
        model, blob = load_checkpoint(pt)
        fields = load_fields(data_for_checkpoint([a.data] if a.data else None, blob, pt))
        win = windows(fields, "test", model.cfg["t_in"], model.cfg["t_out"])
        print(json.dumps({"checkpoint": pt, **lead_alignment(model, win)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
