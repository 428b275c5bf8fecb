"""MAC counting per the counting spec, from the records MaskedConv writes.

Backbone convs: dense `K * C_in/g * k*k * h*w`, effective
`K_active * C_in_active/g * k*k * A_out` per sample. Overhead (counted dense,
reported inside the effective total and on its own line): mask generator
convs and gate-head Gemms. Upsampling, pooling and elementwise ops are "other
ops" and not in MACs."""
from typing import Dict, List

import numpy as np


def overhead_macs(model) -> Dict[str, float]:
    h, w = model.cfg["grid"]
    mg = 0.0
    if model.mask_gen is not None:
        mg = model.mask_gen.macs(h, w)
    gh = 0.0
    if model.flags["gates"] == "dynamic":
        gh = float(sum(u.in_channels * u.channels for u in model.units))
    return {"mask_generator": mg, "gate_heads": gh, "total": mg + gh}


def summarize(records: List[dict], model) -> dict:
    """Aggregate the per-call records of one batch into per-sample arrays."""
    dense = sum(r["dense"] for r in records)
    eff = sum(r["eff"] for r in records).numpy()
    per_layer: Dict[str, List[float]] = {}
    for r in records:
        d = per_layer.setdefault(r["name"], [0.0, 0.0])
        d[0] += r["dense"]
        d[1] += float(r["eff"].mean())
    ov = overhead_macs(model)
    return {"dense": dense, "backbone_eff": eff, "overhead": ov, "per_layer": per_layer}


def stats(values: np.ndarray) -> dict:
    return {"mean": float(np.mean(values)), "p5": float(np.percentile(values, 5)),
            "p95": float(np.percentile(values, 95))}
