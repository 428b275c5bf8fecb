"""The storm data set resampled to another grid (bench models only): each of the
six NetCDF files bilinearly interpolated over its lat / lon axes to `grid`,
written as NetCDF-3 with the same variable names, plus a data set description.

Missing values (the storm fill value) are interpolated as a validity weight:
a resampled pixel is valid where at least half of its interpolation weight
comes from valid pixels, and its value is the valid-weighted mean."""
from __future__ import annotations

import json
import os
from typing import Tuple

import numpy as np
import torch
import torch.nn.functional as F
import xarray as xr

from .dataset.storm import DEFAULT_FILL, STORM_CHANNELS, default_data_dir, storm_dict

DESCRIPTION = "description.json"


def resample(values: np.ndarray, grid: Tuple[int, int], fill: float) -> np.ndarray:
    """[T, H, W] -> [T, h, w] bilinear (align_corners), fill values excluded."""
    v = torch.from_numpy(values.astype(np.float64))[:, None]
    ok = (v != fill) & torch.isfinite(v)
    num = F.interpolate(torch.where(ok, v, torch.zeros_like(v)), size=grid, mode="bilinear", align_corners=True)
    den = F.interpolate(ok.double(), size=grid, mode="bilinear", align_corners=True)
    out = torch.where(den >= 0.5, num / den.clamp(min=1e-12), torch.full_like(num, fill))
    return out[:, 0].numpy().astype(np.float32)


def regrid_file(src: str, dst: str, var: str, grid: Tuple[int, int]) -> None:
    """One storm file's `var` resampled to `grid` with linearly spaced lat / lon."""
    with xr.open_dataset(src, decode_cf=False, mask_and_scale=False) as ds:
        da = ds[var]
        t_dim, y_dim, x_dim = da.dims
        fill = float(da.attrs.get("_FillValue", da.attrs.get("missing_value", DEFAULT_FILL)))
        lat, lon = ds[y_dim].values, ds[x_dim].values
        out = xr.Dataset(
            {var: ((t_dim, y_dim, x_dim), resample(da.values, grid, fill), dict(da.attrs))},
            coords={t_dim: ds[t_dim].values,
                    y_dim: np.linspace(lat[0], lat[-1], grid[0]).astype(np.float32),
                    x_dim: np.linspace(lon[0], lon[-1], grid[1]).astype(np.float32)},
            attrs={"history": f"bilinear resample of {os.path.basename(src)} to {grid[0]}x{grid[1]} (bench data)"})
    tmp = f"{dst}.tmp{os.getpid()}"
    out.to_netcdf(tmp, format="NETCDF3_64BIT", engine="scipy")
    os.replace(tmp, dst)


def regrid_storm(out_dir: str, grid: Tuple[int, int], src_dir: str = None) -> str:
    """Write (or reuse) the resampled storm files and their description; returns its path."""
    src_dir = src_dir or default_data_dir()
    os.makedirs(out_dir, exist_ok=True)
    files = []
    for _, fname, var in STORM_CHANNELS:
        dst = os.path.join(out_dir, fname)
        if not os.path.exists(dst):
            regrid_file(os.path.join(src_dir, fname), dst, var, grid)
        files.append(dst)
    desc = storm_dict(files, out_dir)
    desc["name"] = f"ncl-storm-1996-resampled-{grid[0]}x{grid[1]}"
    path = os.path.join(out_dir, DESCRIPTION)
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w") as f:
        json.dump(desc, f, indent=1)
    os.replace(tmp, path)
    return path
