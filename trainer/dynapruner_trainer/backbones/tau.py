"""Small TAU (Tan et al., CVPR 2023): the SimVP encoder / decoder with the
translator replaced by Temporal Attention Units on the stacked frames.

Each TAU block (OpenSTL TAUSubBlock, norms dropped so masked zeros stay zero):
  u   = act(proj_1(x))                               unit "tau.i.attn"
  att = conv1(dwd(dw(u)))  dw 5x5 depthwise, dwd 7x7 depthwise dilation 3,
                           conv1 1x1 (statical attention)
  se  = sigmoid(fc2(relu(fc1(avgpool(u)))))           dynamical (SE) attention
  x   = x + proj_2(se * att * u)
  x   = x + fc2(act(dw3(act(fc1(x)))))                    MLP, unit "tau.i.mlp"
GELU is replaced by LeakyReLU(0.2): one ONNX node, so every bound conv's
chain to its masked output is a plain single-consumer chain
(Conv -> LeakyRelu -> Mul gate -> Mul spatial).
Depthwise convs are gated by the unit of their input channels (out_unit = that
unit, in_unit None since C_in/g = 1). The SE 1x1 convs act on a 1x1 map: bound
with spatial_mask false and no units (counted dense, tiny)."""
import torch
import torch.nn.functional as F

from ..masks import MaskContext, MaskedConv
from .simvp import SimVP


class TAUBlock(torch.nn.Module):
    def __init__(self, owner, i: int, c: int, mlp_ratio: int = 2, red: int = 8):
        super().__init__()
        k = owner.down
        ua = owner.add_unit(f"tau.{i}.attn", c, c)
        um = owner.add_unit(f"tau.{i}.mlp", c, c * mlp_ratio)
        n = f"tau.{i}"
        self.proj1 = MaskedConv(f"{n}.proj_1", c, c, 1, k=k, act="leaky", unit=ua)
        self.dw = MaskedConv(f"{n}.dw", c, c, 5, k=k, groups=c, act=None, unit=ua)
        self.dwd = MaskedConv(f"{n}.dwd", c, c, 7, k=k, groups=c, dilation=3, act=None, unit=ua)
        self.conv1 = MaskedConv(f"{n}.conv1", c, c, 1, k=k, act=None, unit=ua, in_unit=ua)
        self.se1 = MaskedConv(f"{n}.se.fc1", c, c // red, 1, k=k, act=None, spatial=False, in_unit=ua)
        self.se2 = MaskedConv(f"{n}.se.fc2", c // red, c, 1, k=k, act=None, spatial=False)
        self.proj2 = MaskedConv(f"{n}.proj_2", c, c, 1, k=k, act=None, in_unit=ua)
        self.fc1 = MaskedConv(f"{n}.mlp.fc1", c, c * mlp_ratio, 1, k=k, act="leaky", unit=um)
        self.dw3 = MaskedConv(f"{n}.mlp.dw", c * mlp_ratio, c * mlp_ratio, 3, k=k, groups=c * mlp_ratio,
                              act="leaky", unit=um)
        self.fc2 = MaskedConv(f"{n}.mlp.fc2", c * mlp_ratio, c, 1, k=k, act=None, in_unit=um)

    def forward(self, x: torch.Tensor, ctx: MaskContext) -> torch.Tensor:
        u = self.proj1(x, ctx)
        att = self.conv1(self.dwd(self.dw(u, ctx), ctx), ctx)
        pooled = u.mean(dim=(2, 3), keepdim=True)
        se = torch.sigmoid(self.se2(F.relu(self.se1(pooled, ctx)), ctx))
        x = x + self.proj2(se * att * u, ctx)
        return x + self.fc2(self.dw3(self.fc1(x, ctx), ctx), ctx)


class TAU(SimVP):
    def __init__(self, t_in: int, t_out: int, channels: int, grid, hid_s: int = 16, n_blocks: int = 2,
                 mlp_ratio: int = 2, down: int = 2):
        super().__init__(t_in, t_out, channels, grid, hid_s=hid_s, n_trans=0, down=down)
        # SimVP registered enc.0, enc.1, dec.0, dec.1 (ids 0-3); TAU units follow.
        self.blocks = torch.nn.ModuleList([TAUBlock(self, i, hid_s * t_in, mlp_ratio) for i in range(n_blocks)])

    def translate(self, z: torch.Tensor, ctx: MaskContext) -> torch.Tensor:
        for b in self.blocks:
            z = b(z, ctx)
        return z
