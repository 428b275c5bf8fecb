"""Readers: one interface over NetCDF-3 (xarray + scipy), NetCDF-4 (xarray +
netCDF4, or h5netcdf where installed), plain HDF5 (h5py) and Zarr v2 (xarray +
zarr). Nothing is decoded (no CF masking or scaling: validity.py does that the
same way for every format) and nothing is read until `read` is called with
the index of the time window wanted."""
from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from typing import Dict, Optional, Tuple

import numpy as np

from .errors import DatasetError

HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
NETCDF3_MAGIC = b"CDF"


@dataclass
class VariableInfo:
    name: str
    dims: Tuple[str, ...]
    shape: Tuple[int, ...]
    attrs: dict


def sniff_format(path: str) -> str:
    """netcdf3 | netcdf4 | hdf5 | zarr, from the file's own bytes (NetCDF-4 is HDF5
    with `_NCProperties` or dimension scales)."""
    if os.path.isdir(path):
        if any(os.path.exists(os.path.join(path, m)) for m in (".zgroup", ".zmetadata", ".zarray", "zarr.json")):
            return "zarr"
        raise DatasetError(path, "format", "a Zarr directory (.zgroup / .zmetadata)", "a plain folder")
    with open(path, "rb") as f:
        head = f.read(8)
    if head.startswith(NETCDF3_MAGIC):
        return "netcdf3"
    if head == HDF5_MAGIC:
        return "netcdf4" if _is_netcdf4(path) else "hdf5"
    raise DatasetError(path, "format", "NetCDF-3, NetCDF-4, HDF5 or Zarr", f"leading bytes {head[:4]!r}")


def _is_netcdf4(path: str) -> bool:
    import h5py
    with h5py.File(path, "r") as f:
        if "_NCProperties" in f.attrs:
            return True
        return any(isinstance(d, h5py.Dataset) and "CLASS" in d.attrs and d.attrs["CLASS"] == b"DIMENSION_SCALE"
                   for d in f.values())


class XarraySource:
    """NetCDF-3 / NetCDF-4 / Zarr through xarray, opened lazily and undecoded."""

    def __init__(self, path: str, fmt: str):
        import xarray as xr
        self.path = path
        kw = dict(mask_and_scale=False, decode_times=False, decode_coords=False)
        if fmt == "zarr":
            self.ds = xr.open_dataset(path, engine="zarr", consolidated=None, **kw)
        else:
            engine = "scipy" if fmt == "netcdf3" else netcdf4_engine()
            self.ds = xr.open_dataset(path, engine=engine, cache=False, **kw)

    def variables(self) -> Dict[str, VariableInfo]:
        return {str(k): VariableInfo(str(k), tuple(str(d) for d in v.dims), tuple(v.shape), dict(v.attrs))
                for k, v in self.ds.variables.items()}

    def coordinate(self, dim: str) -> Optional[np.ndarray]:
        return np.asarray(self.ds[dim].values) if dim in self.ds.variables else None

    def read(self, name: str, index: tuple) -> np.ndarray:
        return np.asarray(self.ds[name].variable[index].values)

    def close(self) -> None:
        self.ds.close()


class H5Source:
    """Plain HDF5 (no NetCDF dimensions) through h5py: datasets anywhere in the
    file, named by their path; dims from dimension scales, else dim_0, dim_1, ..."""

    def __init__(self, path: str):
        import h5py
        self.path = path
        self.f = h5py.File(path, "r")
        self.sets: Dict[str, "h5py.Dataset"] = {}

        def collect(name, obj):  # returns None: visititems stops at the first non-None result
            if isinstance(obj, h5py.Dataset):
                self.sets[name] = obj
        self.f.visititems(collect)

    @staticmethod
    def _dims(d) -> Tuple[str, ...]:
        names = []
        for i, dim in enumerate(d.dims):
            label = dim.label or (os.path.basename(dim[0].name) if len(dim) else "")
            names.append(label or f"dim_{i}")
        return tuple(names)

    def variables(self) -> Dict[str, VariableInfo]:
        return {n: VariableInfo(n, self._dims(d), tuple(d.shape), {k: _plain(v) for k, v in d.attrs.items()})
                for n, d in self.sets.items()}

    def coordinate(self, dim: str) -> Optional[np.ndarray]:
        d = self.sets.get(dim)
        return d[()] if d is not None and d.ndim == 1 else None

    def read(self, name: str, index: tuple) -> np.ndarray:
        return np.asarray(self.sets[name][index])

    def close(self) -> None:
        self.f.close()


def _plain(v):
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    return v


def netcdf4_engine() -> str:
    """xarray's `netcdf4` engine, or `h5netcdf` where only that one is installed."""
    if importlib.util.find_spec("netCDF4") is not None:
        return "netcdf4"
    if importlib.util.find_spec("h5netcdf") is not None:
        return "h5netcdf"
    raise DatasetError("(reader)", "format", "python3-netcdf4 or h5netcdf installed for NetCDF-4", "neither")


def open_source(path: str, fmt: str = "auto"):
    """A lazy reader for `path` (`fmt` "auto" sniffs the file)."""
    fmt = sniff_format(path) if fmt == "auto" else fmt
    try:
        return H5Source(path) if fmt == "hdf5" else XarraySource(path, fmt)
    except DatasetError:
        raise
    except Exception as e:  # the libraries' own errors, reduced to one line
        raise DatasetError(path, "format", f"a readable {fmt} file", f"{type(e).__name__}: {e}") from None
