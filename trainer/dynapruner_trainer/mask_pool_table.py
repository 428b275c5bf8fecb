"""Table of the cheaper-mask-generator study: per mask pool factor, the mean (and
per-seed values) of test MSE, MAC reduction, importance ROC AUC and the mask
generator's share of the effective MACs, read from each checkpoint's `.pt`.

    python -m dynapruner_trainer.mask_pool_table run1.onnx run2.onnx ..."""
from __future__ import annotations

import sys
from collections import defaultdict
from typing import Dict, List

import numpy as np
import torch

from .macs import overhead_macs
from .evaluate import load_checkpoint


def row_of(path: str) -> dict:
    model, blob = load_checkpoint(path)
    t = blob["training"]
    mg = overhead_macs(model)["mask_generator"]
    eff = t["test_effective_macs_mean"]
    return {"pool": model.mask_gen.pool, "seed": t["seed"], "mse": t["test_mse"],
            "reduction": 1.0 - eff / t["test_dense_macs"], "auc": t["importance_roc_auc"],
            "mg_share": mg / eff, "mg_macs": mg}


def fmt(values: List[float], pattern: str) -> str:
    per = " / ".join(pattern.format(v) for v in values)
    return f"{pattern.format(float(np.mean(values)))} ({per})"


def table(rows: List[dict]) -> str:
    by: Dict[int, List[dict]] = defaultdict(list)
    for r in rows:
        by[r["pool"]].append(r)
    lines = ["| g_mask resolution | seeds | test MSE | MAC reduction | importance ROC AUC | g_mask MACs (M) | g_mask share of effective MACs |",
             "|---|---|---|---|---|---|---|"]
    for pool in sorted(by):
        rs = sorted(by[pool], key=lambda r: r["seed"])
        lines.append(f"| 1/{pool} | {','.join(str(r['seed']) for r in rs)} | {fmt([r['mse'] for r in rs], '{:.4f}')} "
                     f"| {fmt([100 * r['reduction'] for r in rs], '{:.1f}%')} | {fmt([r['auc'] for r in rs], '{:.3f}')} "
                     f"| {rs[0]['mg_macs'] / 1e6:.2f} | {fmt([100 * r['mg_share'] for r in rs], '{:.1f}%')} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    paths = sys.argv[1:] if argv is None else argv
    torch.set_num_threads(1)
    print(table([row_of(p) for p in paths]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
