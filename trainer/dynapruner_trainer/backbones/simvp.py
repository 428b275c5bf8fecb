"""Small SimVP (Gao et al., CVPR 2022): per-frame CNN encoder with a stride-2
downsample, a translator on the frames stacked along channels, per-frame
decoder with x2 upsampling, 1x1 readout to Delta.

Small config (trains in minutes on 2 CPU cores): hid_S = 16, hid_T = 64
(= T_in * hid_S), three 3x3 translator convs (the original's Inception
translator reduced to plain convs), no GroupNorm and no encoder-decoder skip
(a norm would mix inactive positions into active ones; a skip would sum two
differently gated tensors). Frames are processed by separate graph nodes that
share weights (not folded into the batch), so every conv node has batch N and
per-sample masks apply directly (counting spec: A_out per sample).

Units (id: name, K): 0 enc.0 16, 1 enc.1 16, 2 trans.0 64, 3 trans.1 64,
4 trans.2 64, 5 dec.0 16, 6 dec.1 16. `in_unit` is set only where a conv reads
exactly that unit's channels one to one (the translator reads the 4 frames of
enc.1 concatenated, dec.0 reads a frame slice of trans.2: there `in_unit` is
None, i.e. input channels counted dense, a conservative count)."""
from typing import Optional

import torch

from ..masks import MaskContext, MaskedConv
from .common import UnitBackbone, down_kernel, split_frames, up2_crop


class SimVP(UnitBackbone):
    def __init__(self, t_in: int, t_out: int, channels: int, grid, hid_s: int = 16, n_trans: int = 3,
                 hid_t: Optional[int] = None, down: int = 2):
        super().__init__()
        self.t_in, self.t_out, self.c = t_in, t_out, channels
        self.h, self.w = grid
        self.down = down
        hid_t = hid_t or hid_s * t_in
        if t_out != t_in:
            raise ValueError("this small SimVP maps T_in frames to T_out = T_in frames")
        u = [self.add_unit("enc.0", channels, hid_s), None]
        u[1] = self.add_unit("enc.1", hid_s, hid_s)
        self.enc0 = MaskedConv("enc.0", channels, hid_s, 3, k=1, unit=u[0])
        self.enc1 = MaskedConv("enc.1", hid_s, hid_s, down_kernel(down), k=down, stride=down, unit=u[1],
                               in_unit=u[0], in_k=1)
        self.trans = torch.nn.ModuleList()
        prev = None
        for i in range(n_trans):
            cin = t_in * hid_s if i == 0 else hid_t
            cout = t_out * hid_s if i == n_trans - 1 else hid_t
            ut = self.add_unit(f"trans.{i}", cin, cout)
            self.trans.append(MaskedConv(f"trans.{i}", cin, cout, 3, k=down, unit=ut, in_unit=prev))
            prev = ut
        ud0 = self.add_unit("dec.0", hid_s, hid_s)
        ud1 = self.add_unit("dec.1", hid_s, hid_s)
        self.dec0 = MaskedConv("dec.0", hid_s, hid_s, 3, k=down, unit=ud0)
        self.dec1 = MaskedConv("dec.1", hid_s, hid_s, 3, k=1, unit=ud1, in_unit=ud0, in_k=1)
        self.readout = MaskedConv("readout", hid_s, channels, 1, k=1, act=None, in_unit=ud1)

    def encode(self, x: torch.Tensor, ctx: MaskContext):
        frames = [x[:, t] for t in range(self.t_in)]
        ctx.gate(self.units[0], frames, 1)
        f0 = [self.enc0(f, ctx) for f in frames]
        ctx.gate(self.units[1], f0, 1)
        return [self.enc1(f, ctx) for f in f0]

    def decode(self, z: torch.Tensor, ctx: MaskContext) -> torch.Tensor:
        frames = split_frames(z, self.t_out)
        ctx.gate(self.dec0.unit[0], frames, self.down)
        d0 = [up2_crop(self.dec0(f, ctx), self.h, self.w, self.down) for f in frames]
        ctx.gate(self.dec1.unit[0], d0, 1)
        return torch.stack([self.readout(self.dec1(f, ctx), ctx) for f in d0], 1)

    def translate(self, z: torch.Tensor, ctx: MaskContext) -> torch.Tensor:
        for layer in self.trans:
            z = layer(z, ctx)
        return z

    def forward(self, x: torch.Tensor, ctx: MaskContext) -> torch.Tensor:
        z = torch.cat(self.encode(x, ctx), 1)
        return self.decode(self.translate(z, ctx), ctx)
