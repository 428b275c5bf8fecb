"""The six variants of method spec section 7 and the model that combines a
backbone with the mask generator and gates.

| variant     | data mask | gates   | gate input                    |
| dense       | none      | none    | -                             |
| mp_l1       | none      | static  | top ceil((1-s_w)K) filters by L1 norm, fine-tuned |
| dp_only     | yes       | none    | -                             |
| mp_only     | none      | dynamic | unweighted average pooling    |
| independent | yes       | dynamic | unweighted average pooling    |
| dynapruner  | yes       | dynamic | S-weighted pooling (synergy)  |
"""
from __future__ import annotations

import math
from typing import Dict, List, Optional

import torch
import torch.nn as nn

from .backbones import build_backbone
from .masks import SOFT_T, MaskContext, MaskGenerator, ste_threshold

VARIANTS: Dict[str, dict] = {
    "dense": dict(data_mask=False, gates=None, weighted=False),
    "mp_l1": dict(data_mask=False, gates="static", weighted=False),
    "dp_only": dict(data_mask=True, gates=None, weighted=False),
    "mp_only": dict(data_mask=False, gates="dynamic", weighted=False),
    "independent": dict(data_mask=True, gates="dynamic", weighted=False),
    "dynapruner": dict(data_mask=True, gates="dynamic", weighted=True),
}


class DynaModel(nn.Module):
    """Backbone + (optional) mask generator + gates.

    `phase`: "soft" or "hard" while training (eval is always hard).
    forward returns a dict: prediction, importance (S), data_mask (the mask
    the layers used), data_mask_hard (STE, for the budget), gate_scores and
    gate_masks (lists in unit order), budget_gates (STE hard gates)."""

    def __init__(self, backbone: str, variant: str, t_in: int = 4, t_out: int = 4, channels: int = 6,
                 grid=(33, 36), theta_d: float = 0.5, widths: Optional[dict] = None, mask_pool: int = 1):
        super().__init__()
        if variant not in VARIANTS:
            raise ValueError(f"unknown variant {variant!r}; choose from {sorted(VARIANTS)}")
        self.cfg = dict(backbone=backbone, variant=variant, t_in=t_in, t_out=t_out,
                        channels=channels, grid=list(grid), theta_d=theta_d, widths=dict(widths or {}),
                        mask_pool=mask_pool)
        self.variant = variant
        self.flags = VARIANTS[variant]
        self.theta_d = theta_d
        self.backbone = build_backbone(backbone, t_in, t_out, channels, grid, widths)
        self.mask_gen = MaskGenerator(t_in, channels, pool=mask_pool) if self.flags["data_mask"] else None
        self.phase = "hard"
        self.apply_static = True  # export sets False after baking mp_l1 zeros into the weights
        self.soft_t = SOFT_T      # soft-phase gate temperature; train.py may anneal it
        if self.flags["gates"] == "static":
            for u in self.backbone.units:
                u.static = True

    @property
    def units(self):
        return list(self.backbone.units)

    @property
    def dynamic_units(self):
        return self.units if self.flags["gates"] == "dynamic" else []

    def forward(self, x: torch.Tensor, data_mask: Optional[torch.Tensor] = None,
                gate_masks: Optional[Dict[int, torch.Tensor]] = None, count_macs: bool = False) -> dict:
        """x [N, T_in, C, H, W]. `data_mask` / `gate_masks` inject masks
        (analysis: dense mode, mask failure), like cutting the ONNX graph."""
        mode = self.phase if self.training else "hard"
        if self.flags["data_mask"] is False and self.flags["gates"] is None:
            mode = "dense"
        s = self.mask_gen(x) if self.mask_gen is not None else None
        m_used = m_hard = None
        if s is not None:
            if data_mask is not None:
                m_used = m_hard = data_mask
            elif self.training:
                m_hard = ste_threshold(s, self.theta_d)
                m_used = m_hard
                if mode == "soft":
                    # warm-up (paper: X' = X * S): the soft mask scales the input only;
                    # layers and output are not masked yet. Using S as the output mask too
                    # makes S learn to shrink uncertain forecasts (high-change pixels), the
                    # opposite of an importance map (seen on the storm data: AUC < 0.5).
                    m_used = None
                    x_soft = x * s[:, :, None]
            else:
                m_used = m_hard = (s >= self.theta_d).to(s.dtype)
        ctx = MaskContext(mode, m_used, s, self.flags["gates"], self.flags["weighted"], self.training,
                          overrides=gate_masks)
        ctx.apply_static = self.apply_static
        ctx.soft_t = self.soft_t
        if count_macs:
            ctx.macs = []
        x_last = x[:, -1:]
        xm = x * m_used[:, :, None] if m_used is not None else x
        if s is not None and self.training and mode == "soft" and data_mask is None:
            xm = x_soft
        if self.cfg["backbone"] == "convlstm":
            delta = self.backbone(xm, ctx, x_last=x[:, -1])
        else:
            delta = self.backbone(xm, ctx)
        # The readout conv is spatially masked: delta is already M_sp(H,W) * Delta_hat.
        pred = x_last + delta
        n_units = len(self.backbone.units)
        return {
            "prediction": pred,
            "importance": s,
            "data_mask": m_used,
            "data_mask_hard": m_hard,
            "gate_scores": [ctx.gate_scores.get(i) for i in range(n_units)],
            "gate_masks": [ctx.gate_masks.get(i) for i in range(n_units)],
            "budget_gates": [ctx.budget_masks.get(i) for i in range(n_units)],
            "macs": ctx.macs,
        }


