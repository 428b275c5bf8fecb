"""ONNX export following the checkpoint contract v1.

Graph: input `x` [N, T_in, C, H, W] (N dynamic), outputs `prediction`, and
for masked variants `dp_importance`, `dp_data_mask`, `dp_gate_score_<i>`,
`dp_gate_mask_<i>` (graph outputs, so the tensor names are exact). Every
consumer of a mask reads exactly the named tensor: full-res spatial masking
multiplies by `dp_data_mask`, lower resolutions are `Pad -> MaxPool` of
`dp_data_mask`, gates multiply by `Unsqueeze(dp_gate_mask_<i>)`.

Metadata (`dynapruner` JSON) is written from the real exported graph: every
conv-like node (Conv / ConvTranspose / Gemm / MatMul) is either a backbone
layer (in `layers`) or overhead (mask generator, gate heads). For each bound
layer the chain `Conv -> [LeakyRelu] -> [Mul gate] -> [Mul spatial]` is
walked on the graph and checked to be single-consumer; its last tensor is
recorded as `masked_output` (extra key): nothing else reads the unmasked conv
output.
"""
from __future__ import annotations

import json
import os
import re
from typing import Dict, List, Optional

import numpy as np
import onnx
import torch

from .masks import MaskedConv

CONV_LIKE = ("Conv", "ConvTranspose", "Gemm", "MatMul")
PREFIX = "/m/"


class ExportWrapper(torch.nn.Module):
    """Returns the contract outputs as a tuple, in `output_names` order."""

    def __init__(self, model):
        super().__init__()
        self.m = model

    def forward(self, x):
        o = self.m(x)
        outs = [o["prediction"]]
        if self.m.flags["data_mask"]:
            outs += [o["importance"], o["data_mask"]]
        for u in self.m.dynamic_units:
            outs += [o["gate_scores"][u.uid], o["gate_masks"][u.uid]]
        return tuple(outs)


def output_names(model) -> List[str]:
    names = ["prediction"]
    if model.flags["data_mask"]:
        names += ["dp_importance", "dp_data_mask"]
    for u in model.dynamic_units:
        names += [f"dp_gate_score_{u.uid}", f"dp_gate_mask_{u.uid}"]
    return names


def _graph_maps(g):
    prod, cons = {}, {}
    for n in g.node:
        for o in n.output:
            prod[o] = n
        for i in n.input:
            cons.setdefault(i, []).append(n)
    return prod, cons


def _module_path(node_name: str, mods: Optional[dict] = None) -> str:
    """'/m/backbone/trans.0/conv_2/Conv_3' -> 'backbone.trans.0.conv'.

    torch 1.13 suffixes the scope of the k-th repeated call of a module with
    `_k`; such suffixes are stripped where the plain name is a module."""
    scope = node_name.rsplit("/", 1)[0]
    if scope.startswith(PREFIX):
        scope = scope[len(PREFIX):]
    parts = [p for p in scope.strip("/").split("/") if p]
    path = ""
    for p in parts:
        cand = f"{path}.{p}" if path else p
        if mods is not None and cand not in mods:
            base = re.sub(r"_\d+$", "", p)
            alt = f"{path}.{base}" if path else base
            if alt in mods:
                cand = alt
        path = cand
    return path


def _reaches(tensor: str, targets, prod, limit: int = 12) -> Optional[str]:
    """Walk producers (first input) back from `tensor` through mask plumbing
    (Unsqueeze / Pad / MaxPool / Expand / Reshape / Identity) to a named mask."""
    t = tensor
    for _ in range(limit):
        if t in targets:
            return t
        n = prod.get(t)
        if n is None or n.op_type not in ("Unsqueeze", "Pad", "MaxPool", "Expand", "Reshape", "Identity", "Cast"):
            return None
        t = n.input[0]
    return None


