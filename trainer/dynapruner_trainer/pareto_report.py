"""Evaluate the Pareto grid's checkpoints and write its outputs into the run
folder: runs.json / runs.csv (one row per run), windows.csv (one row per run
and test window), summary.json and summary.md (means with 95% CIs over seeds,
the matched-MAC differences, the calm-regions split) and pareto.svg."""
from __future__ import annotations

import csv
import io
import json
import os
from collections import defaultdict
from typing import Dict, List, Optional

import numpy as np

from .pareto_prior import PIXEL_KEYS, calm_of, window_calm
from .pareto_stats import matched_difference, mean_ci, point_vs_curve, same_point_difference
from .pareto_svg import pareto_svg

CALM_KEYS = ("windows_calm", "windows_busy", "pixels_calm", "pixels_busy")


def write_text(path: str, text: str) -> None:
    """Atomic text write (temporary file in the same folder, then rename)."""
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def evaluated(run, data: str, runs_dir: str, cache: dict) -> dict:
    """The run's evaluation, cached beside its checkpoint as <name>.eval.json."""
    from .dataset import load_fields, windows
    from .dataset.cli import data_for_checkpoint
    from .evaluate import load_checkpoint
    from .pareto_eval import evaluate_run
    path = os.path.join(runs_dir, run.name + ".eval.json")
    pt = os.path.join(runs_dir, run.name + ".onnx.pt")
    if os.path.exists(path) and os.path.getmtime(path) >= os.path.getmtime(pt):
        with open(path) as f:
            return json.load(f)
    model, blob = load_checkpoint(pt)
    if "win" not in cache:
        fields = load_fields(data_for_checkpoint([data], blob, pt))
        cache["win"] = windows(fields, "test", model.cfg["t_in"], model.cfg["t_out"])
    r = evaluate_run(model, cache["win"])
    write_text(path, json.dumps(r))
    return r


def valid_counts(data: str, cache: dict) -> np.ndarray:
    """Valid target pixels per test window (read at the data set's own t_in / t_out
    unless a checkpoint's evaluation has read the windows already)."""
    from .dataset import load_fields, windows
    from .dataset.cli import describe
    if "win" not in cache:
        cache["win"] = windows(load_fields(describe([data])), "test")
    v = cache["win"]["valid"]
    return v.reshape(len(v), -1).sum(axis=1).astype(np.float64)


def prior_record(run, old: dict, data: str, runs_dir: str, cache: dict) -> dict:
    """An earlier grid's record of `run`; a missing pixel split is taken from the
    run's retrained checkpoint where one exists (the dense runs new runs start from)."""
    rec = dict(old, source="prior")
    pt = os.path.join(runs_dir, run.name + ".onnx.pt")
    new = evaluated(run, data, runs_dir, cache) if os.path.exists(pt) else None
    if rec.get("calm") is None:
        rec["calm"] = window_calm(rec, valid_counts(data, cache))
    if rec["calm"][PIXEL_KEYS[0]]["mse"] is None and new is not None:
        rec["calm"].update({k: new["calm"][k] for k in PIXEL_KEYS})
        rec["source"] = "prior, pixel split from the retrained checkpoint"
    return rec


def collect(runs, data: str, out: str, prior: Optional[dict] = None) -> List[dict]:
    """One record per trained run (run fields + evaluation + MSE vs its seed's dense);
    a run the earlier grid `prior` measured keeps that grid's record."""
    runs_dir, cache, recs = os.path.join(out, "runs"), {}, []
    olds = (prior or {}).get("records", {})
    for run in runs:
        if run.name in olds:
            recs.append(prior_record(run, olds[run.name], data, runs_dir, cache))
            continue
        if not os.path.exists(os.path.join(runs_dir, run.name + ".onnx.pt")):
            print(f"not trained (skipped): {run.name}", flush=True)
            continue
        rec = {"name": run.name, "backbone": run.backbone, "method": run.label, "point": run.point,
               "seed": run.seed, "s_d": run.s_d, "s_w": run.s_w, "epochs": run.epochs, "source": "checkpoint"}
        rec.update(evaluated(run, data, runs_dir, cache))
        recs.append(rec)
    dense = {(r["backbone"], r["seed"]): r for r in recs if r["method"] == "dense"}
    for r in recs:
        d = dense.get((r["backbone"], r["seed"]))
        r["mse_vs_dense_pct"] = 100 * (r["mse"] / d["mse"] - 1) if d else None
        for k in CALM_KEYS:
            m, dm = r["calm"][k]["mse"], d["calm"][k]["mse"] if d else None
            r["calm"][k]["mse_vs_dense_pct"] = 100 * (m / dm - 1) if m is not None and dm is not None else None
    return recs


def calm_cells(rs: List[dict], row: dict, prior: Optional[dict]) -> dict:
    """The calm split of a group: 95% CIs over seeds; cells no run of the group
    has (earlier runs without a pixel split) from the earlier summary's row."""
    out = {}
    for k in CALM_KEYS:
        out[k] = {}
        for f in ("mse_vs_dense_pct", "mac_reduction", "data_mask_active"):
            if f not in rs[0]["calm"][k]:
                continue
            vals = [r["calm"][k].get(f) for r in rs]
            old = calm_of(prior, row, k, f) if all(v is None for v in vals) else None
            out[k][f] = old if old is not None else mean_ci(vals)
    return out


