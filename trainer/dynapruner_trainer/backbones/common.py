"""Shared pieces: unit registry and the upsample-and-crop step of decoders."""
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


def up2_crop(x: torch.Tensor, h: int, w: int) -> torch.Tensor:
    """Nearest x2 upsampling cropped to (h, w): inverse of ceil(H/2) downsampling.
    Zeros at inactive low-res positions stay zeros."""
    y = F.interpolate(x, scale_factor=2.0, mode="nearest")
    return y[:, :, :h, :w]


def split_frames(x: torch.Tensor, t: int) -> List[torch.Tensor]:
    """[N, T*C, h, w] -> T tensors [N, C, h, w]."""
    return list(torch.chunk(x, t, dim=1))
