"""Normalised multichannel fields and the sliding windows cut from them."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

import numpy as np


@dataclass
class Fields:
    """A normalised multichannel field: `values` [T, C, H, W] float32 (invalid = 0),
    `valid` [T, C, H, W] bool, per-channel `mean` / `std` from the training split
    (of the channel after its `transforms` entry: "zscore" = none, "log1p" = log1p
    of the values clipped at 0), and the resolved `description` (loader.canonical)."""
    values: np.ndarray
    valid: np.ndarray
    mean: List[float]
    std: List[float]
    channels: List[str]
    files: List[str]
    split: Dict[str, Tuple[int, int]] = field(default_factory=dict)
    name: str = "ncl-storm-1996"
    t_in: int = 4
    t_out: int = 4
    stride: int = 1
    transforms: Optional[List[str]] = None
    description: Optional[dict] = None


def window_starts(split: Tuple[int, int], t_in: int, t_out: int, stride: int = 1) -> List[int]:
    """First time index of every window fully inside `split` (none crosses a boundary)."""
    a, b = split
    return list(range(a, b - t_in - t_out + 1, stride))


def windows(fields: Fields, split: str, t_in: Optional[int] = None, t_out: Optional[int] = None,
            stride: Optional[int] = None) -> Dict[str, np.ndarray]:
    """All windows fully inside `split` (none crosses a boundary); t_in / t_out /
    stride default to the fields' own.

    Returns `inputs` [N, t_in, C, H, W], `targets` [N, t_out, C, H, W] float32,
    `valid` [N, t_out, C, H, W] uint8 (target validity), `input_valid` likewise
    for the inputs, and `start` (time index of each window's first frame)."""
    t_in = fields.t_in if t_in is None else t_in
    t_out = fields.t_out if t_out is None else t_out
    starts = window_starts(fields.split[split], t_in, t_out, fields.stride if stride is None else stride)
    shp = fields.values.shape[1:]

    def stack(arr, offset, n, dtype):
        if not starts:
            return np.zeros((0, n) + shp, dtype)
        return np.stack([arr[s + offset:s + offset + n] for s in starts]).astype(dtype)
    return {"inputs": stack(fields.values, 0, t_in, np.float32),
            "targets": stack(fields.values, t_in, t_out, np.float32),
            "valid": stack(fields.valid, t_in, t_out, np.uint8),
            "input_valid": stack(fields.valid, 0, t_in, np.uint8),
            "start": np.array(starts, dtype=np.int64)}