def apply_l1_static_pruning(model: DynaModel, s_w: float) -> Dict[str, List[int]]:
    """mp_l1: keep the top ceil((1-s_w) K) filters of every unit by the L1 norm
    of the weights of the convs the unit gates (sum over those convs)."""
    kept = {}
    convs_by_unit: Dict[int, list] = {}
    for m in model.backbone.modules():
        if hasattr(m, "unit") and isinstance(getattr(m, "conv", None), nn.Conv2d) and m.unit:
            convs_by_unit.setdefault(m.unit[0].uid, []).append(m.conv)
    for u in model.backbone.units:
        norms = sum(c.weight.detach().abs().flatten(1).sum(1) for c in convs_by_unit[u.uid])
        keep = max(1, math.ceil((1 - s_w) * u.channels))
        idx = torch.argsort(norms, descending=True)[:keep]
        mask = torch.zeros(u.channels)
        mask[idx] = 1
        u.static_mask.copy_(mask)
        u.static = True
        kept[u.name] = sorted(idx.tolist())
    return kept


def bake_static_pruning(model: DynaModel) -> None:
    """Zero the weights and biases of statically pruned filters (mp_l1), so the
    exported weights themselves show the pruning."""
    with torch.no_grad():
        for m in model.backbone.modules():
            if hasattr(m, "unit") and isinstance(getattr(m, "conv", None), nn.Conv2d) and m.unit:
                keep = m.unit[0].static_mask
                m.conv.weight.mul_(keep[:, None, None, None])
                if m.conv.bias is not None:
                    m.conv.bias.mul_(keep)


def init_gates_from_l1(model: DynaModel, spread: float = 2.0) -> None:
    """Warm start of the dynamic gates from the (dense-initialised) weights:
    head bias b_k = 2 + spread * (r_k - 0.5), r_k in [0, 1] the rank of
    filter k's weight L1 norm within its unit (the mp_l1 criterion). All gates
    start on (I from sigmoid(1) = 0.73 to sigmoid(3) = 0.95 > tau = 0.5); as
    tau rises under the budget, low-norm filters switch off first instead of
    an arbitrary set (with a uniform bias the first filters to go were random,
    and important ones were often lost for good)."""
    convs_by_unit: Dict[int, list] = {}
    for m in model.backbone.modules():
        if hasattr(m, "unit") and isinstance(getattr(m, "conv", None), nn.Conv2d) and m.unit:
            convs_by_unit.setdefault(m.unit[0].uid, []).append(m.conv)
    with torch.no_grad():
        for u in model.backbone.units:
            norms = sum(c.weight.detach().abs().flatten(1).sum(1) for c in convs_by_unit[u.uid])
            ranks = torch.argsort(torch.argsort(norms)).float() / max(1, u.channels - 1)
            u.head.bias.copy_(2.0 + spread * (ranks - 0.5))
