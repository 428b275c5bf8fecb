"""Loss of method spec section 6:
MSE on valid pixels + lambda_d B(M_data, s_d) + lambda_w sum_l B(M_w,l, s_w)
+ small L1 on S and I, with B(M, s) = relu(mean(M) - (1 - s)) on the HARD
masks through the straight-through estimator (batch averages); optionally
+ distill * MSE(prediction, dense teacher's prediction) on valid pixels.
s_w is one target for every unit or a list, unit l's target at index l (unit_targets.py)."""
from typing import Dict, Optional, Sequence, Union

import torch


def masked_mse(pred: torch.Tensor, target: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
    """Mean squared error over valid entries only (fill values never enter:
    invalid targets are 0 and their weight is 0)."""
    v = valid.to(pred.dtype)
    return ((pred - target) ** 2 * v).sum() / v.sum().clamp(min=1.0)


def masked_mae(pred: torch.Tensor, target: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
    v = valid.to(pred.dtype)
    return ((pred - target).abs() * v).sum() / v.sum().clamp(min=1.0)


def budget(mask: torch.Tensor, s: float) -> torch.Tensor:
    """B(M, s) = relu(mean(M) - (1 - s))."""
    return torch.relu(mask.mean() - (1.0 - s))


def model_budget(budget_gates: list, s_w: Union[float, Sequence[float]], zero: torch.Tensor) -> torch.Tensor:
    """sum_l B(M_w,l, s_w,l) over the units with a gate mask (None = no gate)."""
    targets = [s_w] * len(budget_gates) if isinstance(s_w, (int, float)) else list(s_w)
    if len(targets) != len(budget_gates):
        raise ValueError(f"{len(targets)} unit targets for {len(budget_gates)} units")
    return sum((budget(g, s) for g, s in zip(budget_gates, targets) if g is not None), zero)


def total_loss(out: dict, target: torch.Tensor, valid: torch.Tensor, s_d: float,
               s_w: Union[float, Sequence[float]],
               lambda_d: float, lambda_w: float, l1_s: float = 1e-3, l1_i: float = 1e-3,
               teacher: Optional[torch.Tensor] = None, distill: float = 0.0) -> Dict[str, torch.Tensor]:
    """The training objective and its terms; `teacher` (the dense model's
    predictions for the same batch) enters with weight `distill`."""
    mse = masked_mse(out["prediction"], target, valid)
    zero = mse.new_zeros(())
    kd = masked_mse(out["prediction"], teacher, valid) if teacher is not None and distill > 0 else zero
    b_d = budget(out["data_mask_hard"], s_d) if out["data_mask_hard"] is not None else zero
    b_w = model_budget(out["budget_gates"], s_w, zero)
    l1 = zero
    if out["importance"] is not None:
        l1 = l1 + l1_s * out["importance"].mean()
    scores = [s for s in out["gate_scores"] if s is not None]
    if scores:
        l1 = l1 + l1_i * sum(s.mean() for s in scores) / len(scores)
    loss = mse + lambda_d * b_d + lambda_w * b_w + l1 + distill * kd
    return {"loss": loss, "mse": mse, "b_d": b_d, "b_w": b_w, "l1": l1, "kd": kd}
