"""Per-unit pruning of Dyna-Pruner checkpoints: for each group of runs (method and
targets), the share of each unit's filters that is off on the test windows (mean
over windows, then over seeds) beside the unit's target, from each checkpoint's `.pt`.
Shows where the budget actually lands (RESULTS.md, "Per-unit sparsity targets").

    python -m dynapruner_trainer.unit_pruning_table runs/*_dynapruner*_p1_s*.onnx.pt ..."""
from __future__ import annotations

import sys
from collections import defaultdict
from typing import Dict, List, Tuple

import numpy as np
import torch

from . import data
from .evaluate import evaluate_model, load_checkpoint


def row_of(path: str, test: dict) -> dict:
    """One checkpoint: its group, seed, test MSE and per-unit pruned shares and targets."""
    model, blob = load_checkpoint(path)
    t = blob["training"]
    report = evaluate_model(model, test)
    off = {name: 1.0 - v for name, v in report["gate_active"].items()}
    s_w = blob["targets"]["s_w"]
    targets = t.get("unit_targets") or [s_w] * len(off)
    kind = f"{t.get('unit_sparsity') or 'uniform'}, warm {t['mask_pretrain_epochs']}, distill {t['distill']}"
    return {"group": (kind, blob["targets"]["s_d"], s_w), "seed": t["seed"],
            "mse": report["mse"], "off": off, "targets": dict(zip(off, targets))}


def table(rows: List[dict]) -> str:
    by: Dict[Tuple, List[dict]] = defaultdict(list)
    for r in rows:
        by[r["group"]].append(r)
    units = list(rows[0]["off"])
    lines = ["| unit targets, g_mask warm start, distill | s_d, s_w | seeds | test MSE | " + " | ".join(f"{u}: off (target)" for u in units) + " |",
             "|---|---|---|---|" + "---|" * len(units)]
    for (kind, s_d, s_w), rs in sorted(by.items(), key=lambda kv: (kv[0][2], kv[0][0])):
        cells = [f"{100 * np.mean([r['off'][u] for r in rs]):.0f}% ({100 * rs[0]['targets'][u]:.0f}%)" for u in units]
        lines.append(f"| {kind} | {s_d}, {s_w} | {len(rs)} | {np.mean([r['mse'] for r in rs]):.4f} | "
                     + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    paths = sys.argv[1:] if argv is None else argv
    torch.set_num_threads(1)
    test = data.windows(data.load_storm(), "test")
    print(table([row_of(p, test) for p in paths]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
