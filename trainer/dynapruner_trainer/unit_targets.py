"""Per-unit model-sparsity targets (`loss.unit_sparsity`, `--unit-sparsity`).

The budget of method spec section 6 pushes every gated unit towards the same
target s_w. Three settings:

- "uniform" (the default): every unit's target is s_w, as the spec says.
- "macs": a unit whose filters cost more MACs is pruned harder. A filter of
  unit u accounts for m_u MACs: the dense MACs of the convs u gates plus those
  of the convs that read u's channels one to one (`in_unit`), divided by u's
  filter count K_u. The target is s_u = min(MAX_UNIT_TARGET, c * m_u), with c
  chosen so that the mean of s_u weighted by the unit's MACs (w_u = K_u * m_u)
  is s_w, i.e. roughly the same share of the gated MACs is asked for as under
  "uniform", moved to where a filter saves most.
- a list of numbers in [0, MAX_UNIT_TARGET], one per gated unit in unit order.
"""
from __future__ import annotations

from typing import Dict, List, Sequence, Union

import torch

from .errors import InputError

UNIFORM, MACS = "uniform", "macs"
#: no unit is asked to drop more than this share of its filters
MAX_UNIT_TARGET = 0.9
#: bisection steps for the scale c (relative precision far below 1e-9)
BISECT_STEPS = 100

Setting = Union[str, Sequence[float]]


def parse_flag(value: str) -> Setting:
    """`uniform`, `macs` or `0.2,0.5,...` (the flag's form) -> the setting; None if none of these."""
    if value in (UNIFORM, MACS):
        return value
    try:
        return [float(v) for v in value.split(",")]
    except ValueError:
        return None


def unit_macs(model) -> Dict[int, float]:
    """uid -> MACs one filter of that unit accounts for (dense counting, one sample)."""
    h, w = model.cfg["grid"]
    x = torch.zeros(1, model.cfg["t_in"], model.cfg["channels"], h, w)
    was_training = model.training
    model.eval()
    with torch.no_grad():
        records = model(x, count_macs=True)["macs"]
    model.train(was_training)
    convs = {m.name: m for m in model.backbone.modules() if hasattr(m, "unit") and hasattr(m, "in_unit")}
    total = {u.uid: 0.0 for u in model.units}
    for r in records:
        conv = convs.get(r["name"])
        for bound in (conv.unit, conv.in_unit) if conv is not None else ():
            if bound and bound[0].uid in total:
                total[bound[0].uid] += r["dense"]
    return {u.uid: total[u.uid] / u.channels for u in model.units}


def macs_targets(per_filter: Sequence[float], filters: Sequence[int], s_w: float) -> List[float]:
    """s_u = min(MAX_UNIT_TARGET, c * m_u) with sum(w_u s_u) / sum(w_u) = s_w, w_u = K_u m_u."""
    weights = [k * m for k, m in zip(filters, per_filter)]
    total = sum(weights)

    def mean(c: float) -> float:
        return sum(w * min(MAX_UNIT_TARGET, c * m) for w, m in zip(weights, per_filter)) / total

    lo, hi = 0.0, MAX_UNIT_TARGET / min(per_filter)  # at hi every unit is at the cap
    for _ in range(BISECT_STEPS):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if mean(mid) < s_w else (lo, mid)
    return [min(MAX_UNIT_TARGET, hi * m) for m in per_filter]


def resolve(setting: Setting, model, s_w: float, where: str) -> List[float]:
    """Each gated unit's target, in unit order. `where` names the config file or the
    flag in the one-line error for a bad setting."""
    file, key = (where, "loss.unit_sparsity") if where != "--unit-sparsity" else (where, "")
    n = len(model.units)
    if isinstance(setting, str):
        setting = parse_flag(setting) or setting
    if setting == UNIFORM or n == 0:
        return [s_w] * n
    if setting == MACS:
        if not 0.0 <= s_w <= MAX_UNIT_TARGET:
            raise InputError(file, key, f"s_w in [0, {MAX_UNIT_TARGET}] for '{MACS}'", repr(s_w))
        per = unit_macs(model)
        uncounted = [u.name for u in model.units if per[u.uid] <= 0]
        if uncounted:
            raise InputError(file, key, f"'{MACS}' only on the trainer's own backbones (MACs counted per unit)",
                             f"no MACs counted for unit {uncounted[0]}")
        return macs_targets([per[u.uid] for u in model.units], [u.channels for u in model.units], s_w)
    ok = isinstance(setting, (list, tuple)) and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) and 0.0 <= v <= MAX_UNIT_TARGET for v in setting)
    if not ok or len(setting) != n:
        raise InputError(file, key, f"'{UNIFORM}', '{MACS}' or a list of {n} numbers in [0, {MAX_UNIT_TARGET}] "
                         f"(one per gated unit: {', '.join(u.name for u in model.units)})", repr(setting))
    return [float(v) for v in setting]


def mac_weighted_mean(targets: Sequence[float], model) -> float:
    """sum(w_u s_u) / sum(w_u), w_u = K_u m_u: what "macs" holds at s_w."""
    per = unit_macs(model)
    w = [u.channels * per[u.uid] for u in model.units]
    return sum(a * b for a, b in zip(w, targets)) / sum(w)
