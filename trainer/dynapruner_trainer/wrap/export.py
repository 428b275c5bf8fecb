"""`export(model, dataset, path)`: a wrapped backbone to a contract checkpoint.

The graph is exported as for the built-in backbones (export.ExportWrapper,
same output names); the metadata is built from the real graph: every
conv-like node of the backbone must be a conv the wrapper masks, with the
single-consumer chain `Conv -> [Mul gate] -> [Mul spatial]` (its last tensor
is `masked_output`); mask generator and gate heads are overhead. The checks of
checks.py run before the file is written, so a backbone that breaks
sparse-equivalence fails with a message naming the module or node."""
from __future__ import annotations

import json
import os
import re
import warnings
from typing import Dict, List, Optional

import onnx
import torch

from ..export import CONV_LIKE, ExportWrapper, _graph_maps, _module_path, _reaches, dataset_metadata, output_names
from .checks import SparseEquivalenceError, check_modules, check_ops, check_persistence, culprit, zero_tensors
from .model import CONV_TYPES, DynaPruner

#: ops between a gated conv and the conv reading its output that keep channels one to one (in_unit)
PASS_THROUGH = ("Relu", "LeakyRelu", "Identity", "Elu", "Selu", "Gelu", "HardSwish", "MaxPool")


def _is_overhead(name: str) -> bool:
    scope = name.rsplit("/", 1)[0]
    return "/mask_gen/" in scope + "/" or re.search(r"/units\.\d+(_\d+)?(/|$)", scope) is not None


def _chain(model: DynaPruner, node, cons, prod, outs, gate_targets) -> dict:
    """Walk Conv -> [Mul gate] -> [Mul spatial]; returns the layer's masked tensors."""
    conv_name = _module_path(node.name, dict(model.named_modules()))[len("backbone."):]
    unit = model.unit_of.get(conv_name)
    steps = (["gate"] if unit is not None else []) + (["spatial"] if model.flags["data_mask"] else [])
    t, gate_t, sp_t = node.output[0], None, None
    for step in steps:
        c = cons.get(t, [])
        if len(c) != 1 or t in outs or c[0].op_type != "Mul":
            raise SparseEquivalenceError(f"{node.name}: its output {t} is read by {[x.name for x in c]} before the "
                                         f"{step} mask (expected one Mul): a layer reads an unmasked conv output")
        other = c[0].input[1] if c[0].input[0] == t else c[0].input[0]
        src = _reaches(other, gate_targets if step == "gate" else {"dp_data_mask"}, prod)
        if src is None:
            raise SparseEquivalenceError(f"{node.name}: the {step} Mul {c[0].name} does not read a named mask")
        gate_t, sp_t = (src, sp_t) if step == "gate" else (gate_t, other)
        t = c[0].output[0]
    return {"node": node.name, "op": node.op_type, "module": conv_name, "spatial_mask": bool(model.flags["data_mask"]),
            "out_unit": unit.uid if unit is not None else None, "in_unit": None, "masked_output": t,
            "spatial_mask_tensor": sp_t, "gate_mask_tensor": gate_t, "input": node.input[0]}


def _in_unit(layer: dict, by_output: Dict[str, dict], prod) -> Optional[int]:
    """The unit whose gated output this conv reads one to one (through activations), else None."""
    t = layer["input"]
    for _ in range(4):
        if t in by_output:
            return by_output[t]["out_unit"]
        n = prod.get(t)
        if n is None or n.op_type not in PASS_THROUGH:
            return None
        t = n.input[0]
    return None


def bind_layers(model: DynaPruner, g) -> tuple:
    """(layers, overhead node names) of the exported graph."""
    prod, cons = _graph_maps(g)
    mods = dict(model.named_modules())
    outs = {o.name for o in g.output}
    gate_targets = {f"dp_gate_mask_{u.uid}" for u in model.units}
    layers, overhead = [], []
    for n in g.node:
        if _is_overhead(n.name):
            overhead.append(n.name)
        elif n.op_type in CONV_LIKE:
            if not isinstance(mods.get(_module_path(n.name, mods)), CONV_TYPES):
                raise SparseEquivalenceError(f"{n.name} ({n.op_type}): a matrix product that is not a masked conv "
                                             f"(attention or a fully connected layer over pixels)")
            layers.append(_chain(model, n, cons, prod, outs, gate_targets))
    by_output = {l["masked_output"]: l for l in layers if l["out_unit"] is not None}
    for l in layers:
        l["in_unit"] = _in_unit(l, by_output, prod)
        l.pop("input")
    return layers, overhead