def dataset_metadata(fields, out_dir: Optional[str]) -> dict:
    """The contract's `dataset`: name, split ranges and files as contract v1 has them,
    plus the resolved `description` with its root relative to the checkpoint."""
    meta = {"name": fields.name, **{k: list(v) for k, v in fields.split.items()},
            "files": list(fields.files), "fill_value": -9999.0,
            "invalid": "fill values -> 0 after normalisation; excluded from loss and metrics"}
    if getattr(fields, "description", None) is not None:
        from .dataset.loader import portable
        meta["description"] = portable(fields.description, out_dir or ".")
    return meta


def build_metadata(model, onnx_model, fields, training: dict, targets: dict, kept=None,
                   out_dir: Optional[str] = None) -> dict:
    g = onnx_model.graph
    prod, cons = _graph_maps(g)
    mods = dict(model.named_modules())
    outs = set(o.name for o in g.output)
    dm_targets = {"dp_data_mask"}
    gate_targets = {f"dp_gate_mask_{u.uid}" for u in model.dynamic_units}
    layers, overhead, unit_nodes = [], [], {}
    for n in g.node:
        path = _module_path(n.name, mods)
        scope = n.name.rsplit("/", 1)[0]
        if "/mask_gen/" in scope + "/" or re.search(r"/units\.\d+(_\d+)?(/|$)", scope):
            overhead.append(n.name)  # every node of the mask generator and gate heads
            continue
        if n.op_type not in CONV_LIKE:
            continue
        if not path.endswith(".conv") or not isinstance(mods.get(path[:-5]), MaskedConv):
            raise RuntimeError(f"conv-like node {n.name} is neither a backbone layer nor overhead")
        mc: MaskedConv = mods[path[:-5]]
        has_gate = bool(mc.unit) and model.flags["gates"] == "dynamic"
        has_sp = mc.spatial and model.flags["data_mask"]
        # walk the single-consumer chain to the masked output
        t = n.output[0]
        chain = [n.name]
        gate_t = sp_t = None
        steps = (["act"] if mc.act else []) + (["gate"] if has_gate else []) + (["spatial"] if has_sp else [])
        for step in steps:
            c = cons.get(t, [])
            if len(c) != 1 or t in outs:
                raise RuntimeError(f"{n.name}: tensor {t} has consumers {[x.name for x in c]} (expected one {step})")
            nxt = c[0]
            if step == "act":
                if nxt.op_type != "LeakyRelu":
                    raise RuntimeError(f"{n.name}: expected LeakyRelu after conv, got {nxt.op_type}")
            else:
                if nxt.op_type != "Mul":
                    raise RuntimeError(f"{n.name}: expected Mul ({step}), got {nxt.op_type} {nxt.name}")
                other = nxt.input[1] if nxt.input[0] == t else nxt.input[0]
                src = _reaches(other, gate_targets if step == "gate" else dm_targets, prod)
                if src is None:
                    raise RuntimeError(f"{n.name}: {step} mask of {nxt.name} does not come from a named mask tensor")
                if step == "gate":
                    gate_t = src
                else:
                    sp_t = other
            chain.append(nxt.name)
            t = nxt.output[0]
        out_unit = mc.unit[0].uid if has_gate else None
        in_unit = mc.in_unit[0].uid if (mc.in_unit and model.flags["gates"] == "dynamic") else None
        if out_unit is not None:
            unit_nodes.setdefault(out_unit, []).append(n.name)
        layers.append({"node": n.name, "op": n.op_type, "module": mc.name, "spatial_mask": bool(has_sp),
                       "out_unit": out_unit, "in_unit": in_unit, "masked_output": t,
                       "spatial_mask_tensor": sp_t, "gate_mask_tensor": gate_t,
                       "resolution_factor": mc.k})
    units = []
    for u in model.dynamic_units:
        units.append({"id": u.uid, "name": u.name, "node": unit_nodes[u.uid][0], "nodes": unit_nodes[u.uid],
                      "channels": u.channels, "tau": float(u.tau.detach()),
                      "score": f"dp_gate_score_{u.uid}", "mask": f"dp_gate_mask_{u.uid}"})
    h, w = model.cfg["grid"]
    meta = {
        "contract": 1,
        "backbone": model.cfg["backbone"], "variant": model.variant,
        "t_in": model.cfg["t_in"], "t_out": model.cfg["t_out"],
        "channels": list(fields.channels), "grid": [h, w],
        "normalization": {"mean": list(fields.mean), "std": list(fields.std)},
        "data_threshold": model.theta_d,
        "targets": targets,
        "units": units, "layers": layers, "overhead_nodes": overhead,
        "dataset": dataset_metadata(fields, out_dir),
        "training": training,
        "spatial_masks": {
            "rule": "M_sp at factor k = MaxPool(kernel=stride=k) of dp_data_mask zero-padded bottom/right "
                    "to a multiple of k (== MaxPool ceil_mode); factor 1 is dp_data_mask itself",
            "factors": sorted({l["resolution_factor"] for l in layers}),
        },
        "output": "prediction = x[:, -1] + M_sp(H,W) * Delta_hat (persistence residual)",
    }
    if model.mask_gen is not None:
        meta["mask_generator"] = {"resolution_factor": model.mask_gen.pool, "upsample": "nearest",
                                  "conv_grid": list(model.mask_gen.conv_grid(h, w))}
    if model.variant == "mp_l1":
        meta["static_pruning"] = {
            "method": "l1", "s_w": targets.get("s_w"),
            "note": "pruned filters have zero weights and biases baked into the graph (their outputs are "
                    "exactly 0); kept filter indices per unit below",
            "kept": kept or {},
            "units": [{"name": u.name, "filters": u.channels, "kept": int(u.static_mask.sum())}
                      for u in model.backbone.units]}
    return meta


