"""`DynaPruner`: Dyna-Pruner around any PyTorch module mapping [B, T_in, C, H, W]
to [B, T_out, C, H, W] (the change Delta over the last input frame).

Its convolutions are found by type (`nn.Conv2d` / `nn.ConvTranspose2d`) and
masked by forward hooks, so the backbone stays plain PyTorch: every conv
output is multiplied by the spatial mask at its own resolution (factor k from
its shape), and the convs chosen by `gate` (module names as fnmatch patterns,
types, or a predicate; default every conv but the last) get an S-weighted
filter gate with a learnable threshold (a `GateUnit` each). The mask
generator, the soft / hard phases, the STE and the budget outputs are those of
the built-in backbones (masks.py, variants.py), so the trainer's losses, MAC
counting, evaluation and export work unchanged."""
from __future__ import annotations

import fnmatch
from typing import Callable, Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn

from ..masks import GateUnit, MaskContext, MaskGenerator, ste_threshold
from ..variants import VARIANTS
from .resolution import factor_of

CONV_TYPES = (nn.Conv2d, nn.ConvTranspose2d)
GateRule = Union[None, Sequence[str], Tuple[type, ...], Callable[[str, nn.Module], bool]]


def _chooser(rule: GateRule, convs: List[Tuple[str, nn.Module]]) -> Callable[[str, nn.Module], bool]:
    if rule is None:
        last = convs[-1][0] if convs else None
        return lambda name, m: name != last
    if callable(rule) and not isinstance(rule, type):
        return rule
    if isinstance(rule, tuple) and all(isinstance(t, type) for t in rule):
        return lambda name, m: isinstance(m, rule)
    patterns = [rule] if isinstance(rule, str) else list(rule)
    return lambda name, m: any(fnmatch.fnmatchcase(name, p) for p in patterns)