def check_output_masked(g, layers: List[dict]) -> None:
    """The backbone's output (prediction - x_last) must be zero wherever dp_data_mask is 0."""
    prod, _ = _graph_maps(g)
    mask_derived = lambda t: _reaches(t, {"dp_data_mask"}, prod) is not None  # noqa: E731
    zero = zero_tensors(g, {l["masked_output"] for l in layers}, mask_derived)
    add = prod["prediction"]
    delta = next((i for i in add.input if prod.get(i) is not None and prod[i].name.startswith("/m/backbone/")),
                 add.input[-1])
    if delta not in zero:
        bad = culprit(g, delta, zero, prod)
        where = f"{bad.name} ({bad.op_type})" if bad is not None else delta
        raise SparseEquivalenceError(f"{where}: the backbone's output is not zero where dp_data_mask is 0 (a residual "
                                     f"or bias after the last conv reads an unmasked tensor)")


def unit_records(model: DynaPruner, layers: List[dict]) -> List[dict]:
    nodes: Dict[int, List[str]] = {}
    for l in layers:
        if l["out_unit"] is not None:
            nodes.setdefault(l["out_unit"], []).append(l["node"])
    return [{"id": u.uid, "name": u.name, "node": nodes[u.uid][0], "nodes": nodes[u.uid], "channels": u.channels,
             "tau": float(u.tau.detach()), "score": f"dp_gate_score_{u.uid}", "mask": f"dp_gate_mask_{u.uid}"}
            for u in model.units if u.uid in nodes]


def metadata(model: DynaPruner, g, fields, training: dict, targets: dict, out_dir: str) -> dict:
    layers, overhead = bind_layers(model, g)
    check_ops(g, {l["node"] for l in layers} | set(overhead))
    if model.flags["data_mask"]:
        check_output_masked(g, layers)
    for l in layers:
        l["resolution_factor"] = model.factors[l["module"]]
    c = model.cfg
    return {
        "contract": 1, "backbone": c["backbone"], "variant": model.variant, "t_in": c["t_in"], "t_out": c["t_out"],
        "channels": list(fields.channels), "grid": list(c["grid"]),
        "normalization": {"mean": list(fields.mean), "std": list(fields.std)}, "data_threshold": model.theta_d,
        "targets": targets, "units": unit_records(model, layers), "layers": layers, "overhead_nodes": overhead,
        "dataset": dataset_metadata(fields, out_dir), "training": training,
        "spatial_masks": {"rule": "M_sp at factor k = MaxPool(kernel=stride=k) of dp_data_mask zero-padded "
                                  "bottom/right to a multiple of k (== MaxPool ceil_mode); factor 1 is dp_data_mask",
                          "factors": sorted({l["resolution_factor"] for l in layers})},
        "output": "prediction = x[:, -1] + M_sp(H,W) * Delta_hat (persistence residual)",
    }


def export(model: DynaPruner, dataset, path: str, training: Optional[dict] = None,
           targets: Optional[dict] = None) -> dict:
    """Write `path` (ONNX, opset 13, contract v1 metadata) for `model` trained on `dataset`
    (a Fields); raises SparseEquivalenceError naming what breaks sparse execution."""
    check_modules(model.backbone)
    c = model.cfg
    x = torch.zeros(1, c["t_in"], c["channels"], *c["grid"])
    model.eval()
    names = output_names(model)
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(ExportWrapper(model), (x,), tmp, opset_version=13, input_names=["x"],
                              output_names=names, dynamic_axes={n: {0: "N"} for n in ["x"] + names},
                              do_constant_folding=True)
        m = onnx.load(tmp)
        meta = metadata(model, m.graph, dataset, training or {}, targets or {}, os.path.dirname(os.path.abspath(path)))
        check_persistence(model, torch.randn(2, c["t_in"], c["channels"], *c["grid"]))
        del m.metadata_props[:]
        p = m.metadata_props.add()
        p.key, p.value = "dynapruner", json.dumps(meta)
        m.producer_name = "dynapruner_trainer"
        onnx.checker.check_model(m)
        onnx.save(m, tmp)
        os.replace(tmp, path)  # nothing at `path` unless the whole checkpoint is written
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return meta