def export_checkpoint(model, out: str, fields, training: dict, targets: dict, kept=None,
                      sample: Optional[torch.Tensor] = None) -> dict:
    """Export `model` to `out` with metadata; checks the model and torch parity
    of the re-loaded graph structure. Returns the metadata."""
    model.eval()
    model.apply_static = False
    try:
        wrap = ExportWrapper(model)
        t_in, c = model.cfg["t_in"], model.cfg["channels"]
        h, w = model.cfg["grid"]
        x = sample if sample is not None else torch.zeros(1, t_in, c, h, w)
        names = output_names(model)
        dyn = {"x": {0: "N"}}
        dyn.update({n: {0: "N"} for n in names})
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(wrap, (x,), out, opset_version=13, input_names=["x"], output_names=names,
                              dynamic_axes=dyn, do_constant_folding=True)
    finally:
        model.apply_static = True
    m = onnx.load(out)
    meta = build_metadata(model, m, fields, training, targets, kept, os.path.dirname(os.path.abspath(out)))
    del m.metadata_props[:]
    p = m.metadata_props.add()
    p.key = "dynapruner"
    p.value = json.dumps(meta)
    m.producer_name = "dynapruner_trainer"
    onnx.checker.check_model(m)
    onnx.save(m, out)
    return meta


def read_metadata(path: str) -> dict:
    m = onnx.load(path)
    for p in m.metadata_props:
        if p.key == "dynapruner":
            return json.loads(p.value)
    raise KeyError(f"{path}: no dynapruner metadata")


def parity(model, path: str, x: np.ndarray) -> Dict[str, float]:
    """Max abs difference between PyTorch and the exported graph (run by the
    NumPy executor, onnx_numpy.py) for every graph output on inputs `x`."""
    from . import onnx_numpy
    model.eval()
    with torch.no_grad():
        ref = ExportWrapper(model)(torch.from_numpy(x))
    got = onnx_numpy.run(path, {"x": x})
    return {name: float(np.abs(got[name] - r.numpy()).max()) for name, r in zip(output_names(model), ref)}