def aggregate(recs: List[dict], prior: Optional[dict] = None) -> List[dict]:
    """Per (backbone, method, point): means and 95% CIs over seeds."""
    groups: Dict[tuple, List[dict]] = defaultdict(list)
    for r in recs:
        groups[(r["backbone"], r["method"], r["point"])].append(r)
    rows = []
    for (bb, m, p), rs in sorted(groups.items()):
        row = {"backbone": bb, "method": m, "point": p, "s_d": rs[0]["s_d"], "s_w": rs[0]["s_w"],
               "seeds": sorted(r["seed"] for r in rs)}
        for k in ("mse", "effective_macs", "mac_reduction", "mse_vs_dense_pct", "roc_auc"):
            row[k] = mean_ci([r[k] for r in rs])
        row["calm"] = calm_cells(rs, row, prior)
        rows.append(row)
    return rows


def by_seed_of(recs: List[dict], bb: str):
    """(seed -> method -> masked runs, seed -> dense run) of one backbone."""
    by_seed: Dict[int, Dict[str, List[dict]]] = defaultdict(lambda: defaultdict(list))
    dense = {}
    for r in recs:
        if r["backbone"] != bb:
            continue
        if r["method"] == "dense":
            dense[r["seed"]] = r
        else:
            by_seed[r["seed"]][r["method"]].append(r)
    return by_seed, dense


def matched(recs: List[dict], reps: int) -> Dict[str, dict]:
    """Per backbone: Dyna-Pruner minus static L1 at matched MAC reductions."""
    out = {}
    for bb in sorted({r["backbone"] for r in recs}):
        out[bb] = matched_difference(*by_seed_of(recs, bb), "dynapruner", "mp_l1", reps)
    return out


def baselines(method: str, methods: set) -> List[str]:
    """What an option is compared with: plain Dyna-Pruner, static L1, and for a
    combination (`dynapruner+distill+long`) each of its parts the grid holds."""
    parts = method.split("+")[1:]
    own = [f"dynapruner+{p}" for p in parts if len(parts) > 1 and f"dynapruner+{p}" in methods]
    return ["dynapruner", "mp_l1"] + own


def matched_options(recs: List[dict], reps: int) -> List[dict]:
    """Each Dyna-Pruner option (method `dynapruner+<name>`) against its baselines:
    at matched MAC reductions along both curves, at its own points' MAC reduction
    on the baseline's curve, and (Dyna-Pruner variants) at the same targets."""
    out = []
    for bb in sorted({r["backbone"] for r in recs}):
        by_seed, dense = by_seed_of(recs, bb)
        methods = {r["method"] for r in recs if r["backbone"] == bb}
        for m in sorted(x for x in methods if x.startswith("dynapruner+")):
            for base in baselines(m, methods):
                e = {"backbone": bb, "method": m, "against": base,
                     "result": matched_difference(by_seed, dense, m, base, reps),
                     "own_point": point_vs_curve(by_seed, dense, m, base, reps)}
                if base != "mp_l1":
                    e["same_point"] = same_point_difference(by_seed, dense, m, base, reps)
                out.append(e)
    return out


def csv_text(rows: List[dict], keys: List[str]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=keys, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def window_rows(recs: List[dict]) -> List[dict]:
    return [{"name": r["name"], "backbone": r["backbone"], "method": r["method"], "point": r["point"],
             "seed": r["seed"], "window": i, "mse": r["window_mse"][i], "effective_macs": r["window_macs"][i],
             "mean_abs_delta": r["window_delta"][i]} for r in recs for i in range(len(r["window_mse"]))]


def figure(rows: List[dict]) -> str:
    panels: Dict[str, Dict[str, List[dict]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        panels[r["backbone"]][r["method"]].append({"x": r["effective_macs"]["mean"] / 1e6, "y": r["mse"]["mean"],
                                                   "lo": r["mse"]["lo"], "hi": r["mse"]["hi"]})
    return pareto_svg(panels)


def report(runs, data: str, out: str, reps: int = 2000, prior: Optional[dict] = None) -> dict:
    """Evaluate, summarise and write every output; returns the summary. Runs the
    earlier grid `prior` (pareto_prior.read_prior) measured keep its records."""
    from .pareto_markdown import summary_markdown
    recs = collect(runs, data, out, prior)
    rows = aggregate(recs, prior)
    os.makedirs(out, exist_ok=True)
    summary = {"data": data, "runs": len(recs), "planned": len(runs), "points": rows, "matched": matched(recs, reps),
               "matched_options": matched_options(recs, reps)}
    if prior is not None:
        summary["prior"] = {"folder": prior["folder"], "runs": sum(r["source"] != "checkpoint" for r in recs)}
    write_text(os.path.join(out, "runs.json"), json.dumps(recs, indent=1))
    write_text(os.path.join(out, "runs.csv"), csv_text(recs, ["name", "backbone", "method", "point", "seed", "s_d",
                                                              "s_w", "epochs", "mse", "effective_macs", "dense_macs",
                                                              "mac_reduction", "mse_vs_dense_pct", "roc_auc",
                                                              "data_mask_active"]))
    write_text(os.path.join(out, "windows.csv"), csv_text(window_rows(recs), list(window_rows(recs[:1])[0])
                                                          if recs else ["name"]))
    write_text(os.path.join(out, "summary.json"), json.dumps(summary, indent=1))
    write_text(os.path.join(out, "summary.md"), summary_markdown(summary))
    write_text(os.path.join(out, "pareto.svg"), figure(rows))
    print(f"{len(recs)} of {len(runs)} runs summarised into {out}", flush=True)
    return summary
