"""Evaluate every bundled checkpoint on the held-out test windows, write the
parity files and the results tables (paper Table I / Table IV layout).

    python -m dynapruner_trainer.results --ckpt-dir demo/checkpoints --data demo/data/ncl \
        --write-io --markdown trainer/RESULTS.md

Parity files: `storm_test.inputs.npy` float32 [9, 4, 6, 33, 36] (normalised,
invalid = 0), `storm_test.targets.npy` float32 [9, 4, 6, 33, 36],
`storm_test.valid.npy` uint8 [9, 4, 6, 33, 36] (target validity), and
`<name>.outputs.npy` float32 [9, 4, 6, 33, 36] = PyTorch `prediction`.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import sys

import numpy as np
import torch

from . import data as D
from .evaluate import evaluate_model, load_checkpoint

ORDER = ["dense", "mp_l1", "dp_only", "mp_only", "independent", "dynapruner"]
#: the markdown from this line on (sections of other data sets, table.py) survives a rewrite
KEEP_MARKER = "<!-- other data sets: kept by results.py -->"


@torch.no_grad()
def threshold_margin(model, inputs: np.ndarray):
    """Smallest |S - theta_d| and |I - tau| on the parity inputs (None if no
    dynamic masks): tiny margins would make parity runtime-sensitive."""
    out = model(torch.from_numpy(inputs))
    ms = []
    if out["importance"] is not None:
        ms.append(float((out["importance"] - model.theta_d).abs().min()))
    for u in model.dynamic_units:
        ms.append(float((out["gate_scores"][u.uid] - u.tau).abs().min()))
    return min(ms) if ms else None


def pct(v, ref):
    return f"{100 * (v - ref) / ref:+.1f}%"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ckpt-dir", default="demo/checkpoints")
    ap.add_argument("--data", nargs="*", default=None)
    ap.add_argument("--write-io", action="store_true")
    ap.add_argument("--markdown", default=None)
    ap.add_argument("--json", default=None)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    win = D.windows(D.load_storm(a.data), "test")
    if a.write_io:
        np.save(os.path.join(a.ckpt_dir, "storm_test.inputs.npy"), win["inputs"].astype(np.float32))
        np.save(os.path.join(a.ckpt_dir, "storm_test.targets.npy"), win["targets"].astype(np.float32))
        np.save(os.path.join(a.ckpt_dir, "storm_test.valid.npy"), win["valid"].astype(np.uint8))
    res = {}
    for pt in sorted(glob.glob(os.path.join(a.ckpt_dir, "*.onnx.pt"))):
        name = os.path.basename(pt)[:-len(".onnx.pt")]
        model, blob = load_checkpoint(pt)
        r = evaluate_model(model, win)
        preds = r.pop("_predictions")
        if a.write_io:
            np.save(os.path.join(a.ckpt_dir, f"{name}.outputs.npy"), preds.astype(np.float32))
        r["training"] = blob.get("training", {})
        r["threshold_margin"] = threshold_margin(model, win["inputs"])
        if r["threshold_margin"] is not None and r["threshold_margin"] < 1e-5:
            print(f"warning: {name}: a mask score lies within {r['threshold_margin']:.1e} of its threshold; "
                  "another runtime may flip that mask bit", file=sys.stderr)
        res[name] = r
    pers = next(iter(res.values()))["persistence_mse"] if res else float("nan")
    lines = ["## Table I layout: SimVP variants (storm test windows, valid pixels, normalised units)", "",
             f"Persistence baseline MSE {pers:.4f}. MACs per sample; effective = mean over test samples, "
             "mask-aware per the counting spec, overhead included.", "",
             "| method | MSE | MAE | dense GMACs | effective GMACs (p5-p95) | MSE vs dense | MACs vs dense | ROC AUC (S vs top-20% abs Delta) |",
             "|---|---|---|---|---|---|---|---|"]

    def row(label, r, ref):
        m = r["macs"]
        e = m["effective"]
        auc = r.get("importance", {}).get("roc_auc")
        return (f"| {label} | {r['mse']:.4f} | {r['mae']:.4f} | {m['dense'] / 1e9:.4f} | {e['mean'] / 1e9:.4f} "
                f"({e['p5'] / 1e9:.4f}-{e['p95'] / 1e9:.4f}) | {pct(r['mse'], ref['mse'])} | "
                f"{pct(e['mean'], ref['macs']['dense'])} | {'' if auc is None else f'{auc:.3f}'} |")
    ref = res.get("simvp_dense")
    if ref:
        for v in ORDER:
            if f"simvp_{v}" in res:
                lines.append(row(v, res[f"simvp_{v}"], ref))
    lines += ["", "## Table IV layout: dense vs Dyna-Pruner per backbone", "",
              "| backbone | method | MSE | MAE | dense GMACs | effective GMACs | MSE vs dense | MACs vs dense |",
              "|---|---|---|---|---|---|---|---|"]
    for bb in ("simvp", "convlstm", "tau"):
        d = res.get(f"{bb}_dense")
        if not d:
            continue
        for v in ("dense", "dynapruner"):
            r = res.get(f"{bb}_{v}")
            if r:
                m = r["macs"]
                lines.append(f"| {bb} | {v} | {r['mse']:.4f} | {r['mae']:.4f} | {m['dense'] / 1e9:.4f} | "
                             f"{m['effective']['mean'] / 1e9:.4f} | {pct(r['mse'], d['mse'])} | "
                             f"{pct(m['effective']['mean'], d['macs']['dense'])} |")
    lines += ["", "## Details", "", "| checkpoint | data mask active | gates active (mean over units) | overhead MMACs | importance Spearman | selected epoch |",
              "|---|---|---|---|---|---|"]
    for name, r in res.items():
        ga = r.get("gate_active")
        dm = f"{100 * r['data_mask_active']:.1f}%" if "data_mask_active" in r else ""
        gm = f"{100 * np.mean(list(ga.values())):.1f}%" if ga else ""
        sp = f"{r['importance']['spearman']:.3f}" if "importance" in r else ""
        lines.append(f"| {name} | {dm} | {gm} | {r['macs']['overhead']['total'] / 1e6:.2f} | {sp} | "
                     f"{r['training'].get('selected_epoch', '')} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if a.markdown:
        old = open(a.markdown).read() if os.path.exists(a.markdown) else ""
        kept = old[old.index(KEEP_MARKER):] if KEEP_MARKER in old else ""
        with open(a.markdown, "w") as f:
            f.write(text + ("\n" + kept if kept else ""))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(res, f, indent=1, default=float)
    return 0


if __name__ == "__main__":
    sys.exit(main())
