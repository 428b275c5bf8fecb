"""Which spatial-mask factor a feature map has: k such that its shape is
ceil(H / k) x ceil(W / k) of the input grid (the shape `down_max` gives)."""
from __future__ import annotations

from typing import Optional, Tuple

#: factors tried, finest first
FACTORS = (1, 2, 4, 8, 16, 32, 64)


def factor_of(shape: Tuple[int, int], grid: Tuple[int, int]) -> Optional[int]:
    h, w = grid
    for k in FACTORS:
        if shape == (-(-h // k), -(-w // k)):
            return k
    return None
