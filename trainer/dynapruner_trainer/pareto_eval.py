"""Per-window evaluation of one checkpoint for the Pareto grid: MSE and
effective MACs per test window, the importance alignment, and the "calm
regions" split (windows, and pixels, ranked by |Delta|: bottom vs top third)."""
from __future__ import annotations

import numpy as np
import torch

from .evaluate import evaluate_model
from .macs import summarize
from .metrics import delta_magnitude


@torch.no_grad()
def window_errors(model, win: dict, batch: int = 16) -> dict:
    """Per window: squared-error sums per pixel [N,H,W], valid counts [N,H,W],
    effective MACs (overhead included) [N] and data mask active per pixel [N,H,W]."""
    se, cnt, macs, active = [], [], [], []
    for i in range(0, len(win["inputs"]), batch):
        x = torch.from_numpy(win["inputs"][i:i + batch])
        y = torch.from_numpy(win["targets"][i:i + batch])
        v = torch.from_numpy(win["valid"][i:i + batch]).to(torch.float32)
        out = model(x, count_macs=True)
        se.append((((out["prediction"] - y) ** 2) * v).sum(dim=(1, 2)).numpy())
        cnt.append(v.sum(dim=(1, 2)).numpy())
        s = summarize(out["macs"], model)
        macs.append(s["backbone_eff"] + s["overhead"]["total"])
        imp = out["importance"]
        on = (imp >= model.theta_d).reshape(len(x), *se[-1].shape[1:]) if imp is not None \
            else torch.ones(se[-1].shape, dtype=torch.bool)
        active.append(on.numpy())
    return {"se": np.concatenate(se), "cnt": np.concatenate(cnt), "macs": np.concatenate(macs),
            "active": np.concatenate(active), "dense_macs": float(s["dense"])}


def thirds(order_key: np.ndarray) -> tuple:
    """(calm, busy): boolean masks of the bottom and top third by `order_key`."""
    lo, hi = np.quantile(order_key, [1 / 3, 2 / 3])
    return order_key <= lo, order_key >= hi


def calm_split(err: dict, mag: np.ndarray, ok: np.ndarray) -> dict:
    """MSE, MAC reduction and data mask activity on the calm and busy thirds:
    windows ranked by mean |Delta|, pixels ranked by |Delta| over all windows."""
    per_win_mag = (mag * ok).sum(axis=(1, 2)) / np.maximum(ok.sum(axis=(1, 2)), 1)
    out = {}
    for name, sel in zip(("calm", "busy"), thirds(per_win_mag)):
        out[f"windows_{name}"] = {
            "windows": [int(i) for i in np.flatnonzero(sel)],
            "mse": float(err["se"][sel].sum() / err["cnt"][sel].sum()),
            "mac_reduction": 1.0 - float(err["macs"][sel].mean()) / err["dense_macs"]}
    pix_mag = mag[ok]
    for name, sel in zip(("calm", "busy"), thirds(pix_mag)):
        out[f"pixels_{name}"] = {
            "mse": float(err["se"][ok][sel].sum() / err["cnt"][ok][sel].sum()),
            "data_mask_active": float(err["active"][ok][sel].mean())}
    return out


def evaluate_run(model, win: dict) -> dict:
    """Everything the Pareto summary needs from one checkpoint on the test windows."""
    agg = evaluate_model(model, win)
    agg.pop("_predictions")
    err = window_errors(model, win)
    mag, ok = delta_magnitude(win["inputs"], win["targets"], win["valid"])
    ok = ok & (err["cnt"] > 0)
    return {
        "mse": agg["mse"],
        "effective_macs": agg["macs"]["effective"]["mean"],
        "dense_macs": agg["macs"]["dense"],
        "mac_reduction": agg["macs"]["reduction_vs_dense"],
        "roc_auc": agg.get("importance", {}).get("roc_auc"),
        "data_mask_active": agg.get("data_mask_active"),
        "window_mse": [float(a / b) for a, b in zip(err["se"].sum(axis=(1, 2)), err["cnt"].sum(axis=(1, 2)))],
        "window_macs": [float(m) for m in err["macs"]],
        "window_delta": [float(d) for d in (mag * ok).sum(axis=(1, 2)) / np.maximum(ok.sum(axis=(1, 2)), 1)],
        "calm": calm_split(err, mag, ok),
    }
