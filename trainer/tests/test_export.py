"""Checkpoint contract: names, metadata, bound layers on the real graph,
spatial masks from `dp_data_mask`, checker."""
import json

import onnx
import pytest
import torch

from dynapruner_trainer.export import _graph_maps, export_checkpoint, read_metadata
from dynapruner_trainer.variants import DynaModel

REQUIRED = ["contract", "backbone", "variant", "t_in", "t_out", "channels", "grid", "normalization",
            "data_threshold", "targets", "units", "layers", "overhead_nodes", "dataset", "training"]
CONV_LIKE = ("Conv", "ConvTranspose", "Gemm", "MatMul")


@pytest.mark.parametrize("bb,variant", [("simvp", "dynapruner"), ("simvp", "dense"), ("simvp", "dp_only"),
                                        ("simvp", "mp_only"), ("convlstm", "dynapruner"), ("tau", "dynapruner")])
def test_contract(exported, bb, variant):
    m, path = exported(bb, variant)
    model = onnx.load(path)
    onnx.checker.check_model(model)
    assert any(o.version >= 13 for o in model.opset_import if o.domain in ("", "ai.onnx"))
    g = model.graph
    assert [i.name for i in g.input] == ["x"]
    assert g.input[0].type.tensor_type.shape.dim[0].dim_param  # dynamic N
    outs = [o.name for o in g.output]
    assert outs[0] == "prediction"
    meta = read_metadata(path)
    for k in REQUIRED:
        assert k in meta, k
    assert meta["contract"] == 1 and meta["grid"] == [33, 36]
    assert meta["channels"] == ["p", "t", "u", "v", "u500", "v500"]
    assert meta["dataset"]["name"] == "ncl-storm-1996" and meta["dataset"]["test"] == [48, 64]
    if variant == "dense":
        assert outs == ["prediction"] and meta["units"] == []
    if variant in ("dynapruner", "dp_only"):
        assert "dp_importance" in outs and "dp_data_mask" in outs
    for u in meta["units"]:
        assert f"dp_gate_score_{u['id']}" in outs and f"dp_gate_mask_{u['id']}" in outs
        assert u["score"] == f"dp_gate_score_{u['id']}" and u["mask"] == f"dp_gate_mask_{u['id']}"
    # every conv-like node is bound or overhead, by its real name
    names = {n.name: n for n in g.node}
    bound = {l["node"] for l in meta["layers"]}
    overhead = set(meta["overhead_nodes"])
    for n in g.node:
        if n.op_type in CONV_LIKE:
            assert (n.name in bound) != (n.name in overhead), n.name
    for l in meta["layers"]:
        assert l["node"] in names
        for key in ("spatial_mask", "out_unit", "in_unit"):
            assert key in l


@pytest.mark.parametrize("bb", ["simvp", "convlstm", "tau"])
def test_masked_outputs_and_spatial_masks_come_from_named_tensors(exported, bb):
    m, path = exported(bb, "dynapruner")
    g = onnx.load(path).graph
    prod, cons = _graph_maps(g)
    meta = read_metadata(path)
    assert "dp_data_mask" in cons, "nothing consumes dp_data_mask"
    plumbing = ("Unsqueeze", "Pad", "MaxPool")
    for l in meta["layers"]:
        # the chain from the conv output to masked_output is single-consumer
        t = [o for o in next(n for n in g.node if n.name == l["node"]).output][0]
        while t != l["masked_output"]:
            c = cons[t]
            assert len(c) == 1, (l["node"], t, [x.name for x in c])
            t = c[0].output[0]
        if l["spatial_mask"]:
            s = l["spatial_mask_tensor"]
            while s != "dp_data_mask":
                n = prod[s]
                assert n.op_type in plumbing, (l["node"], n.op_type)
                s = n.input[0]
        if l["out_unit"] is not None:
            assert l["gate_mask_tensor"] == f"dp_gate_mask_{l['out_unit']}"
    # every MaxPool in the backbone (mask plumbing) reads a tensor derived from dp_data_mask only
    for n in g.node:
        if n.op_type == "MaxPool":
            s = n.input[0]
            while s != "dp_data_mask":
                p = prod[s]
                assert p.op_type in plumbing, p.op_type
                s = p.input[0]
    # gate masks are consumed (so injected masks take effect)
    for u in meta["units"]:
        assert u["mask"] in cons


def test_mp_l1_metadata_describes_static_pruning(tmp_path, storm):
    from dynapruner_trainer.variants import apply_l1_static_pruning, bake_static_pruning
    m = DynaModel("simvp", "mp_l1")
    kept = apply_l1_static_pruning(m, 0.7)
    bake_static_pruning(m)
    path = str(tmp_path / "mp.onnx")
    export_checkpoint(m, path, storm, {}, {"s_d": 0.7, "s_w": 0.7}, kept)
    meta = read_metadata(path)
    assert meta["units"] == [] and meta["static_pruning"]["method"] == "l1"
    assert [o.name for o in onnx.load(path).graph.output] == ["prediction"]
    u0 = meta["static_pruning"]["units"][0]
    assert u0["kept"] == 5 and u0["filters"] == 16  # ceil(0.3 * 16)
