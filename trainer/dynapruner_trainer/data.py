"""NetCDF loaders (scipy.io.netcdf_file) and sliding-window datasets.

Storm data: six NCL storm fields, 64 six-hourly steps on a 33x36 grid.
Fill values (attributes `_FillValue` / `missing_value`, the literal -9999 and
NaN) are missing data: they get value 0 after normalisation (the channel mean)
and a `valid` mask that every loss and metric uses.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from scipy.io import netcdf_file

#: channel order of the storm data set, with the file each comes from
STORM_CHANNELS: List[Tuple[str, str]] = [
    ("p", "Pstorm.cdf"), ("t", "Tstorm.cdf"), ("u", "Ustorm.cdf"),
    ("v", "Vstorm.cdf"), ("u500", "U500storm.cdf"), ("v500", "V500storm.cdf"),
]
STORM_SPLIT = {"train": (0, 40), "val": (40, 48), "test": (48, 64)}
DEFAULT_FILL = -9999.0


def default_data_dir() -> str:
    """`demo/data/ncl` of this repository (the project's own copy)."""
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.normpath(os.path.join(here, "..", "..", "demo", "data", "ncl"))


def read_variable(path: str, name: Optional[str] = None) -> Tuple[np.ndarray, np.ndarray]:
    """Read one (time, lat, lon) variable; returns (float64 values, bool valid).

    `name` defaults to the only 3-d variable in the file. Invalid: NaN, +-inf,
    the `_FillValue` / `missing_value` attributes, -9999, and |x| >= 1e30.
    """
    with netcdf_file(path, "r", mmap=False) as nc:
        if name is None:
            cands = [k for k, v in nc.variables.items() if len(v.shape) == 3]
            if len(cands) != 1:
                raise ValueError(f"{path}: expected one 3-d variable, found {cands}")
            name = cands[0]
        var = nc.variables[name]
        raw = np.array(var.data, dtype=np.float64)
        fills = [DEFAULT_FILL]
        for attr in ("_FillValue", "missing_value"):
            v = var._attributes.get(attr)
            if v is not None:
                fills.extend(np.atleast_1d(np.asarray(v, dtype=np.float64)).tolist())
        scale = var._attributes.get("scale_factor")
        offset = var._attributes.get("add_offset")
    valid = np.isfinite(raw) & (np.abs(raw) < 1e30)
    for f in fills:
        valid &= raw != f
    if scale is not None or offset is not None:
        raw = raw * float(scale if scale is not None else 1.0) + float(offset if offset is not None else 0.0)
    return raw, valid


@dataclass
class Fields:
    """A normalised multichannel field: `values` [T, C, H, W] float32 (invalid = 0),
    `valid` [T, C, H, W] bool, per-channel `mean` / `std` from the training split."""
    values: np.ndarray
    valid: np.ndarray
    mean: List[float]
    std: List[float]
    channels: List[str]
    files: List[str]
    split: Dict[str, Tuple[int, int]] = field(default_factory=dict)
    name: str = "ncl-storm-1996"


def normalise(raw: np.ndarray, valid: np.ndarray, train: Tuple[int, int]) -> Tuple[np.ndarray, List[float], List[float]]:
    """Per-channel z-score from valid training values; invalid set to 0 after."""
    t0, t1 = train
    out = np.zeros(raw.shape, dtype=np.float32)
    means, stds = [], []
    for c in range(raw.shape[1]):
        vals = raw[t0:t1, c][valid[t0:t1, c]]
        if vals.size == 0:
            raise ValueError(f"channel {c}: no valid training values")
        m, s = float(vals.mean()), float(vals.std())
        s = s if s > 0 else 1.0
        means.append(m)
        stds.append(s)
        ch = (raw[:, c] - m) / s
        out[:, c] = np.where(valid[:, c], ch, 0.0).astype(np.float32)
    return out, means, stds


def resolve_storm_files(data: Optional[Sequence[str]]) -> List[str]:
    """Map `--data` (a directory, or the six files in any order) to channel order."""
    if not data:
        data = [default_data_dir()]
    if len(data) == 1 and os.path.isdir(data[0]):
        return [os.path.join(data[0], f) for _, f in STORM_CHANNELS]
    by_name = {os.path.basename(p): p for p in data}
    missing = [f for _, f in STORM_CHANNELS if f not in by_name]
    if missing:
        raise ValueError(f"--data is missing storm files: {missing}")
    return [by_name[f] for _, f in STORM_CHANNELS]


def load_storm(data: Optional[Sequence[str]] = None) -> Fields:
    """Load the six storm channels (order p, t, u, v, u500, v500), normalised."""
    files = resolve_storm_files(data)
    raws, valids = [], []
    for p in files:
        r, v = read_variable(p)
        raws.append(r)
        valids.append(v)
    raw = np.stack(raws, 1)
    valid = np.stack(valids, 1)
    values, mean, std = normalise(raw, valid, STORM_SPLIT["train"])
    return Fields(values, valid, mean, std, [c for c, _ in STORM_CHANNELS],
                  [os.path.basename(f) for f in files], dict(STORM_SPLIT))


def load_hgt(path: Optional[str] = None, split: Optional[Dict[str, Tuple[int, int]]] = None) -> Fields:
    """Second data set: monthly 500 hPa height `HGT` (21, 73, 144), one channel.

    Default split for its 21 months: train [0, 13), val [13, 17), test [17, 21)
    (with T_in = T_out = 2 every split holds at least one window)."""
    path = path or os.path.join(default_data_dir(), "hgt.nc")
    split = split or {"train": (0, 13), "val": (13, 17), "test": (17, 21)}
    raw, valid = read_variable(path, "HGT")
    raw, valid = raw[:, None], valid[:, None]
    values, mean, std = normalise(raw, valid, split["train"])
    return Fields(values, valid, mean, std, ["z500"], [os.path.basename(path)], split, "ncl-hgt-monthly")


def windows(fields: Fields, split: str, t_in: int = 4, t_out: int = 4) -> Dict[str, np.ndarray]:
    """All windows fully inside `split` (none crosses a boundary).

    Returns `inputs` [N, t_in, C, H, W], `targets` [N, t_out, C, H, W] float32,
    `valid` [N, t_out, C, H, W] uint8 (target validity), `input_valid` likewise
    for the inputs, and `start` (time index of each window's first frame)."""
    a, b = fields.split[split]
    starts = list(range(a, b - t_in - t_out + 1))
    xs = [fields.values[s:s + t_in] for s in starts]
    ys = [fields.values[s + t_in:s + t_in + t_out] for s in starts]
    vy = [fields.valid[s + t_in:s + t_in + t_out] for s in starts]
    vx = [fields.valid[s:s + t_in] for s in starts]
    shp = fields.values.shape[1:]
    def st(lst, n, dt):
        return np.stack(lst).astype(dt) if lst else np.zeros((0, n) + shp, dt)
    return {"inputs": st(xs, t_in, np.float32), "targets": st(ys, t_out, np.float32),
            "valid": st(vy, t_out, np.uint8), "input_valid": st(vx, t_in, np.uint8),
            "start": np.array(starts, dtype=np.int64)}
