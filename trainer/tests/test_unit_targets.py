"""Per-unit model-sparsity targets (`loss.unit_sparsity`, unit_targets.py): the
"macs" targets keep the MAC-weighted mean at s_w, prune units with costlier
filters harder, and are the targets the budget loss uses; bad settings are one line."""
import json
import re

import pytest
import torch
import torch.nn as nn

from dynapruner_trainer import train as T
from dynapruner_trainer import unit_targets as U
from dynapruner_trainer.errors import InputError
from dynapruner_trainer.losses import budget, total_loss
from dynapruner_trainer.variants import DynaModel


def hooked_macs_per_filter(model):
    """uid -> MACs per filter, counted independently of the MAC records: forward
    hooks on every nn.Conv2d, K * C_in/g * kh*kw * H_out*W_out per call."""
    per_conv = {}
    owners = {m.conv: m for m in model.backbone.modules() if hasattr(m, "in_unit") and hasattr(m, "conv")}

    def hook(conv, _inp, out):
        kh, kw = conv.kernel_size
        macs = conv.out_channels * conv.in_channels / conv.groups * kh * kw * out.shape[2] * out.shape[3]
        per_conv[conv] = per_conv.get(conv, 0.0) + macs

    handles = [c.register_forward_hook(hook) for c in owners]
    h, w = model.cfg["grid"]
    with torch.no_grad():
        model.eval()(torch.zeros(1, model.cfg["t_in"], model.cfg["channels"], h, w))
    for hd in handles:
        hd.remove()
    total = {u.uid: 0.0 for u in model.units}
    for conv, macs in per_conv.items():
        m = owners[conv]
        for bound in (m.unit, m.in_unit):
            if bound:
                total[bound[0].uid] += macs
    return {u.uid: total[u.uid] / u.channels for u in model.units}


@pytest.mark.parametrize("backbone", ["simvp", "tau", "convlstm"])
def test_macs_targets_average_to_s_w_under_mac_weighting(backbone):
    model = DynaModel(backbone, "dynapruner")
    per = hooked_macs_per_filter(model)
    assert per == pytest.approx(U.unit_macs(model), rel=1e-9)
    weights = [u.channels * per[u.uid] for u in model.units]
    for s_w in (0.1, 0.25, 0.5, 0.7):
        targets = U.resolve("macs", model, s_w, "grid.json")
        assert sum(w * s for w, s in zip(weights, targets)) / sum(weights) == pytest.approx(s_w, abs=1e-9)
        assert all(0.0 <= s <= U.MAX_UNIT_TARGET for s in targets)
        # costlier filters, harder pruning (ties where a unit is at the cap)
        by_cost = [t for _, t in sorted(zip([per[u.uid] for u in model.units], targets))]
        assert by_cost == sorted(by_cost)
    assert U.resolve("uniform", model, 0.3, "grid.json") == [0.3] * len(model.units)


def test_simvp_targets_differ_by_unit_and_the_cap_redistributes():
    model = DynaModel("simvp", "dynapruner")
    low, high = U.resolve("macs", model, 0.25, "g.json"), U.resolve("macs", model, 0.5, "g.json")
    assert max(low) / min(low) > 4                # SimVP's per-filter MACs differ about 5x between units
    assert U.MAX_UNIT_TARGET in high and max(low) < U.MAX_UNIT_TARGET
    assert U.mac_weighted_mean(high, model) == pytest.approx(0.5, abs=1e-9)   # capped unit's share moved to others
    assert min(high) > 2 * min(low)


def _gates(model, means):
    """Budget gate masks [N=2, K] whose mean is exactly `means[i]` for unit i."""
    out = []
    for u, m in zip(model.units, means):
        g = torch.zeros(2, u.channels)
        g.view(-1)[: round(m * g.numel())] = 1.0
        out.append(g)
    return out


def test_the_budget_loss_uses_each_units_own_target(test_windows):
    torch.manual_seed(0)
    model = DynaModel("simvp", "dynapruner").train()
    x, y, v = (torch.from_numpy(test_windows[k][:2]) for k in ("inputs", "targets", "valid"))
    out = model(x)
    out["budget_gates"] = _gates(model, [1.0] * len(model.units))      # every gate on: B = s_u per unit
    targets = U.resolve("macs", model, 0.5, "g.json")
    per_unit = total_loss(out, y, v, 0.1, targets, 0.0, 1.0)["b_w"]
    assert float(per_unit) == pytest.approx(sum(targets), rel=1e-6)
    assert float(total_loss(out, y, v, 0.1, 0.5, 0.0, 1.0)["b_w"]) == pytest.approx(0.5 * len(targets), rel=1e-6)
    assert float(total_loss(out, y, v, 0.1, [0.5] * len(targets), 0.0, 1.0)["loss"]) == \
        pytest.approx(float(total_loss(out, y, v, 0.1, 0.5, 0.0, 1.0)["loss"]))
    # a unit already below its own target adds nothing; raising only its target adds its hinge
    half = _gates(model, [0.5] * len(model.units))
    out["budget_gates"] = half
    base = [0.4] * len(targets)
    assert float(total_loss(out, y, v, 0.1, base, 0.0, 1.0)["b_w"]) == pytest.approx(0.0, abs=1e-7)
    raised = base[:5] + [0.8] + base[6:]
    assert float(total_loss(out, y, v, 0.1, raised, 0.0, 1.0)["b_w"]) == pytest.approx(
        float(budget(half[5], 0.8)), rel=1e-6)
    assert float(budget(half[5], 0.8)) == pytest.approx(0.3, rel=1e-6)
    out["budget_gates"][2] = None                    # a unit without a gate mask has no term
    assert float(total_loss(out, y, v, 0.1, raised, 0.0, 1.0)["b_w"]) == pytest.approx(0.3, rel=1e-6)
    with pytest.raises(ValueError, match="3 unit targets for 7 units"):
        total_loss(out, y, v, 0.1, [0.1] * 3, 0.0, 1.0)


