"""Cheaper mask generator (S from the input average-pooled by 2 or 4, upsampled
nearest) and the paper-scale bench model builder at a tiny size."""
import json
import math
import os
import time

import numpy as np
import onnx
import pytest
import torch

from dynapruner_trainer import onnx_numpy
from dynapruner_trainer import train as T
from dynapruner_trainer.config import config_defaults
from dynapruner_trainer.errors import InputError
from dynapruner_trainer.export import read_metadata
from dynapruner_trainer.macs import overhead_macs
from dynapruner_trainer.masks import MaskGenerator, down_avg
from dynapruner_trainer.variants import DynaModel


@pytest.mark.parametrize("pool", [2, 4])
def test_trains_one_step_exports_and_onnx_s_matches_torch(tmp_path, test_windows, pool):
    out = tmp_path / f"pool{pool}.onnx"
    T.main(["--backbone", "simvp", "--variant", "dynapruner", "--epochs", "1", "--max-steps", "1",
            "--mask-pretrain", "1", "--mask-pool", str(pool), "--out", str(out), "--quiet"])
    meta = read_metadata(str(out))
    assert meta["mask_generator"] == {"resolution_factor": pool, "upsample": "nearest",
                                      "conv_grid": [math.ceil(33 / pool), math.ceil(36 / pool)]}
    assert meta["training"]["mask_pool"] == pool
    graph = onnx.load(str(out)).graph
    mg_ops = {n.op_type for n in graph.node if n.name in set(meta["overhead_nodes"]) and "/mask_gen/" in n.name}
    assert {"AveragePool", "Resize", "Conv"} <= mg_ops
    from dynapruner_trainer.evaluate import load_checkpoint
    model, _ = load_checkpoint(str(out))
    assert model.mask_gen.pool == pool
    x = test_windows["inputs"][:3]
    with torch.no_grad():
        s_torch = model(torch.from_numpy(x))["importance"].numpy()
    s_onnx = onnx_numpy.run(str(out), {"x": x})["dp_importance"]
    assert s_onnx.shape == s_torch.shape == (3, 1, 33, 36)
    assert np.abs(s_onnx - s_torch).max() < 1e-4
    # nearest upsampling: S is constant on every pool x pool block
    assert np.array_equal(s_torch[..., ::pool, ::pool].repeat(pool, -2).repeat(pool, -1)[..., :33, :36], s_torch)


def test_pooled_generator_is_the_full_one_on_the_pooled_input():
    torch.manual_seed(0)
    full, pooled = MaskGenerator(4, 6), MaskGenerator(4, 6, pool=2)
    pooled.load_state_dict(full.state_dict())
    x = torch.randn(2, 4, 6, 33, 36)
    z = torch.cat([x.reshape(2, 24, 33, 36), (x[:, 1:] - x[:, :-1]).reshape(2, 18, 33, 36)], 1)
    low = torch.sigmoid(full.net(down_avg(z, 2)))
    s = pooled(x)
    assert torch.allclose(s[:, :, ::2, ::2], low, atol=1e-6)
    assert s.shape == (2, 1, 33, 36)


def test_mask_generator_macs_scale_with_the_conv_grid():
    dense = overhead_macs(DynaModel("simvp", "dynapruner"))["mask_generator"]
    half = overhead_macs(DynaModel("simvp", "dynapruner", mask_pool=2))["mask_generator"]
    quarter = overhead_macs(DynaModel("simvp", "dynapruner", mask_pool=4))["mask_generator"]
    assert half == pytest.approx(dense * 17 * 18 / (33 * 36))
    assert quarter == pytest.approx(dense * 9 * 9 / (33 * 36))


def test_config_key_and_bad_factor(tmp_path, capsys):
    cfg = tmp_path / "c.json"
    cfg.write_text(json.dumps({"mask": {"resolution_factor": 2}, "out": "x.onnx"}))
    assert config_defaults(str(cfg))["mask_pool"] == 2
    assert T.parse(["--config", str(cfg)]).mask_pool == 2
    cfg.write_text(json.dumps({"mask": {"resolution_factor": 3}, "out": "x.onnx"}))
    with pytest.raises(InputError, match=r"mask\.resolution_factor.*one of \[1, 2, 4\].*3"):
        T.parse(["--config", str(cfg)])
    with pytest.raises(ValueError, match="pool factor must be one of"):
        MaskGenerator(4, 6, pool=3)


def test_bench_models_tiny_runs_under_a_minute(tmp_path):
    from dynapruner_trainer.bench_models import BenchSpec, build_all
    spec = BenchSpec("tiny", (24, 32), "weatherbench_simvp_dynapruner.json", epochs=1, batch=4, mask_pretrain=1,
                     max_steps=1, widths={"hid_s": 8, "hid_t": 16, "n_trans": 2})
    started = time.time()
    [summary] = build_all([spec], str(tmp_path), quiet=True)
    assert time.time() - started < 60
    meta = read_metadata(str(tmp_path / "tiny.onnx"))
    assert meta["grid"] == [24, 32] and "NOT an accurate forecaster" in meta["bench"]["purpose"]
    assert "trained small checkpoint" in meta["bench"]["masks"]
    keep = meta["bench"]["gate_keep_targets"]
    assert set(keep) == {u["name"] for u in meta["units"]} and all(0 < v <= 1 for v in keep.values())
    assert meta["dataset"]["name"] == "ncl-storm-1996-resampled-24x32"
    x = np.load(tmp_path / "tiny.inputs.npy")
    assert x.shape == (4, 4, 6, 24, 32) and x.dtype == np.float32
    assert summary["dense_gmacs"] > 0 and set(summary["gate_keep"]) == {u["name"] for u in meta["units"]}
    assert "tiny.onnx: grid 24x32" in (tmp_path / "README.txt").read_text()
    before = os.path.getmtime(tmp_path / "tiny.onnx")
    build_all([spec], str(tmp_path), quiet=True)  # reused, not retrained
    assert os.path.getmtime(tmp_path / "tiny.onnx") == before
    from dynapruner_trainer.bench_models import pooled_variant
    pooled = pooled_variant(str(tmp_path / "tiny.onnx"), 2, str(tmp_path / "pooled" / "tiny_pool2.onnx"))
    pmeta = read_metadata(pooled)
    assert pmeta["mask_generator"]["resolution_factor"] == 2 and "without retraining" in pmeta["bench"]["masks"]
    assert [u["tau"] for u in pmeta["units"]] == [u["tau"] for u in meta["units"]]
