"""Loader: fill values, normalisation from the training split, windows, hgt."""
import numpy as np
from scipy.io import netcdf_file

from dynapruner_trainer import data as D


def test_storm_fill_values_are_invalid_and_zero(storm):
    raw = netcdf_file(D.resolve_storm_files(None)[0], "r", mmap=False).variables["p"].data.copy()
    fill = raw == -9999.0
    assert fill.mean() > 0.1
    assert not storm.valid[:, 0][fill].any()
    assert (storm.values[:, 0][fill] == 0).all()
    assert np.abs(storm.values).max() < 20  # no raw -9999 survives as a number


def test_normalisation_from_train_split(storm):
    t0, t1 = D.STORM_SPLIT["train"]
    for c in range(6):
        v = storm.values[t0:t1, c][storm.valid[t0:t1, c]]
        assert abs(v.mean()) < 1e-4 and abs(v.std() - 1) < 1e-3


def test_windows_do_not_cross_split_boundaries(storm):
    for split, (a, b) in D.STORM_SPLIT.items():
        w = D.windows(storm, split)
        assert ((w["start"] >= a) & (w["start"] + 8 <= b)).all()
    assert D.windows(storm, "train")["inputs"].shape == (33, 4, 6, 33, 36)
    assert D.windows(storm, "test")["inputs"].shape == (9, 4, 6, 33, 36)


def test_hgt_loader_second_dataset():
    h = D.load_hgt()
    assert h.values.shape == (21, 1, 73, 144)
    assert h.valid.all() and np.isfinite(h.values).all()
    w = D.windows(h, "train", 2, 2)
    assert w["inputs"].shape == (10, 2, 1, 73, 144)
    # a model builds and runs on it (another grid, one channel)
    import torch
    from dynapruner_trainer.variants import DynaModel
    m = DynaModel("simvp", "dynapruner", t_in=2, t_out=2, channels=1, grid=(73, 144)).eval()
    out = m(torch.from_numpy(w["inputs"][:2]))
    assert out["prediction"].shape == (2, 2, 1, 73, 144)
