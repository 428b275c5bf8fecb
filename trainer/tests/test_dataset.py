"""Data set descriptions: a data set given only by files + a description, the
same normalised inputs from NetCDF-3, NetCDF-4, HDF5 and Zarr, the storm data
as a description, selections / crop / coarsening / masks / log1p, and bad
descriptions as one-line errors naming the file and the key."""
import json
import os

import numpy as np
import pytest

from dynapruner_trainer.dataset import DatasetError, load_description, load_fields, windows
from dynapruner_trainer.dataset.cli import describe
from dynapruner_trainer.dataset.storm import storm_description

from datasets_util import FILL, STEPS, make_copy, storm_slice

FORMATS = ["netcdf3", "netcdf4", "hdf5", "zarr"]


@pytest.fixture(scope="module")
def raw():
    return storm_slice()


@pytest.fixture(scope="module")
def copies(raw, tmp_path_factory):
    root = tmp_path_factory.mktemp("copies")
    return {fmt: make_copy(root, fmt, raw) for fmt in FORMATS}


def test_same_normalised_inputs_from_every_format(copies, raw):
    loaded = {fmt: load_fields(load_description(p)) for fmt, p in copies.items()}
    ref = loaded["netcdf3"]
    assert ref.channels == ["slp", "tas", "uas"]  # every (time, y, x) variable, not the coordinate t
    assert ref.values.shape == (STEPS, 3, 33, 36)
    assert ref.split == {"train": (0, 12), "val": (12, 18), "test": (18, 24)}
    for fmt, f in loaded.items():
        assert f.channels == ref.channels, fmt
        assert np.array_equal(f.values, ref.values), fmt
        assert np.array_equal(f.valid, ref.valid), fmt
        assert f.mean == ref.mean and f.std == ref.std, fmt
        w, wr = windows(f, "test"), windows(ref, "test")
        assert all(np.array_equal(w[k], wr[k]) for k in w), fmt
    assert loaded["zarr"].description["files"][0]["formats"] == ["zarr"]
    assert loaded["hdf5"].description["files"][0]["formats"] == ["hdf5"]
    assert loaded["netcdf4"].description["files"][0]["formats"] == ["netcdf4"]
    # fills and NaN are invalid; the z-score is over valid training values
    slp = raw["slp"]
    bad = (slp == FILL) | np.isnan(slp)
    assert bad.mean() > 0.1 and not ref.valid[:, 0][bad].any() and (ref.values[:, 0][bad] == 0).all()
    train = slp[:12][~bad[:12]].astype(np.float64)
    assert ref.mean[0] == float(train.mean()) and ref.std[0] == float(train.std())


def test_storm_description_reproduces_the_bundled_inputs():
    here = os.path.dirname(os.path.abspath(__file__))
    bundled = np.load(os.path.join(here, "..", "..", "demo", "checkpoints", "storm_test.inputs.npy"))
    f = load_fields(storm_description())
    assert f.channels == ["p", "t", "u", "v", "u500", "v500"] and f.name == "ncl-storm-1996"
    assert f.split == {"train": (0, 40), "val": (40, 48), "test": (48, 64)}
    assert np.array_equal(windows(f, "test")["inputs"], bundled)


def test_level_selection_by_index_and_value(tmp_path, raw):
    base = {"variables": [{"name": "wind", "channel": "w1000", "select": {"lev": 0}},
                          {"name": "wind", "channel": "w500", "select": {"lev": {"value": 500}}}, "tas"]}
    folder = tmp_path / "nc4"
    folder.mkdir()
    from datasets_util import write_netcdf4
    write_netcdf4(str(folder), raw, extra4d=True)
    d = describe({"files": ["slice.nc"], "t_in": 3, "t_out": 3, "split": [0.5, 0.25, 0.25], **base}, str(folder))
    f = load_fields(d)
    assert f.channels == ["w1000", "w500", "tas"]
    assert np.array_equal(f.values[:, 1], f.values[:, 2])  # lev 500 holds tas
    assert np.array_equal(f.values[:, 0], load_fields(describe(
        {"files": ["slice.nc"], "variables": ["uas"], "t_in": 3, "t_out": 3, "split": [0.5, 0.25, 0.25]},
        str(folder))).values[:, 0])


def test_crop_coarsen_mask_and_log1p(tmp_path, raw):
    import netCDF4
    path = make_copy(tmp_path, "netcdf4", raw)
    folder = os.path.dirname(path)
    lsm = np.zeros((33, 36), np.float32)
    lsm[:, 18:] = 1
    with netCDF4.Dataset(os.path.join(folder, "lsm.nc"), "w") as nc:
        nc.createDimension("row", 33)
        nc.createDimension("col", 36)
        nc.createVariable("land", "f4", ("row", "col"))[:] = lsm
    obj = {"files": ["slice.nc"], "variables": [{"name": "tas", "normalisation": "log1p"}], "t_in": 2, "t_out": 2,
           "split": {"train": [0, 12], "val": [12, 18], "test": [18, 24]},
           "crop": {"y": [1, 33], "x": [0, 36]}, "coarsen": 2, "mask": {"file": "lsm.nc", "valid": "zero"}}
    f = load_fields(describe(obj, folder))
    assert f.values.shape == (STEPS, 1, 16, 18)
    x = raw["tas"][:, 1:33].astype(np.float64)
    ok = (x != FILL) & np.isfinite(x) & (lsm[1:33] == 0)[None]
    blocks = ok.reshape(STEPS, 16, 2, 18, 2)
    sums = np.where(ok, x, 0).reshape(STEPS, 16, 2, 18, 2).sum((2, 4))
    n = blocks.sum((2, 4))
    mean = np.where(n > 0, sums / np.maximum(n, 1), 0)
    logged = np.log1p(np.maximum(mean, 0))
    vals = logged[:12][n[:12] > 0]
    expect = np.where(n > 0, (logged - vals.mean()) / vals.std(), 0).astype(np.float32)
    assert np.array_equal(f.valid[:, 0], n > 0) and not f.valid[:, 0, :, 9:].any()  # land half masked
    assert np.array_equal(f.values[:, 0], expect)
    assert f.transforms == ["log1p"]


