"""Masks of method spec sections 1-4: importance map S, data mask, spatial masks
at every resolution, and S-weighted filter gates with a learnable threshold.

`MaskContext` holds the masks of one forward pass; layers ask it for the
spatial mask at their resolution and for the gate of their unit.

Odd grid (33 x 36), documented choice: we do NOT pad the input. A stride-2
conv (k=3, pad=1) maps 33 -> 17 -> 9 and 36 -> 18 -> 9, i.e. ceil(H / 2^l).
The spatial mask at level l (factor k = 2^l) is
`maxpool_k(zero_pad_bottom_right(M_data, to a multiple of k))`, which equals
MaxPool with ceil_mode and has exactly the conv's output shape; the levels
nest (maxpool_2 of level 1 == level 2). In ONNX this is `Pad -> MaxPool` fed
by `dp_data_mask` (level 0 consumers read `dp_data_mask` itself).
`S_r` for gate pooling uses the same padding with AveragePool (pads count 0).
"""
from __future__ import annotations

import math
from typing import Dict, List, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F

#: soft-phase gate temperature: soft gate = sigmoid((I - tau) / SOFT_T)
SOFT_T = 0.1


def ste_threshold(score: torch.Tensor, thr) -> torch.Tensor:
    """Hard `1[score >= thr]` forward; backward identity to `score` and
    minus identity to `thr` (straight-through for both)."""
    hard = (score >= thr).to(score.dtype)
    diff = score - thr
    return hard + diff - diff.detach()


def pad_to_multiple(m: torch.Tensor, k: int) -> torch.Tensor:
    """Zero-pad the last two dims bottom/right to a multiple of k."""
    if k == 1:
        return m
    h, w = m.shape[-2:]
    ph, pw = (-h) % k, (-w) % k
    if ph == 0 and pw == 0:
        return m
    return F.pad(m, (0, pw, 0, ph))


def down_max(m: torch.Tensor, k: int) -> torch.Tensor:
    """Spatial mask at factor k: maxpool of the (padded) full-res mask."""
    if k == 1:
        return m
    return F.max_pool2d(pad_to_multiple(m, k), k, k)


def down_avg(s: torch.Tensor, k: int) -> torch.Tensor:
    """S_r at factor k: avgpool of the zero-padded S (pads count as 0)."""
    if k == 1:
        return s
    return F.avg_pool2d(pad_to_multiple(s, k), k, k)


#: input pooling factors g_mask supports (1 = full resolution)
MASK_POOL_FACTORS = (1, 2, 4)


