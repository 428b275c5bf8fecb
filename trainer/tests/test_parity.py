"""The exported graph computes what PyTorch computes (NumPy executor), and
cutting it at the mask tensor names and injecting masks works: the
checkpoint's own masks reproduce the output, all-ones masks give dense mode."""
import numpy as np
import pytest
import torch

from dynapruner_trainer import onnx_numpy
from dynapruner_trainer.export import export_checkpoint, parity, read_metadata
from dynapruner_trainer.variants import DynaModel


def _model(bb, variant):
    torch.manual_seed(0)
    m = DynaModel(bb, variant).eval()
    if m.mask_gen is not None:
        with torch.no_grad():  # a spread of S values well away from the threshold
            m.mask_gen.net[4].weight.normal_(0, 0.3)
            m.mask_gen.net[4].bias.fill_(0.0)
    return m


@pytest.mark.parametrize("bb,variant", [("simvp", "dynapruner"), ("convlstm", "dense"), ("tau", "mp_only")])
def test_onnx_matches_pytorch(tmp_path, storm, test_windows, bb, variant):
    m = _model(bb, variant)
    path = str(tmp_path / "m.onnx")
    export_checkpoint(m, path, storm, {}, {"s_d": 0.7, "s_w": 0.7})
    diffs = parity(m, path, test_windows["inputs"][:2])
    assert max(diffs.values()) <= 1e-4, diffs


def test_mask_injection_on_the_graph(tmp_path, storm, test_windows):
    m = _model("simvp", "dynapruner")
    path = str(tmp_path / "m.onnx")
    export_checkpoint(m, path, storm, {}, {"s_d": 0.7, "s_w": 0.7})
    meta = read_metadata(path)
    x = test_windows["inputs"][:2]
    own = onnx_numpy.run(path, {"x": x})
    feeds = {"x": x, "dp_data_mask": own["dp_data_mask"]}
    feeds.update({u["mask"]: own[u["mask"]] for u in meta["units"]})
    again = onnx_numpy.run(path, feeds, ["prediction"])
    assert np.array_equal(again["prediction"], own["prediction"])
    # dense mode: all-ones masks; equals PyTorch with injected all-ones masks
    ones = {"x": x, "dp_data_mask": np.ones_like(own["dp_data_mask"])}
    ones.update({u["mask"]: np.ones_like(own[u["mask"]]) for u in meta["units"]})
    dense = onnx_numpy.run(path, ones, ["prediction"])["prediction"]
    with torch.no_grad():
        ref = m(torch.from_numpy(x), data_mask=torch.ones(2, 1, 33, 36),
                gate_masks={u.uid: torch.ones(2, u.channels) for u in m.backbone.units})["prediction"].numpy()
    assert np.abs(dense - ref).max() <= 1e-4
    # flipped data mask: positions switched off become persistence
    flip = own["dp_data_mask"].copy()
    flip[:, :, :10] = 0
    out = onnx_numpy.run(path, {"x": x, "dp_data_mask": flip}, ["prediction"])["prediction"]
    off = np.broadcast_to(flip[:, None] == 0, out.shape)
    last = np.broadcast_to(x[:, -1:], out.shape)
    assert np.array_equal(out[off], last[off])
