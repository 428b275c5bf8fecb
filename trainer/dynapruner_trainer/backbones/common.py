"""Shared pieces: unit registry, the strided encoder conv's kernel, and the
upsample-and-crop step of decoders."""
from typing import List

import torch
import torch.nn as nn
import torch.nn.functional as F

from ..masks import GateUnit


class UnitBackbone(nn.Module):
    """Base: keeps `units` (an nn.ModuleList) in declaration order = unit id."""

    def __init__(self):
        super().__init__()
        self.units = nn.ModuleList()

    def add_unit(self, name: str, cin: int, cout: int) -> GateUnit:
        u = GateUnit(name, cin, cout)
        u.uid = len(self.units)
        self.units.append(u)
        return u


def up2_crop(x: torch.Tensor, h: int, w: int, factor: int = 2) -> torch.Tensor:
    """Nearest x`factor` upsampling cropped to (h, w): inverse of ceil(H/factor)
    downsampling. Zeros at inactive low-res positions stay zeros."""
    y = F.interpolate(x, scale_factor=float(factor), mode="nearest")
    return y[:, :, :h, :w]


def down_kernel(stride: int) -> int:
    """Odd kernel covering a stride-`stride` step (3 for 2, 5 for 4, 9 for 8): with
    padding (kernel - 1) / 2 the output is ceil(H / stride), the spatial mask's shape."""
    return 2 * ((stride + 1) // 2) + 1


def split_frames(x: torch.Tensor, t: int) -> List[torch.Tensor]:
    """[N, T*C, h, w] -> T tensors [N, C, h, w]."""
    return list(torch.chunk(x, t, dim=1))
