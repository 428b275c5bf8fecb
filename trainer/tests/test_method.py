"""Method spec: STE gradients, exact zeros of gated units, persistence where
the data mask is off, budget loss on hard masks, fill values out of the loss."""
import pytest
import torch

from dynapruner_trainer.losses import masked_mse, total_loss
from dynapruner_trainer.masks import MaskedConv
from dynapruner_trainer.variants import DynaModel

BACKBONES = ["simvp", "convlstm", "tau"]


def batch(test_windows, n=2):
    return (torch.from_numpy(test_windows[k][:n]) for k in ("inputs", "targets", "valid"))


@pytest.mark.parametrize("bb", BACKBONES)
def test_ste_gradients_reach_s_and_tau(bb, test_windows):
    torch.manual_seed(0)
    m = DynaModel(bb, "dynapruner").train()
    m.phase = "hard"
    x, y, v = batch(test_windows)
    out = m(x)
    ls = total_loss(out, y, v, 0.7, 0.7, 1.0, 1.0)
    ls["loss"].backward()
    g_last = m.mask_gen.net[4].weight.grad
    assert g_last is not None and g_last.abs().sum() > 0, "no gradient reaches S through the hard data mask"
    for u in m.backbone.units:
        assert u.tau.grad is not None and u.tau.grad.abs() > 0, f"no gradient reaches tau of {u.name}"
        assert u.head.weight.grad.abs().sum() > 0


def test_budget_is_on_hard_masks():
    from dynapruner_trainer.losses import budget
    from dynapruner_trainer.masks import ste_threshold
    s = torch.full((1, 1, 4, 4), 0.49, requires_grad=True)   # just below threshold: all off
    m = ste_threshold(s, 0.5)
    assert float(budget(m, 0.7)) == 0.0
    s2 = torch.full((1, 1, 4, 4), 0.9, requires_grad=True)
    b = budget(ste_threshold(s2, 0.5), 0.7)
    assert abs(float(b) - 0.7) < 1e-6
    b.backward()
    assert (s2.grad > 0).all()


@pytest.mark.parametrize("bb", BACKBONES)
def test_zero_gate_makes_unit_channels_exactly_zero(bb, test_windows):
    m = DynaModel(bb, "dynapruner").eval()
    x, _, _ = batch(test_windows)
    for unit in m.backbone.units:
        zero = torch.zeros(x.shape[0], unit.channels)
        zero[:, 0] = 1.0  # keep one filter: the others must be exactly 0
        seen = []

        def hook(mod, inp, out):
            seen.append(out)
        hs = [mc.register_forward_hook(hook) for mc in m.modules()
              if isinstance(mc, MaskedConv) and mc.unit and mc.unit[0] is unit]
        m(x, gate_masks={unit.uid: zero})
        for h in hs:
            h.remove()
        assert seen, unit.name
        for o in seen:
            assert torch.count_nonzero(o[:, 1:]) == 0, unit.name


@pytest.mark.parametrize("bb", BACKBONES)
def test_prediction_is_persistence_where_data_mask_off(bb, test_windows):
    torch.manual_seed(0)
    m = DynaModel(bb, "dynapruner").eval()
    with torch.no_grad():
        m.mask_gen.net[4].bias.fill_(0.0)  # about half the pixels off
    x, _, _ = batch(test_windows)
    out = m(x)
    off = out["data_mask"][:, 0] == 0
    assert off.any() and (~off).any()
    pred, last = out["prediction"], x[:, -1:].expand_as(out["prediction"])
    offb = off[:, None, None].expand_as(pred)
    assert torch.equal(pred[offb], last[offb])


@pytest.mark.parametrize("bb", BACKBONES)
def test_injecting_own_masks_reproduces_output(bb, test_windows):
    torch.manual_seed(0)
    m = DynaModel(bb, "dynapruner").eval()
    x, _, _ = batch(test_windows)
    out = m(x)
    again = m(x, data_mask=out["data_mask"], gate_masks=dict(enumerate(out["gate_masks"])))
    assert torch.equal(out["prediction"], again["prediction"])


def test_fill_values_never_reach_the_loss(test_windows):
    x, y, v = batch(test_windows)
    assert (v == 0).any()
    pred = y.clone().requires_grad_(True)
    y_bad = torch.where(v.bool(), y, torch.full_like(y, -9999.0))
    loss = masked_mse(pred, y_bad, v)
    assert float(loss) == 0.0
    loss.backward()
    assert (pred.grad[v == 0] == 0).all()
