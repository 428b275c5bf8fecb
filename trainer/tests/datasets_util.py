"""Test helpers: copies of a slice of the storm data in NetCDF-3, NetCDF-4,
plain HDF5 and Zarr, under names the trainer never uses."""
import json
import os

import numpy as np
from scipy.io import netcdf_file

from dynapruner_trainer.data import resolve_storm_files

#: storm file -> variable name in the copies
RENAMED = {"Pstorm.cdf": "slp", "Tstorm.cdf": "tas", "Ustorm.cdf": "uas"}
STEPS = 24
FILL = -9999.0


def storm_slice():
    """{name: float32 [STEPS, 33, 36]} with the storm's fill values and one NaN per field."""
    out = {}
    for path in resolve_storm_files(None):
        name = RENAMED.get(os.path.basename(path))
        if name:
            with netcdf_file(path, "r", mmap=False) as nc:
                var = next(v for v in nc.variables.values() if len(v.shape) == 3)
                arr = np.array(var.data[:STEPS], dtype=np.float32)
            arr[5, 10, 10] = np.nan
            out[name] = arr
    return out


def write_netcdf3(folder, fields):
    with netcdf_file(os.path.join(folder, "slice.nc"), "w") as nc:
        for d, n in zip(("t", "row", "col"), next(iter(fields.values())).shape):
            nc.createDimension(d, n)
        for name, arr in fields.items():
            v = nc.createVariable(name, "f", ("t", "row", "col"))
            v[:] = arr
            v._FillValue = np.float32(FILL)
        tv = nc.createVariable("t", "d", ("t",))
        tv[:] = np.arange(arr.shape[0]) * 6.0


def write_netcdf4(folder, fields, extra4d=False):
    import netCDF4
    with netCDF4.Dataset(os.path.join(folder, "slice.nc"), "w", format="NETCDF4") as nc:
        for d, n in zip(("t", "row", "col"), next(iter(fields.values())).shape):
            nc.createDimension(d, n)
        for name, arr in fields.items():
            v = nc.createVariable(name, "f4", ("t", "row", "col"), fill_value=np.float32(FILL), zlib=True)
            v.set_auto_maskandscale(False)
            v[:] = arr
        tv = nc.createVariable("t", "f8", ("t",))
        tv[:] = np.arange(next(iter(fields.values())).shape[0]) * 6.0
        if extra4d:
            nc.createDimension("lev", 2)
            lev = nc.createVariable("lev", "f8", ("lev",))
            lev[:] = [1000.0, 500.0]
            w = nc.createVariable("wind", "f4", ("t", "lev", "row", "col"), fill_value=np.float32(FILL))
            w.set_auto_maskandscale(False)
            w[:] = np.stack([fields["uas"], fields["tas"]], 1)


def write_hdf5(folder, fields):
    import h5py
    with h5py.File(os.path.join(folder, "slice.h5"), "w") as f:
        for name, arr in fields.items():
            d = f.create_dataset(name, data=arr, chunks=(4, 33, 36))
            d.attrs["_FillValue"] = np.float32(FILL)


def write_zarr(folder, fields):
    import zarr
    g = zarr.open_group(os.path.join(folder, "slice.zarr"), mode="w")
    for name, arr in fields.items():
        a = g.create_dataset(name, data=arr, chunks=(5, 33, 36), fill_value=FILL)
        a.attrs["_ARRAY_DIMENSIONS"] = ["t", "row", "col"]
    zarr.consolidate_metadata(g.store)


WRITERS = {"netcdf3": write_netcdf3, "netcdf4": write_netcdf4, "hdf5": write_hdf5, "zarr": write_zarr}
GLOBS = {"netcdf3": "*.nc", "netcdf4": "*.nc", "hdf5": "*.h5", "zarr": "*.zarr"}


def make_copy(root, fmt, fields=None, description=None):
    """Folder `root/fmt` holding the slice in `fmt` and a description.json; returns its path."""
    folder = os.path.join(str(root), fmt)
    os.makedirs(folder, exist_ok=True)
    WRITERS[fmt](folder, fields if fields is not None else storm_slice())
    desc = {"name": "slice", "files": [GLOBS[fmt]], "t_in": 3, "t_out": 3, "split": [0.5, 0.25, 0.25]}
    desc.update(description or {})
    path = os.path.join(folder, "description.json")
    with open(path, "w") as f:
        json.dump(desc, f)
    return path


def synthetic_netcdf4(path, variables, steps, grid, seed=0):
    """A NetCDF-4 file of smooth random fields (time, lat, lon) for shape-level tests."""
    import netCDF4
    rng = np.random.default_rng(seed)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("time", steps)
        nc.createDimension("lat", grid[0])
        nc.createDimension("lon", grid[1])
        for name in variables:
            base = rng.normal(size=(steps, 1, 1)).cumsum(0)
            field = base + rng.normal(scale=0.5, size=(steps,) + tuple(grid))
            nc.createVariable(name, "f4", ("time", "lat", "lon"))[:] = np.abs(field).astype(np.float32)


def synthetic_hdf5(path, name, steps, grid, seed=0):
    import h5py
    rng = np.random.default_rng(seed)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with h5py.File(path, "w") as f:
        f.create_dataset(name, data=np.abs(rng.normal(size=(steps,) + tuple(grid))).astype(np.float32),
                         chunks=(1,) + tuple(grid))
