"""Runs of an earlier Pareto grid read back from its results folder, so a grid
can be extended (a new option, a further seed) without retraining or
re-measuring the runs it already holds (`pareto.py --prior DIR`).

The folder's runs.json holds whole records; without it, runs.csv and
windows.csv give each run's numbers and per-window MSE / MACs / mean |Delta|,
but not the pixel half of the calm-regions split: such a record gets the
window half rebuilt (the same thirds as pareto_eval.calm_split, from the
per-window numbers and the test windows' valid-pixel counts) and no pixel
half. The earlier summary.json's calm rows are kept for the groups made only
of such runs (`calm_of`)."""
from __future__ import annotations

import csv
import json
import os
from typing import Dict, Optional

import numpy as np

from .errors import InputError
from .pareto_eval import thirds

PIXEL_KEYS = ("pixels_calm", "pixels_busy")
RUN_FLOATS = ("mse", "effective_macs", "dense_macs", "mac_reduction", "roc_auc", "data_mask_active", "s_d", "s_w")


def _num(v: str) -> Optional[float]:
    return None if v in ("", None) else float(v)


def _read_csv(path: str) -> list:
    try:
        with open(path, newline="") as f:
            return list(csv.DictReader(f))
    except OSError as e:
        raise InputError(path, "(file)", "a results file of an earlier Pareto grid", str(e)) from None


def _from_csv(folder: str) -> Dict[str, dict]:
    """Records from runs.csv + windows.csv (no calm split yet)."""
    recs = {}
    for row in _read_csv(os.path.join(folder, "runs.csv")):
        rec = {k: row[k] for k in ("name", "backbone", "method")}
        rec.update({k: int(row[k]) for k in ("point", "seed", "epochs")})
        rec.update({k: _num(row[k]) for k in RUN_FLOATS})
        rec.update(window_mse=[], window_macs=[], window_delta=[])
        recs[rec["name"]] = rec
    wpath = os.path.join(folder, "windows.csv")
    for i, row in enumerate(_read_csv(wpath)):
        rec = recs.get(row["name"])
        if rec is None or int(row["window"]) != len(rec["window_mse"]):
            raise InputError(wpath, f"row {i + 2}", "windows in order of runs listed in runs.csv", row["name"])
        for key, col in (("window_mse", "mse"), ("window_macs", "effective_macs"), ("window_delta", "mean_abs_delta")):
            rec[key].append(float(row[col]))
    return recs


def read_prior(folder: str) -> dict:
    """{"folder", "records": name -> record, "points": (backbone, method, point) -> summary row}."""
    path = os.path.join(folder, "runs.json")
    if os.path.exists(path):
        with open(path) as f:
            recs = {r["name"]: r for r in json.load(f)}
    else:
        recs = _from_csv(folder)
    points = {}
    spath = os.path.join(folder, "summary.json")
    if os.path.exists(spath):
        with open(spath) as f:
            points = {(p["backbone"], p["method"], p["point"]): p for p in json.load(f)["points"]}
    return {"folder": os.path.abspath(folder), "records": recs, "points": points}


def window_calm(rec: dict, counts: np.ndarray) -> dict:
    """The window half of the calm split of a record, from its per-window numbers
    and the windows' valid-pixel counts; pixel half empty (None)."""
    if len(counts) != len(rec["window_mse"]):
        raise InputError(rec["name"], "window_mse", f"{len(counts)} test windows", str(len(rec["window_mse"])))
    se = np.asarray(rec["window_mse"]) * counts
    macs = np.asarray(rec["window_macs"])
    out = {}
    for name, sel in zip(("calm", "busy"), thirds(np.asarray(rec["window_delta"]))):
        out[f"windows_{name}"] = {"windows": [int(i) for i in np.flatnonzero(sel)],
                                  "mse": float(se[sel].sum() / counts[sel].sum()),
                                  "mac_reduction": 1.0 - float(macs[sel].mean()) / rec["dense_macs"]}
    for k in PIXEL_KEYS:
        out[k] = {"mse": None, "data_mask_active": None}
    return out


def calm_of(prior: Optional[dict], row: dict, key: str, field: str) -> Optional[dict]:
    """The earlier summary's interval of one calm cell for a group of the same
    backbone, method, point and seeds, else None."""
    old = (prior or {}).get("points", {}).get((row["backbone"], row["method"], row["point"]))
    if old is None or old["seeds"] != row["seeds"]:
        return None
    return old.get("calm", {}).get(key, {}).get(field)
