"""pareto_alignment: S that IS the observed change scores AUC 1 against it."""
import torch

from dynapruner_trainer.pareto_alignment import lead_alignment
from dynapruner_trainer.variants import DynaModel


class ObservedChange(torch.nn.Module):
    """S = mean over channels of |x_last - x_prev| (a perfect observed-change map)."""

    def forward(self, x):
        return (x[:, -1] - x[:, -2]).abs().mean(1, keepdim=True)


def test_s_equal_to_the_observed_change_has_auc_one(test_windows):
    m = DynaModel("simvp", "dynapruner").eval()
    m.mask_gen = ObservedChange()
    win = {k: test_windows[k][:3] for k in ("inputs", "targets", "valid")}
    r = lead_alignment(m, win)
    assert r["observed_change"] > 0.999
    assert set(r) == {"lead_1", "lead_2", "lead_3", "lead_4", "all_leads", "observed_change", "s_mean"}
    assert all(0.0 <= r[f"lead_{t}"] <= 1.0 for t in range(1, 5))