def test_cli_flags_for_the_common_case(copies):
    folder = os.path.dirname(copies["netcdf4"])
    f = load_fields(describe([os.path.join(folder, "slice.nc")],
                             overrides={"variables": ["tas"], "t_in": 1, "t_out": 1, "split": "0.7,0.1,0.2"}))
    assert f.channels == ["tas"] and (f.t_in, f.t_out) == (1, 1)
    assert f.split == {"train": (0, 17), "val": (17, 19), "test": (19, 24)}


def _error(desc_obj, folder):
    path = os.path.join(folder, "bad.json")
    with open(path, "w") as fh:
        json.dump(desc_obj, fh)
    with pytest.raises(DatasetError) as e:
        load_fields(load_description(path))
    msg = str(e.value)
    assert "\n" not in msg
    return msg, path


def test_bad_descriptions_name_the_file_and_the_key(copies, tmp_path):
    folder = os.path.dirname(copies["netcdf4"])
    nc = os.path.join(folder, "slice.nc")
    base = {"files": ["slice.nc"], "t_in": 3, "t_out": 3, "split": [0.5, 0.25, 0.25]}
    msg, _ = _error({**base, "variables": ["fice"]}, folder)
    assert msg.startswith(nc + ": files[0].variables[0]") and "'fice'" in msg and "slp" in msg, msg
    msg, path = _error({**base, "t_in": 6, "t_out": 6}, folder)
    assert msg.startswith(path + ": split.val:") and "t_in + t_out = 12" in msg and "6 ([12, 18))" in msg, msg
    msg, path = _error({**base, "files": ["../netcdf3/slice.nc"]}, folder)
    assert msg.startswith(path + ": files[0].path:") and "inside" in msg and "../netcdf3/slice.nc" in msg, msg
    msg, path = _error({**base, "files": ["/etc/passwd"]}, folder)
    assert msg.startswith(path + ": files[0].path:"), msg
    msg, path = _error({**base, "colour": 1}, folder)
    assert msg.startswith(path + ": colour:"), msg


def test_all_fill_variable_is_an_error(tmp_path, raw):
    fields = dict(raw)
    fields["tas"] = np.full_like(raw["tas"], FILL)
    path = make_copy(tmp_path, "netcdf4", fields)
    with pytest.raises(DatasetError) as e:
        load_fields(load_description(path))
    msg = str(e.value)
    assert msg.startswith(os.path.join(os.path.dirname(path), "slice.nc") + ": files[0].variables[1]"), msg
    assert "'tas'" in msg and "fill value" in msg and "\n" not in msg


def test_train_cli_prints_one_line_for_bad_data(copies, tmp_path, capsys):
    from dynapruner_trainer import train as T
    rc = T.main(["--data", copies["zarr"], "--variables", "fice", "--out", str(tmp_path / "x.onnx"), "--quiet"])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and len(err.splitlines()) == 1 and "fice" in err and "variables[0]" in err, err


def test_files_concatenate_along_time_and_blocks_read_the_same(tmp_path, raw, monkeypatch):
    """Two files matched by one glob are one time axis; reading 4 steps at a time changes nothing."""
    from dynapruner_trainer.dataset import loader
    from datasets_util import write_netcdf4
    whole, parts = tmp_path / "whole", tmp_path / "parts"
    whole.mkdir()
    parts.mkdir()
    write_netcdf4(str(whole), raw)
    for name, sl in (("a", slice(0, 10)), ("b", slice(10, STEPS))):
        (parts / name).mkdir()
        write_netcdf4(str(parts / name), {k: v[sl] for k, v in raw.items()})
        os.replace(parts / name / "slice.nc", parts / f"slice_{name}.nc")
    obj = {"t_in": 3, "t_out": 3, "split": [0.5, 0.25, 0.25]}
    ref = load_fields(describe({**obj, "files": ["slice.nc"]}, str(whole)))
    monkeypatch.setattr(loader, "READ_BLOCK", 4)
    got = load_fields(describe({**obj, "files": ["slice_*.nc"]}, str(parts)))
    assert got.description["files"][0]["path"] == ["slice_a.nc", "slice_b.nc"]
    assert np.array_equal(got.values, ref.values) and np.array_equal(got.valid, ref.valid) and got.mean == ref.mean
