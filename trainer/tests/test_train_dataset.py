"""Training on a data set the code has never named, given only by files and a
description: the checkpoint records the description (root relative to the
checkpoint) and evaluation finds the data through it."""
import json
import os

import onnx
import pytest
import torch

from dynapruner_trainer import evaluate as E
from dynapruner_trainer import train as T
from dynapruner_trainer.export import read_metadata

from datasets_util import make_copy


@pytest.mark.parametrize("fmt", ["netcdf4"])
def test_train_export_and_evaluate_from_a_description(tmp_path, fmt):
    desc = make_copy(tmp_path / "data", fmt)
    out = tmp_path / "ckpt" / "slice_dp.onnx"
    r = T.train(T.parse(["--data", desc, "--backbone", "simvp", "--variant", "dynapruner", "--epochs", "2",
                         "--mask-pretrain", "1", "--out", str(out), "--quiet"]))
    meta = read_metadata(str(out))
    assert meta["channels"] == ["slp", "tas", "uas"] and meta["t_in"] == 3 and meta["grid"] == [33, 36]
    d = meta["dataset"]
    assert d["name"] == "slice" and (d["train"], d["val"], d["test"]) == ([0, 12], [12, 18], [18, 24])
    rec = d["description"]
    assert rec["root"] == os.path.join("..", "data", fmt) and rec["files"][0]["path"] == ["slice.nc"]
    assert rec["channels"] == meta["channels"] and rec["files"][0]["formats"] == ["netcdf4"]
    onnx.checker.check_model(onnx.load(str(out)))
    # evaluation with no --data reads the recorded description and gets the training run's numbers
    report = tmp_path / "eval.json"
    assert E.main([str(out), "--json", str(report)]) == 0
    assert json.loads(report.read_text())["mse"] == r["eval"]["mse"]
    blob = torch.load(str(out) + ".pt")
    assert blob["dataset"]["description"]["root"] == os.path.join("..", "data", fmt)
