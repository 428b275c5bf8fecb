"""Evaluate a checkpoint (.pt, or .onnx with its .pt beside it) on held-out
test windows: MSE / MAE on valid pixels (normalised units), dense and
effective MACs per the counting spec (per sample mean / p5 / p95, overhead
shown separately) and the importance alignment of method spec section 9.

    python -m dynapruner_trainer.evaluate demo/checkpoints/simvp_dynapruner.onnx --data demo/data/ncl
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np
import torch

from .dataset import DatasetError, load_fields, windows
from .dataset.cli import DATA_HELP, data_for_checkpoint
from .losses import masked_mae, masked_mse
from .macs import stats, summarize
from .metrics import importance_alignment


def load_checkpoint(path: str):
    """Rebuild a DynaModel from `<x>.pt` (or `<x>.onnx` -> `<x>.onnx.pt`)."""
    from .variants import DynaModel
    pt = path if path.endswith(".pt") else path + ".pt"
    if not os.path.exists(pt):
        raise FileNotFoundError(f"{pt} not found (the ONNX file is evaluated through its PyTorch state)")
    blob = torch.load(pt, map_location="cpu")
    cfg = blob["cfg"]
    model = DynaModel(cfg["backbone"], cfg["variant"], cfg["t_in"], cfg["t_out"], cfg["channels"],
                      tuple(cfg["grid"]), cfg["theta_d"], cfg.get("widths"), cfg.get("mask_pool", 1))
    model.load_state_dict(blob["state"])
    if cfg["variant"] == "mp_l1":
        for u in model.backbone.units:
            u.static = True
    model.eval()
    return model, blob


@torch.no_grad()
def evaluate_model(model, win: dict, batch: int = 16) -> dict:
    model.eval()
    x_all = torch.from_numpy(win["inputs"])
    y_all = torch.from_numpy(win["targets"])
    v_all = torch.from_numpy(win["valid"])
    preds, imps, effs = [], [], []
    dense = None
    se = ae = cnt = 0.0
    for i in range(0, len(x_all), batch):
        x, y, v = x_all[i:i + batch], y_all[i:i + batch], v_all[i:i + batch]
        out = model(x, count_macs=True)
        p = out["prediction"]
        vv = v.to(p.dtype)
        se += float(((p - y) ** 2 * vv).sum())
        ae += float(((p - y).abs() * vv).sum())
        cnt += float(vv.sum())
        preds.append(p.numpy())
        if out["importance"] is not None:
            imps.append(out["importance"].numpy())
        s = summarize(out["macs"], model)
        dense = s
        effs.append(s["backbone_eff"])
    eff = np.concatenate(effs)
    ov = dense["overhead"]["total"]
    pers = masked_mse(x_all[:, -1:].expand_as(y_all), y_all, v_all).item()
    res = {
        "samples": int(len(x_all)),
        "mse": se / cnt, "mae": ae / cnt, "persistence_mse": pers,
        "macs": {
            "dense": dense["dense"],
            "effective": stats(eff + ov),
            "backbone_effective": stats(eff),
            "overhead": dense["overhead"],
            "reduction_vs_dense": 1.0 - float(np.mean(eff + ov)) / dense["dense"],
            "per_layer": {k: {"dense": a, "effective_mean": b} for k, a, b in
                          ((k, v[0], v[1]) for k, v in dense["per_layer"].items())},
        },
    }
    if imps:
        s = np.concatenate(imps)
        res["importance"] = importance_alignment(s, win["inputs"], win["targets"], win["valid"])
        res["data_mask_active"] = float((s >= model.theta_d).mean())
    if model.flags["gates"] is not None:
        out = model(x_all[:batch])
        res["gate_active"] = {u.name: float(out["gate_masks"][u.uid].mean()) for u in model.units}
    res["_predictions"] = np.concatenate(preds)
    return res


def format_report(name: str, r: dict) -> str:
    m = r["macs"]
    lines = [f"{name}: test windows {r['samples']}",
             f"  MSE {r['mse']:.4f}  MAE {r['mae']:.4f}  (persistence MSE {r['persistence_mse']:.4f}; valid pixels, normalised units)",
             f"  dense MACs {m['dense'] / 1e6:.2f} M per sample",
             f"  effective MACs mean {m['effective']['mean'] / 1e6:.2f} M  p5 {m['effective']['p5'] / 1e6:.2f} M"
             f"  p95 {m['effective']['p95'] / 1e6:.2f} M  ({-100 * m['reduction_vs_dense']:+.1f}% vs dense)",
             f"  of which overhead {m['overhead']['total'] / 1e6:.3f} M (mask generator {m['overhead']['mask_generator'] / 1e6:.3f} M,"
             f" gate heads {m['overhead']['gate_heads'] / 1e6:.4f} M)"]
    if "importance" in r:
        lines.append(f"  importance: ROC AUC {r['importance']['roc_auc']:.3f}  Spearman {r['importance']['spearman']:.3f}"
                     f"  data mask active {100 * r['data_mask_active']:.1f}%")
    if "gate_active" in r:
        lines.append("  gates active: " + ", ".join(f"{k} {100 * v:.0f}%" for k, v in r["gate_active"].items()))
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoint", help=".onnx (with .onnx.pt beside it) or .pt")
    ap.add_argument("--data", nargs="*", default=None,
                    help="default: the data set recorded in the checkpoint; else " + DATA_HELP)
    ap.add_argument("--split", default="test")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--json", default=None, help="also write the results as JSON here")
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    model, blob = load_checkpoint(a.checkpoint)
    try:
        fields = load_fields(data_for_checkpoint(a.data, blob, a.checkpoint))
    except DatasetError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    win = windows(fields, a.split, model.cfg["t_in"], model.cfg["t_out"])
    r = evaluate_model(model, win)
    r.pop("_predictions")
    print(format_report(os.path.basename(a.checkpoint), r))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(r, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
