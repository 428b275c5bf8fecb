"""Method improvements as trainer options: distillation from the dense teacher
(`loss.distill`) and soft-gate temperature annealing (`schedule.gate_t_start`,
`schedule.gate_t_end`), each checked on a small model in seconds."""
import json
import math

import pytest
import torch

from dynapruner_trainer import train as T
from dynapruner_trainer.distill import teacher_predictions
from dynapruner_trainer.errors import InputError
from dynapruner_trainer.losses import masked_mse, total_loss
from dynapruner_trainer.masks import SOFT_T
from dynapruner_trainer.variants import DynaModel


def batch(test_windows, n=2):
    return (torch.from_numpy(test_windows[k][:n]) for k in ("inputs", "targets", "valid"))


def test_distillation_adds_weighted_mse_to_the_teacher(test_windows):
    torch.manual_seed(0)
    m = DynaModel("simvp", "dynapruner").train()
    x, y, v = batch(test_windows)
    out = m(x)
    teacher = y + 0.3 * torch.randn_like(y)
    plain = total_loss(out, y, v, 0.7, 0.7, 1.0, 1.0)
    kd = total_loss(out, y, v, 0.7, 0.7, 1.0, 1.0, teacher=teacher, distill=0.5)
    expected_kd = masked_mse(out["prediction"], teacher, v)
    assert float(kd["kd"]) == pytest.approx(float(expected_kd)) and float(kd["kd"]) > 0
    assert float(kd["loss"] - plain["loss"]) == pytest.approx(0.5 * float(expected_kd), rel=1e-5)
    assert float(total_loss(out, y, v, 0.7, 0.7, 1.0, 1.0, teacher=teacher, distill=0.0)["loss"]) == \
        pytest.approx(float(plain["loss"]))
    # the gradient of the distillation term pulls the prediction towards the teacher
    pred = out["prediction"].detach().requires_grad_(True)
    masked_mse(pred, teacher, v).backward()
    step = pred - 1e-1 * pred.grad
    assert float(masked_mse(step, teacher, v)) < float(expected_kd)


def test_teacher_is_the_dense_checkpoint_and_nothing_else(tmp_path, test_windows):
    torch.manual_seed(0)
    dense = DynaModel("simvp", "dense").eval()
    pt = tmp_path / "dense.onnx.pt"
    torch.save({"cfg": dense.cfg, "state": dense.state_dict()}, pt)
    x, _, _ = batch(test_windows, 3)
    with torch.no_grad():
        expected = dense(x)["prediction"]
    assert torch.allclose(teacher_predictions(str(pt), x, batch=2), expected, atol=1e-6)
    masked = DynaModel("simvp", "dynapruner")
    bad = tmp_path / "dp.onnx.pt"
    torch.save({"cfg": masked.cfg, "state": masked.state_dict()}, bad)
    with pytest.raises(InputError, match="expected a dense teacher checkpoint, found dynapruner"):
        teacher_predictions(str(bad), x)
    with pytest.raises(InputError, match="--distill"):
        teacher_predictions(None, x)


def _schedule(**kw):
    a = T.parse(["--epochs", "10", "--soft-frac", "0.5", "--out", "/nonexistent/x.onnx",
                 *[f"--{k.replace('_', '-')}={v}" for k, v in kw.items()]])
    return T.Schedule.from_args(a)


def test_gate_temperature_anneals_geometrically_over_the_soft_phase():
    s = _schedule(gate_t_start=1.0, gate_t_end=0.01)
    temps = [s.gate_temperature(e) for e in range(10)]
    assert s.soft_end == 5 and temps[0] == pytest.approx(1.0) and temps[4] == pytest.approx(0.01)
    assert temps[2] == pytest.approx(0.1)                      # geometric: sqrt(1.0 * 0.01)
    assert all(t == pytest.approx(0.01) for t in temps[5:])
    assert all(t == SOFT_T for t in (_schedule().gate_temperature(e) for e in range(10)))
    with pytest.raises(InputError):
        _schedule(gate_t_start=0.0)


def test_soft_gates_follow_the_model_temperature(test_windows):
    torch.manual_seed(0)
    m = DynaModel("simvp", "dynapruner").train()
    m.phase = "soft"
    x, _, _ = batch(test_windows)
    for t in (1.0, 0.02):
        m.soft_t = t
        out = m(x)
        unit = m.backbone.units[0]
        score = out["gate_scores"][0]
        assert torch.allclose(out["gate_masks"][0], torch.sigmoid((score - unit.tau) / t))
    assert not math.isclose(float(torch.sigmoid((score - unit.tau) / 1.0).mean()),
                            float(out["gate_masks"][0].mean()))


def test_config_keys_reach_the_training_and_its_record(tmp_path):
    cfg = tmp_path / "c.json"
    cfg.write_text(json.dumps({"backbone": "simvp", "variant": "dense", "out": "dense.onnx",
                               "schedule": {"epochs": 1, "max_steps": 2}}))
    T.train(T.parse(["--config", str(cfg), "--quiet", "--no-export"]))
    cfg2 = tmp_path / "d.json"
    cfg2.write_text(json.dumps({"backbone": "simvp", "variant": "dynapruner", "out": "dp.onnx",
                                "init_from": "{out_dir}/dense.onnx.pt", "loss": {"distill": 0.5},
                                "schedule": {"epochs": 2, "max_steps": 2, "mask_pretrain": 1, "soft_frac": 0.5,
                                             "gate_t_start": 1.0, "gate_t_end": 0.05}}))
    r = T.train(T.parse(["--config", str(cfg2), "--quiet", "--no-export"]))
    tr = r["training"]
    assert (tr["distill"], tr["gate_t_start"], tr["gate_t_end"]) == (0.5, 1.0, 0.05)
