"""Extending a Pareto grid from its committed results (`pareto.py --prior`): the
committed TAU grid rebuilt from its files alone reproduces its summary, measured
runs are not retrained (except the dense runs new runs start from), and the
comparisons of one-point options and of option combinations."""
import json
import math
import os

import pytest

from dynapruner_trainer import pareto
from dynapruner_trainer.pareto_prior import read_prior
from dynapruner_trainer.pareto_report import baselines
from dynapruner_trainer.pareto_stats import point_vs_curve

HERE = os.path.dirname(os.path.abspath(__file__))
TRAINER = os.path.dirname(HERE)
TAU = os.path.join(TRAINER, "results", "pareto", "storm_tau")


def _same(a, b, path="", rel=0.0):
    """Every number of `a` equal in `b` (within `rel` under a calm window cell)."""
    if isinstance(a, dict):
        for k in a:
            _same(a[k], b[k], f"{path}.{k}", rel or (1e-5 if k.startswith("windows_") else 0.0))
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            _same(x, y, f"{path}[{i}]", rel)
    elif isinstance(a, float) and math.isnan(a):
        assert math.isnan(b), path
    elif isinstance(a, float):
        assert b == pytest.approx(a, rel=rel, abs=1e-9 if rel else 0), path
    else:
        assert a == b, path


def test_the_committed_tau_grid_rebuilt_from_its_files_reproduces_its_summary(tmp_path):
    out = tmp_path / "new-folder"
    rc = pareto.main(["--backbones", "tau", "--seeds", "3", "--points", "3", "--epochs", "30", "--dense-epochs", "20",
                      "--no-train", "--prior", TAU, "--out", str(out)])
    assert rc == 0
    old = json.load(open(os.path.join(TAU, "summary.json")))
    new = json.load(open(out / "summary.json"))
    # window halves of the calm split are rebuilt from per-window numbers (float64 sums: within 1e-5)
    _same(old["points"], new["points"])
    _same(old["matched"], new["matched"])
    assert new["prior"] == {"folder": TAU, "runs": 21} and new["runs"] == old["runs"] == 21
    for f in ("runs.csv", "windows.csv", "summary.md", "pareto.svg"):
        assert (out / f).read_text() == open(os.path.join(TAU, f)).read(), f
    recs = json.load(open(out / "runs.json"))
    assert {r["source"] for r in recs} == {"prior"} and all(r["calm"]["pixels_calm"]["mse"] is None for r in recs)


def test_measured_runs_are_not_retrained_except_the_dense_runs_new_runs_start_from():
    grid = pareto.read_grid(os.path.join(TRAINER, "configs", "pareto", "storm.json"))
    runs = pareto.plan(grid, ["simvp"], 3, 4, 30, 20, None, ["distill+long"], [3])
    new = {f"simvp_dynapruner+distill+long_p3_s{s}" for s in (1, 2)}
    measured = {r.name for r in runs} - new
    todo = pareto.to_train(runs, measured)
    assert {r.name for r in todo} == new | {"simvp_dense_s1", "simvp_dense_s2"}
    assert [r.method for r in todo][:2] == ["dense", "dense"]     # in plan order: dense runs first
    assert pareto.to_train(runs, set()) == runs
    # the committed SimVP grid holds every run it was extended with
    names = set(read_prior(os.path.join(TRAINER, "results", "pareto", "storm_simvp"))["records"])
    assert {"simvp_dense_s0", "simvp_dynapruner+distill+long_p3_s0", "simvp_dynapruner+long_p3_s1"} <= names


def test_a_bad_prior_folder_is_one_line(tmp_path, capsys):
    (tmp_path / "runs.csv").write_text("name,backbone,method,point,seed,s_d,s_w,epochs,mse\n")
    rc = pareto.main(["--no-train", "--prior", str(tmp_path), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1 and str(tmp_path / "windows.csv") in err, err


def _recs(offset_at):
    """Two seeds: mp_l1 curve MSE = base * (1 + r); one option point per seed at `offset_at` (+0.3)."""
    base = [1.0, 2.0]
    by_seed, dense = {}, {}
    for s, red in enumerate(offset_at):
        dense[s] = {"window_mse": base}
        by_seed[s] = {"mp_l1": [{"point": i, "mac_reduction": r, "window_mse": [v * (1 + r) for v in base]}
                                for i, r in enumerate((0.2, 0.5, 0.8))],
                      "dynapruner+long": [{"point": 3, "mac_reduction": red,
                                           "window_mse": [v * (1 + red) + 0.3 for v in base]}]}
    return by_seed, dense


def test_a_one_point_option_is_compared_with_the_curve_at_its_own_mac_reduction():
    rows = point_vs_curve(*_recs([0.6, 0.7]), "dynapruner+long", "mp_l1", reps=100)
    assert len(rows) == 1 and rows[0]["seeds"] == [0, 1] and rows[0]["mac_reductions"] == [0.6, 0.7]
    assert rows[0]["diff_pct_of_dense"] == pytest.approx(20.0)       # +0.3 of a dense mean 1.5
    # resampled windows: 0.3 of a dense MSE between 1 and 2, so the interval lies within 15-30%
    assert 15.0 - 1e-9 <= rows[0]["ci95"][0] <= 20.0 <= rows[0]["ci95"][1] <= 30.0 + 1e-9
    assert rows[0]["mp_l1_vs_dense_pct"] == pytest.approx(65.0)
    # a seed whose point lies outside the curve is left out
    assert point_vs_curve(*_recs([0.6, 0.9]), "dynapruner+long", "mp_l1", reps=10)[0]["seeds"] == [0]
    assert point_vs_curve(*_recs([0.1, 0.9]), "dynapruner+long", "mp_l1", reps=10) == []


def test_a_combination_is_also_compared_with_each_of_its_parts():
    methods = {"dense", "mp_l1", "dynapruner", "dynapruner+distill", "dynapruner+long", "dynapruner+distill+long"}
    assert baselines("dynapruner+distill+long", methods) == ["dynapruner", "mp_l1", "dynapruner+distill",
                                                             "dynapruner+long"]
    assert baselines("dynapruner+distill", methods) == ["dynapruner", "mp_l1"]
    assert baselines("dynapruner+distill+anneal", methods) == ["dynapruner", "mp_l1", "dynapruner+distill"]


def test_no_train_into_a_folder_that_does_not_exist_writes_the_outputs(tmp_path):
    out = tmp_path / "not-yet"     # before the fix: FileNotFoundError on runs.json.tmp<pid>
    assert pareto.main(["--backbones", "tau", "--seeds", "1", "--points", "1", "--no-train", "--out", str(out)]) == 0
    assert json.loads((out / "summary.json").read_text())["runs"] == 0