class MaskGenerator(nn.Module):
    """g_mask: three 3x3 convs (ReLU) on Z = [frames, temporal diffs].

    Width 8 instead of the spec's "about 16": with 16 channels g_mask costs
    10.1 M MACs, 18% of our small SimVP (55 M); with 8 it costs 4.3 M.

    `pool` > 1 (cheaper variant): Z is average-pooled by `pool` (zero-padded
    bottom/right to a multiple of it, pads count as 0, like `down_avg`), the
    convs run at 1/pool resolution (about 1/pool^2 of the MACs) and S is
    upsampled back by nearest neighbour and cropped to H x W. In ONNX:
    Pad -> AveragePool -> convs -> Sigmoid -> Resize(nearest) -> Slice.

    Output S = sigmoid(logits) [N, 1, H, W]. The last bias starts at +2
    (S ~ 0.88: every pixel on at the start, per the training notes)."""

    def __init__(self, t_in: int, channels: int, hidden: int = 8, init_bias: float = 2.0, pool: int = 1):
        super().__init__()
        if pool not in MASK_POOL_FACTORS:
            raise ValueError(f"mask generator pool factor must be one of {MASK_POOL_FACTORS}, found {pool}")
        self.pool = pool
        zc = (2 * t_in - 1) * channels
        self.net = nn.Sequential(
            nn.Conv2d(zc, hidden, 3, padding=1), nn.ReLU(),
            nn.Conv2d(hidden, hidden, 3, padding=1), nn.ReLU(),
            nn.Conv2d(hidden, 1, 3, padding=1))
        nn.init.constant_(self.net[4].bias, init_bias)
        nn.init.normal_(self.net[4].weight, std=1e-3)

    def conv_grid(self, h: int, w: int):
        """(h, w) at which the convs run."""
        return math.ceil(h / self.pool), math.ceil(w / self.pool)

    def macs(self, h: int, w: int) -> float:
        """Conv MACs per sample on an h x w input (counting spec: convs only)."""
        ch, cw = self.conv_grid(h, w)
        return float(sum(m.out_channels * m.in_channels / m.groups * m.kernel_size[0] * m.kernel_size[1] * ch * cw
                         for m in self.net if isinstance(m, nn.Conv2d)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, t, c, h, w = x.shape
        frames = x.reshape(n, t * c, h, w)
        diffs = (x[:, 1:] - x[:, :-1]).reshape(n, (t - 1) * c, h, w)
        z = torch.cat([frames, diffs], 1)
        if self.pool == 1:
            return torch.sigmoid(self.net(z))
        s = torch.sigmoid(self.net(down_avg(z, self.pool)))
        return F.interpolate(s, scale_factor=float(self.pool), mode="nearest")[:, :, :h, :w]


class GateUnit(nn.Module):
    """A gated unit: K filters, gate head `I = sigmoid(W_g a + b_g)` and a
    learnable threshold tau (init 0.5, kept in [0.01, 0.99]); head bias +2
    (I ~ 0.88: gates start on). Also holds an optional static mask
    (variant mp_l1). `uid` is its index in the model's unit list."""

    def __init__(self, name: str, in_channels: int, channels: int, init_bias: float = 2.0):
        super().__init__()
        self.name = name
        self.uid = -1
        self.in_channels = in_channels
        self.channels = channels
        self.head = nn.Linear(in_channels, channels)
        nn.init.normal_(self.head.weight, std=1e-2)
        nn.init.constant_(self.head.bias, init_bias)
        self.tau = nn.Parameter(torch.tensor(0.5))
        self.register_buffer("static_mask", torch.ones(channels))
        self.static = False

    def pooled(self, xs: List[torch.Tensor], weight: Optional[torch.Tensor]) -> torch.Tensor:
        """Unit input descriptor a [N, C_in]: S-weighted (weight = S_r) or plain
        average pooling, averaged over the list (frames of a per-frame unit)."""
        acc = None
        for x in xs:
            if weight is None:
                a = x.mean(dim=(2, 3))
            else:
                a = (x * weight).sum(dim=(2, 3)) / (weight.sum(dim=(2, 3)) + 1e-6)
            acc = a if acc is None else acc + a
        return acc / len(xs)

    def forward(self, xs: List[torch.Tensor], weight: Optional[torch.Tensor]) -> torch.Tensor:
        """I = sigmoid(W_g a + b_g) [N, K]; a module call so that every gate-head
        node of the ONNX graph sits under this unit's scope (overhead_nodes)."""
        return torch.sigmoid(self.head(self.pooled(xs, weight)))


class MaskContext:
    """Masks of one forward pass.

    mode: "dense" (no masks), "soft" (S as data mask, sigmoid gates), "hard"
    (thresholded; STE while training). `data_mask`: full-res mask used by
    every layer (None when the variant has no data mask). `weight_src`: S, or
    None for unweighted gate pooling. Gate results are cached per unit."""

    def __init__(self, mode: str, data_mask: Optional[torch.Tensor], importance: Optional[torch.Tensor],
                 gates: Optional[str], weighted: bool, training: bool,
                 overrides: Optional[Dict[int, torch.Tensor]] = None):
        self.mode = mode
        self.data_mask = data_mask
        self.importance = importance
        self.gates = gates            # None | "dynamic" | "static"
        self.weighted = weighted
        self.training = training
        self.overrides = overrides or {}
        self._sp: Dict[int, torch.Tensor] = {}
        self._sr: Dict[int, torch.Tensor] = {}
        self.gate_scores: Dict[int, torch.Tensor] = {}
        self.gate_masks: Dict[int, torch.Tensor] = {}
        self.budget_masks: Dict[int, torch.Tensor] = {}
        self.macs: Optional[list] = None  # list of per-call records when counting
        self.apply_static = True          # False at export: mp_l1 pruning is baked into weights
        self.soft_t = SOFT_T              # soft-phase gate temperature (annealed by train.py)

    def spatial(self, k: int) -> Optional[torch.Tensor]:
        """M_sp at factor k (None: no spatial masking)."""
        if self.data_mask is None:
            return None
        if k not in self._sp:
            self._sp[k] = down_max(self.data_mask, k)
        return self._sp[k]

    def s_r(self, k: int) -> Optional[torch.Tensor]:
        if not self.weighted or self.importance is None:
            return None
        if k not in self._sr:
            self._sr[k] = down_avg(self.importance, k)
        return self._sr[k]

    def gate(self, unit: GateUnit, xs: List[torch.Tensor], k: int) -> Optional[torch.Tensor]:
        """Gate mask [N, K] of `unit` from its inputs `xs` at factor k (cached)."""
        if self.gates is None or (self.gates == "static" and not self.apply_static):
            return None
        if unit.uid in self.gate_masks:
            return self.gate_masks[unit.uid]
        n = xs[0].shape[0]
        if self.gates == "static":
            m = unit.static_mask[None].expand(n, -1)
            self.gate_masks[unit.uid] = m
            return m
        score = unit(xs, self.s_r(k))
        self.gate_scores[unit.uid] = score
        if unit.uid in self.overrides:
            m = self.overrides[unit.uid]
        elif self.mode == "soft":
            m = torch.sigmoid((score - unit.tau) / self.soft_t)
            self.budget_masks[unit.uid] = self._hard(score, unit.tau, True)
        else:
            m = self._hard(score, unit.tau, self.training)
            self.budget_masks[unit.uid] = m
        self.gate_masks[unit.uid] = m
        return m

    @staticmethod
    def _hard(score: torch.Tensor, tau: torch.Tensor, ste: bool) -> torch.Tensor:
        """Hard gate with at least one active filter (the arg-max) per unit."""
        top = (score >= score.max(dim=1, keepdim=True)[0]).to(score.dtype)
        if ste:
            hard = ste_threshold(score, tau)
            return hard + (top - hard).clamp(min=0).detach()
        return torch.max((score >= tau).to(score.dtype), top)


class MaskedConv(nn.Module):
    """`act(conv(x)) * M_w[:, :, None, None] * M_sp` (method spec section 4).

    `unit`: the GateUnit gating this conv's output filters (or None);
    `in_unit`: the unit that gated the channels it reads (for counting);
    `k`: downsampling factor of the OUTPUT (selects M_sp); `spatial`: mask the
    output spatially. With `per_frame` inputs the gate is computed once per
    sample (call `MaskContext.gate` with all frames first)."""

    def __init__(self, name: str, cin: int, cout: int, kernel: int, k: int, stride: int = 1,
                 groups: int = 1, dilation: int = 1, act: Optional[str] = "leaky",
                 unit: Optional[GateUnit] = None, in_unit: Optional[GateUnit] = None,
                 spatial: bool = True, in_k: Optional[int] = None):
        super().__init__()
        self.name = name
        pad = dilation * (kernel - 1) // 2
        self.conv = nn.Conv2d(cin, cout, kernel, stride, pad, dilation=dilation, groups=groups)
        self.act = act
        self.unit = [unit] if unit is not None else []        # list: avoid double registration
        self.in_unit = [in_unit] if in_unit is not None else []
        self.k = k
        self.in_k = in_k if in_k is not None else k
        self.spatial = spatial

    def forward(self, x: torch.Tensor, ctx: MaskContext) -> torch.Tensor:
        y = self.conv(x)
        if self.act == "leaky":
            y = F.leaky_relu(y, 0.2)
        m_w = None
        if self.unit:
            m_w = ctx.gate(self.unit[0], [x], self.in_k)
            if m_w is not None:
                y = y * m_w[:, :, None, None]
        m_sp = ctx.spatial(self.k) if self.spatial else None
        if m_sp is not None:
            y = y * m_sp
        if ctx.macs is not None:
            ctx.macs.append(self._mac_record(x, y, ctx, m_w, m_sp))
        return y

    def _mac_record(self, x, y, ctx, m_w, m_sp):
        """Per-sample effective MACs of this call (counting spec)."""
        c = self.conv
        kk = c.kernel_size[0] * c.kernel_size[1]
        n = y.shape[0]
        K = c.out_channels
        cin = c.in_channels
        hw = y.shape[2] * y.shape[3]
        k_act = m_w.sum(1) if m_w is not None else torch.full((n,), float(K))
        if self.in_unit and self.in_unit[0].uid in ctx.gate_masks:
            cin_act = ctx.gate_masks[self.in_unit[0].uid].sum(1)
        else:
            cin_act = torch.full((n,), float(cin))
        a_out = m_sp.sum(dim=(1, 2, 3)) if m_sp is not None else torch.full((n,), float(hw))
        dense = K * (cin / c.groups) * kk * hw
        eff = k_act * (cin_act / c.groups) * kk * a_out
        return {"name": self.name, "dense": float(dense), "eff": eff.detach().double()}