def test_config_key_reaches_the_training_and_its_record(tmp_path):
    cfg = tmp_path / "c.json"
    cfg.write_text(json.dumps({"backbone": "simvp", "variant": "dense", "out": "dense.onnx",
                               "schedule": {"epochs": 1, "max_steps": 1}}))
    T.train(T.parse(["--config", str(cfg), "--quiet", "--no-export"]))
    cfg2 = tmp_path / "d.json"
    cfg2.write_text(json.dumps({"backbone": "simvp", "variant": "dynapruner", "out": "dp.onnx",
                                "init_from": "{out_dir}/dense.onnx.pt", "targets": {"s_d": 0.1, "s_w": 0.5},
                                "loss": {"unit_sparsity": "macs"},
                                "schedule": {"epochs": 2, "max_steps": 2, "mask_pretrain": 1, "soft_frac": 0.5}}))
    args = T.parse(["--config", str(cfg2), "--quiet", "--no-export"])
    tr = T.train(args)["training"]
    model = DynaModel("simvp", "dynapruner")
    assert tr["unit_sparsity"] == "macs" and tr["unit_targets"] == pytest.approx(U.resolve("macs", model, 0.5, "x"))
    assert args.unit_targets == tr["unit_targets"]          # what train_epoch and validation_score pass as s_w
    from dynapruner_trainer.unit_pruning_table import row_of, table
    from dynapruner_trainer import data
    row = row_of(str(tmp_path / "dp.onnx.pt"), data.windows(data.load_storm(), "test"))
    assert list(row["targets"].values()) == tr["unit_targets"] and row["mse"] == pytest.approx(tr["test_mse"])
    assert row["group"] == ("macs, warm 1, distill 0.0", 0.1, 0.5) and all(0 <= v <= 1 for v in row["off"].values())
    lines = table([row, dict(row, seed=1)]).splitlines()
    assert len(lines) == 3 and lines[2].startswith("| macs, warm 1, distill 0.0 | 0.1, 0.5 | 2 |")
    flag = T.parse(["--config", str(cfg2), "--unit-sparsity", "0.1,0.2,0.3,0.4,0.5,0.6,0.7", "--quiet"])
    assert U.resolve(flag.unit_sparsity, model, 0.5, flag.unit_sparsity_source) == [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]


def test_bad_settings_are_one_line_naming_the_file_or_flag(tmp_path):
    model = DynaModel("simvp", "dynapruner")
    with pytest.raises(InputError, match=r"^g\.json: loss\.unit_sparsity: expected 'uniform', 'macs' or a list of 7 "
                                         r"numbers in \[0, 0\.9\] .*enc\.0.*, found 'fast'$"):
        U.resolve("fast", model, 0.5, "g.json")
    with pytest.raises(InputError, match=r"found \[0\.1, 0\.2\]$"):
        U.resolve([0.1, 0.2], model, 0.5, "g.json")
    with pytest.raises(InputError, match=r"found \[0\.1, 0\.1, 0\.1, 0\.1, 0\.1, 0\.1, 1\.5\]$"):
        U.resolve([0.1] * 6 + [1.5], model, 0.5, "g.json")
    with pytest.raises(InputError, match=r"^--unit-sparsity: expected .*found '0\.1,x'$"):
        U.resolve("0.1,x", model, 0.5, "--unit-sparsity")
    with pytest.raises(InputError, match=r"^g\.json: loss\.unit_sparsity: expected s_w in \[0, 0\.9\] for 'macs'"):
        U.resolve("macs", model, 0.95, "g.json")
    cfg = tmp_path / "c.json"
    cfg.write_text(json.dumps({"backbone": "simvp", "variant": "dynapruner", "out": "dp.onnx",
                               "loss": {"unit_sparsity": True}, "schedule": {"epochs": 1, "max_steps": 1}}))
    with pytest.raises(InputError, match=rf"^{re.escape(str(cfg))}: loss\.unit_sparsity: expected .*found True$"):
        T.train(T.parse(["--config", str(cfg), "--quiet", "--no-export"]))


def test_wrapped_models_take_per_unit_lists_and_refuse_macs_in_one_line(storm):
    import os
    import sys
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples"))
    import unet_example as UE
    from dynapruner_trainer.wrap import DynaPruner, fit
    torch.manual_seed(0)
    model = DynaPruner(UE.UNet(4, 4, 6), 4, 4, 6, (33, 36), name="u")
    n = len(model.units)
    targets = [0.1 + 0.05 * i for i in range(n)]
    fit(model, storm, epochs=1, max_steps=1, mask_pretrain=1, unit_sparsity=targets)
    with pytest.raises(InputError, match=r"^--unit-sparsity: expected 'macs' only on the trainer's own backbones .*"
                                         r"found no MACs counted for unit down\.0\.conv1$"):
        fit(model, storm, epochs=1, max_steps=1, mask_pretrain=1, unit_sparsity="macs")