class DynaPruner(nn.Module):
    """Backbone + mask generator + gates; `forward` returns the dict DynaModel returns."""

    def __init__(self, backbone: nn.Module, t_in: int, t_out: int, channels: int, grid, variant: str = "dynapruner",
                 gate: GateRule = None, theta_d: float = 0.5, name: str = "custom"):
        super().__init__()
        if variant not in VARIANTS or VARIANTS[variant]["gates"] == "static":
            raise ValueError(f"variant: expected one of {[v for v in VARIANTS if v != 'mp_l1']}, found {variant!r}")
        self.cfg = dict(backbone=name, variant=variant, t_in=t_in, t_out=t_out, channels=channels,
                        grid=list(grid), theta_d=theta_d, widths={})
        self.variant, self.flags, self.theta_d = variant, VARIANTS[variant], theta_d
        self.backbone = backbone
        self.mask_gen = MaskGenerator(t_in, channels) if self.flags["data_mask"] else None
        self.phase, self.apply_static = "hard", True
        convs = [(n, m) for n, m in backbone.named_modules() if isinstance(m, CONV_TYPES)]
        choose = _chooser(gate, convs)
        self.units = nn.ModuleList()
        self.conv_names: Dict[int, str] = {}
        self.unit_of: Dict[str, GateUnit] = {}
        for n, m in convs:
            self.conv_names[id(m)] = n
            if self.flags["gates"] == "dynamic" and choose(n, m):
                u = GateUnit(n, m.in_channels, m.out_channels)
                u.uid = len(self.units)
                self.units.append(u)
                self.unit_of[n] = u
            m.register_forward_hook(self._mask_hook)
        self._ctx: Optional[MaskContext] = None
        self.factors: Dict[str, int] = {}  # conv name -> spatial-mask factor of its output (last forward)

    @property
    def dynamic_units(self):
        return list(self.units)

    def _factor(self, name: str, t: torch.Tensor) -> int:
        k = factor_of(tuple(t.shape[-2:]), tuple(self.cfg["grid"]))
        if k is None:
            h, w = self.cfg["grid"]
            raise ValueError(f"backbone.{name}: expected a feature map of ceil({h}/k) x ceil({w}/k) for k in 1, 2, 4, "
                             f"..., found {tuple(t.shape[-2:])} (use ceil_mode=True pooling / padding 'same' convs)")
        return k

    def _mask_hook(self, module: nn.Module, inputs, y: torch.Tensor) -> torch.Tensor:
        """conv output * gate[:, :, None, None] * M_sp at its resolution; MAC record when counting."""
        ctx = self._ctx
        if ctx is None:
            return y
        name = self.conv_names[id(module)]
        unit = self.unit_of.get(name)
        m_w = ctx.gate(unit, [inputs[0]], self._factor(name, inputs[0])) if unit is not None else None
        if m_w is not None:
            y = y * m_w[:, :, None, None]
        self.factors[name] = self._factor(name, y)
        m_sp = ctx.spatial(self.factors[name])
        if m_sp is not None:
            y = y * m_sp
        if ctx.macs is not None:
            ctx.macs.append(self._mac_record(module, name, inputs[0], y, ctx, m_w, m_sp))
        return y

    def _mac_record(self, conv, name, x, y, ctx, m_w, m_sp) -> dict:
        """Counting spec: K_active * C_in / g * k*k * A_out per sample (inputs counted dense)."""
        n, hw = y.shape[0], y.shape[2] * y.shape[3]
        kk = conv.kernel_size[0] * conv.kernel_size[1]
        cin_g = conv.in_channels / conv.groups
        k_act = m_w.sum(1) if m_w is not None else torch.full((n,), float(conv.out_channels))
        a_out = m_sp.sum(dim=(1, 2, 3)) if m_sp is not None else torch.full((n,), float(hw))
        return {"name": name, "dense": float(conv.out_channels * cin_g * kk * hw),
                "eff": (k_act * cin_g * kk * a_out).detach().double()}

    def _data_masks(self, x, data_mask):
        """(S, mask used by the layers, hard mask for the budget, input scaling in the soft phase)."""
        s = self.mask_gen(x) if self.mask_gen is not None else None
        if s is None:
            return None, None, None, None
        if data_mask is not None:
            return s, data_mask, data_mask, None
        if not self.training:
            m = (s >= self.theta_d).to(s.dtype)
            return s, m, m, None
        hard = ste_threshold(s, self.theta_d)
        if self.phase == "soft":
            return s, None, hard, s
        return s, hard, hard, None

    def forward(self, x: torch.Tensor, data_mask: Optional[torch.Tensor] = None,
                gate_masks: Optional[Dict[int, torch.Tensor]] = None, count_macs: bool = False) -> dict:
        dense = self.flags["data_mask"] is False and self.flags["gates"] is None
        mode = "dense" if dense else (self.phase if self.training else "hard")
        s, m_used, m_hard, soft_scale = self._data_masks(x, data_mask)
        ctx = MaskContext(mode, m_used, s, self.flags["gates"], self.flags["weighted"], self.training,
                          overrides=gate_masks)
        ctx.macs = [] if count_macs else None
        if soft_scale is not None:
            xm = x * soft_scale[:, :, None]
        else:
            xm = x * m_used[:, :, None] if m_used is not None else x
        self._ctx = ctx
        try:
            delta = self.backbone(xm)
        finally:
            self._ctx = None
        n = len(self.units)
        return {"prediction": x[:, -1:] + delta, "importance": s, "data_mask": m_used, "data_mask_hard": m_hard,
                "gate_scores": [ctx.gate_scores.get(i) for i in range(n)],
                "gate_masks": [ctx.gate_masks.get(i) for i in range(n)],
                "budget_gates": [ctx.budget_masks.get(i) for i in range(n)], "macs": ctx.macs}

    def init_gates_from_l1(self, spread: float = 2.0) -> None:
        """Head bias 2 + spread (r_k - 0.5), r_k the L1-norm rank of filter k (as variants.init_gates_from_l1)."""
        convs = {n: m for n, m in self.backbone.named_modules() if n in self.unit_of}
        with torch.no_grad():
            for n, u in self.unit_of.items():
                norms = convs[n].weight.detach().abs().transpose(0, 1 if isinstance(convs[n], nn.ConvTranspose2d)
                                                                 else 0).flatten(1).sum(1)
                ranks = torch.argsort(torch.argsort(norms)).float() / max(1, u.channels - 1)
                u.head.bias.copy_(2.0 + spread * (ranks - 0.5))
