"""Backbone-agnostic API on a backbone the trainer does not ship: the
RainNet-style U-Net of examples/unet_example.py trains with Dyna-Pruner on the
storm data, exports a valid contract checkpoint whose graph matches PyTorch,
and its own masks injected reproduce its output; backbones that break
sparse-equivalence fail export with a message naming the module or node."""
import os
import sys

import numpy as np
import onnx
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from dynapruner_trainer import onnx_numpy
from dynapruner_trainer.dataset import windows
from dynapruner_trainer.evaluate import evaluate_model
from dynapruner_trainer.export import _graph_maps, parity, read_metadata
from dynapruner_trainer.wrap import DynaPruner, SparseEquivalenceError, export

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples"))
import unet_example as U  # noqa: E402

REQUIRED = ["contract", "backbone", "variant", "t_in", "t_out", "channels", "grid", "normalization",
            "data_threshold", "targets", "units", "layers", "overhead_nodes", "dataset", "training"]


@pytest.fixture(scope="module")
def unet(storm, tmp_path_factory):
    torch.manual_seed(0)
    model, record = U.train_unet(storm, epochs_dense=1, epochs=2, s_d=0.1, s_w=0.4, mask_pretrain=2)
    path = str(tmp_path_factory.mktemp("unet") / "unet_dynapruner.onnx")
    meta = export(model, storm, path, {"seed": 0, "epochs": 2, "lambda_d": 0.5, "lambda_w": 0.5,
                                       "test_mse": 0.0, "test_mae": 0.0}, {"s_d": 0.1, "s_w": 0.4})
    return model, path, meta


def test_unet_checkpoint_follows_the_contract(unet):
    model, path, meta = unet
    onnx.checker.check_model(onnx.load(path))
    assert read_metadata(path) == meta
    for k in REQUIRED:
        assert k in meta, k
    assert meta["backbone"] == "unet" and meta["grid"] == [33, 36] and meta["spatial_masks"]["factors"] == [1, 2, 4, 8]
    g = onnx.load(path).graph
    prod, cons = _graph_maps(g)
    bound = {l["node"] for l in meta["layers"]}
    for n in g.node:
        if n.op_type in ("Conv", "ConvTranspose", "Gemm", "MatMul"):
            assert (n.name in bound) != (n.name in meta["overhead_nodes"]), n.name
    for l in meta["layers"]:
        t = next(n for n in g.node if n.name == l["node"]).output[0]
        while t != l["masked_output"]:
            assert len(cons[t]) == 1, l["node"]
            t = cons[t][0].output[0]
        s = l["spatial_mask_tensor"]
        while s != "dp_data_mask":
            assert prod[s].op_type in ("Pad", "MaxPool"), l["node"]
            s = prod[s].input[0]
    assert sorted(u["id"] for u in meta["units"]) == list(range(len(model.units)))
    assert [l["in_unit"] for l in meta["layers"]][1:3] == [0, 1]  # conv2 reads conv1; after MaxPool still one to one


def test_unet_graph_matches_pytorch_and_mask_injection(unet, test_windows):
    model, path, meta = unet
    x = test_windows["inputs"][:2]
    assert max(parity(model, path, x).values()) <= 1e-4
    own = onnx_numpy.run(path, {"x": x})
    feeds = {"x": x, "dp_data_mask": own["dp_data_mask"], **{u["mask"]: own[u["mask"]] for u in meta["units"]}}
    assert np.array_equal(onnx_numpy.run(path, feeds, ["prediction"])["prediction"], own["prediction"])
    flip = own["dp_data_mask"].copy()
    flip[:, :, :, :12] = 0
    out = onnx_numpy.run(path, {"x": x, "dp_data_mask": flip}, ["prediction"])["prediction"]
    off = np.broadcast_to(flip[:, None] == 0, out.shape)
    assert np.array_equal(out[off], np.broadcast_to(x[:, -1:], out.shape)[off])


def test_unet_evaluates_with_mask_aware_macs(unet, storm):
    model, _, _ = unet
    r = evaluate_model(model, windows(storm, "test"))
    assert r["samples"] == 9 and 0 < r["macs"]["effective"]["mean"] < r["macs"]["dense"] + r["macs"]["overhead"]["total"]
    assert r["macs"]["overhead"]["mask_generator"] > 0 and "importance" in r


class Normed(U.UNet):
    def __init__(self, *a):
        super().__init__(*a, levels=1)
        self.norm = nn.GroupNorm(4, 16)

    def forward(self, x):
        return super().forward(x)


class PixelAttention(nn.Module):
    """One conv, then attention of every pixel over every pixel (written by hand)."""

    def __init__(self, t_in, t_out, c):
        super().__init__()
        self.t_out, self.c = t_out, c
        self.qkv = nn.Conv2d(t_in * c, 3 * 8, 1)
        self.out = nn.Conv2d(8, t_out * c, 1)

    def forward(self, x):
        n, t, c, h, w = x.shape
        q, k, v = self.qkv(x.reshape(n, t * c, h, w)).flatten(2).chunk(3, 1)
        att = torch.softmax(q.transpose(1, 2) @ k, -1)
        y = (v @ att.transpose(1, 2)).reshape(n, 8, h, w)
        return self.out(y).reshape(n, self.t_out, self.c, h, w)


class BiasAfterHead(U.UNet):
    """A learned map added after the last conv: non-zero where the data mask is off."""

    def __init__(self, *a):
        super().__init__(*a, levels=1)
        self.bias = nn.Parameter(torch.full((1, 4, 6, 33, 36), 0.1))

    def forward(self, x):
        return super().forward(x) + self.bias



@pytest.mark.parametrize("backbone,expected", [
    (lambda: Normed(4, 4, 6), "backbone.norm (GroupNorm): a normalisation layer"),
    (lambda: nn.Sequential(nn.MultiheadAttention(8, 2)), "backbone.0 (MultiheadAttention): attention over all pixels"),
    (lambda: PixelAttention(4, 4, 6), "(MatMul): a matrix product"),
    (lambda: BiasAfterHead(4, 4, 6), "/m/backbone/Add (Add): the backbone's output is not zero where dp_data_mask is 0"),
])
def test_backbones_that_break_sparse_equivalence_fail_export(storm, tmp_path, backbone, expected):
    model = DynaPruner(backbone(), 4, 4, 6, (33, 36), name="bad")
    path = tmp_path / "bad.onnx"
    with pytest.raises(SparseEquivalenceError) as e:
        export(model, storm, str(path))
    assert expected in str(e.value) and "\n" not in str(e.value), str(e.value)
    assert not path.exists() and not list(tmp_path.iterdir())


def test_floor_mode_pooling_on_an_odd_grid_is_named(test_windows):
    class Floor(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Conv2d(24, 8, 3, padding=1)
            self.b = nn.Conv2d(8, 24, 3, padding=1)

        def forward(self, x):
            n = x.shape[0]
            y = self.b(F.max_pool2d(self.a(x.reshape(n, 24, 33, 36)), 2))
            return F.interpolate(y, size=(33, 36)).reshape(n, 4, 6, 33, 36)
    model = DynaPruner(Floor(), 4, 4, 6, (33, 36)).eval()
    with pytest.raises(ValueError) as e:
        model(torch.from_numpy(test_windows["inputs"][:1]))
    assert str(e.value).startswith("backbone.b: expected a feature map of ceil(33/k) x ceil(36/k)") and "(16, 18)" in str(e.value)
