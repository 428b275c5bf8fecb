"""Pareto grid: the statistics on curves of known difference, the grid file's
errors, and a 2-seed, 2-point smoke run of scripts/pareto.sh (1 epoch) whose
outputs must exist with the documented structure and finite numbers."""
import csv
import json
import math
import os
import subprocess

import numpy as np
import pytest

from dynapruner_trainer import pareto
from dynapruner_trainer.errors import InputError
from dynapruner_trainer.pareto_stats import common_targets, interpolate, matched_difference, mean_ci

HERE = os.path.dirname(os.path.abspath(__file__))
TRAINER = os.path.dirname(HERE)


def _run(red, window_mse):
    return {"mac_reduction": red, "window_mse": list(window_mse)}


def test_matched_difference_recovers_a_constant_offset():
    rng = np.random.default_rng(1)
    by_seed, dense = {}, {}
    for s in range(3):
        base = 1.0 + 0.1 * rng.random(6)
        dense[s] = {"window_mse": list(base)}
        # mp_l1 at reductions 0.3..0.7, MSE rising linearly; dynapruner at other reductions, +0.05 everywhere
        mp = [_run(r, base * (1 + r)) for r in (0.3, 0.5, 0.7)]
        dp = [_run(r, base * (1 + r) + 0.05) for r in (0.35, 0.6, 0.8)]
        by_seed[s] = {"mp_l1": mp, "dynapruner": dp}
    m = matched_difference(by_seed, dense, "dynapruner", "mp_l1", reps=300)
    assert m["seeds"] == [0, 1, 2] and m["windows"] == 6
    assert [p["mac_reduction"] for p in m["points"]][0] == 0.35 and m["points"][-1]["mac_reduction"] == 0.7
    base_mean = np.mean([dense[s]["window_mse"] for s in range(3)])
    for p in m["points"]:
        assert p["diff_pct_of_dense"] == pytest.approx(100 * 0.05 / base_mean, rel=1e-6)
        assert p["ci95"][0] <= p["diff_pct_of_dense"] <= p["ci95"][1]


def test_interpolation_is_nan_outside_the_curve_and_targets_need_overlap():
    red = np.array([0.2, 0.6])
    out = interpolate(red, np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([0.1, 0.4, 0.7]))
    assert np.isnan(out[0]).all() and np.isnan(out[2]).all()
    assert out[1].tolist() == pytest.approx([2.0, 3.0])
    assert common_targets([(np.array([0.1, 0.3]), None), (np.array([0.4, 0.8]), None)]).size == 0


def test_mean_ci_is_a_t_interval():
    c = mean_ci([1.0, 2.0, 3.0])
    assert c["mean"] == 2.0 and c["hi"] - 2.0 == pytest.approx(4.302653 / math.sqrt(3), rel=1e-5)
    assert math.isnan(mean_ci([1.0])["lo"])


def test_points_pick_evenly_spaced_targets_with_the_ends():
    assert pareto.pick([0, 1, 2, 3, 4], 2) == [0, 4]
    assert pareto.pick([0, 1, 2, 3, 4], 3) == [0, 2, 4]
    assert pareto.pick([0, 1, 2, 3, 4], 9) == [0, 1, 2, 3, 4]


def test_bad_grid_is_one_line_naming_file_and_key(tmp_path):
    p = tmp_path / "grid.json"
    p.write_text(json.dumps({"mp_l1": {"s_w": [0.2]}, "dynapruner": {"pairs": [[0.1]]}}))
    with pytest.raises(InputError) as e:
        pareto.read_grid(str(p))
    assert str(e.value).startswith(f"{p}: dynapruner.pairs: expected a list of [s_d, s_w] pairs, found")
    assert "\n" not in str(e.value)


def _finite(x):
    return x is not None and math.isfinite(x)


def test_smoke_grid_writes_every_output(tmp_path):
    out = tmp_path / "pareto"
    cmd = ["bash", os.path.join(TRAINER, "scripts", "pareto.sh"), "--seeds", "2", "--points", "2",
           "--backbones", "simvp", "--epochs", "1", "--mask-pretrain", "1", "--bootstrap", "200", "--out", str(out)]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    for f in ("runs.json", "runs.csv", "windows.csv", "summary.json", "summary.md", "pareto.svg"):
        assert (out / f).stat().st_size > 0, f
    runs = json.loads((out / "runs.json").read_text())
    assert sorted((r["method"], r["point"], r["seed"]) for r in runs) == sorted(
        [("dense", -1, s) for s in (0, 1)] + [(m, i, s) for m in ("mp_l1", "dynapruner") for i in (0, 4) for s in (0, 1)])
    for r in runs:
        assert _finite(r["mse"]) and _finite(r["mac_reduction"]) and len(r["window_mse"]) == 9
        assert all(_finite(v) for v in r["window_mse"] + r["window_macs"])
        assert all(_finite(r["calm"][k]["mse"]) for k in ("windows_calm", "windows_busy", "pixels_calm", "pixels_busy"))
        if r["method"] == "dynapruner":
            assert _finite(r["roc_auc"])
        assert (out / "configs" / f"{r['name']}.json").exists()
    assert len(list(csv.DictReader(open(out / "windows.csv")))) == 9 * len(runs)
    summary = json.loads((out / "summary.json").read_text())
    assert {(r["method"], r["point"]) for r in summary["points"]} == {
        ("dense", -1), ("mp_l1", 0), ("mp_l1", 4), ("dynapruner", 0), ("dynapruner", 4)}
    for r in summary["points"]:
        assert r["seeds"] == [0, 1] and _finite(r["mse"]["lo"]) and _finite(r["mse"]["hi"])
    m = summary["matched"]["simvp"]
    if m is not None:  # 1-epoch curves may not overlap in MAC reduction
        assert all(_finite(q["diff_pct_of_dense"]) and q["ci95"][0] <= q["ci95"][1] for q in m["points"])
    svg = (out / "pareto.svg").read_text()
    assert svg.startswith("<svg") and svg.count("<polyline") >= 2


def test_matched_targets_stay_inside_curves_whose_ends_are_not_round():
    red = [np.array([0.2004, 0.6157]), np.array([0.1, 0.61574])]
    at = common_targets([(r, None) for r in red])
    assert at[0] >= 0.2004 and at[-1] <= 0.6157
    assert np.isfinite(interpolate(red[0], np.array([[1.0], [2.0]]), at)).all()


def _grid(tmp_path, **extra):
    g = {"data": ".", "backbones": ["simvp"], "seeds": 2, "epochs": {"dense": 3, "masked": 4},
         "mp_l1": {"s_w": [0.2, 0.5]}, "dynapruner": {"pairs": [[0.1, 0.2], [0.1, 0.5]]}, **extra}
    p = tmp_path / "grid.json"
    p.write_text(json.dumps(g))
    return pareto.read_grid(str(p))


def test_options_are_dyna_pruner_runs_with_their_config_sections(tmp_path):
    grid = _grid(tmp_path, schedule={"batch": 4},
                 options={"distill": {"loss": {"distill": 0.5}}, "long": {"schedule": {"epochs": 9}}})
    runs = pareto.plan(grid, ["simvp"], 1, 2, 4, 3, None, ["distill", "long"], [1])
    names = {r.name: r for r in runs}
    assert set(names) == {"simvp_dense_s0", "simvp_mp_l1_p0_s0", "simvp_mp_l1_p1_s0", "simvp_dynapruner_p0_s0",
                          "simvp_dynapruner_p1_s0", "simvp_dynapruner+distill_p1_s0", "simvp_dynapruner+long_p1_s0"}
    kd = pareto.run_config(names["simvp_dynapruner+distill_p1_s0"], "/d", "/o/runs")
    assert kd["variant"] == "dynapruner" and kd["loss"] == {"distill": 0.5}
    assert kd["schedule"] == {"batch": 4, "epochs": 4} and kd["targets"] == {"s_d": 0.1, "s_w": 0.5}
    assert pareto.run_config(names["simvp_dynapruner+long_p1_s0"], "/d", "/o/runs")["schedule"]["epochs"] == 9
    assert names["simvp_dynapruner+long_p1_s0"].epochs == 9
    assert pareto.run_config(names["simvp_dense_s0"], "/d", "/o/runs")["schedule"] == {"batch": 4, "epochs": 3}


def test_bad_options_are_one_line(tmp_path):
    with pytest.raises(InputError, match=r"options.kd: expected an object of config sections"):
        _grid(tmp_path, options={"kd": {"loss": 0.5}})
    grid = _grid(tmp_path, options={"distill": {"loss": {"distill": 0.5}}})
    a = pareto.build_parser().parse_args(["--out", "x", "--options", "distil"])
    with pytest.raises(InputError, match="--options: distil: expected one of the grid's options"):
        pareto.parse_options(a, grid)
    a = pareto.build_parser().parse_args(["--out", "x", "--options", "distill", "--option-points", "0,7"])
    with pytest.raises(InputError, match="--option-points: expected indices in 0..1, found 0,7"):
        pareto.parse_options(a, grid)


def test_options_are_compared_with_plain_dyna_pruner_and_static_l1():
    from dynapruner_trainer.pareto_markdown import options_table, same_point_table
    from dynapruner_trainer.pareto_report import matched_options
    base = [1.0, 2.0]
    recs = [{"backbone": "simvp", "method": "dense", "seed": s, "window_mse": base} for s in (0, 1)]
    for s in (0, 1):
        for red in (0.3, 0.6):
            recs.append({"backbone": "simvp", "method": "mp_l1", "seed": s, "mac_reduction": red, "point": int(10 * red),
                         "window_mse": [v * (1 + red) for v in base]})
            recs.append({"backbone": "simvp", "method": "dynapruner", "seed": s, "mac_reduction": red, "point": int(10 * red),
                         "window_mse": [v * (1 + red) + 0.3 for v in base]})
            recs.append({"backbone": "simvp", "method": "dynapruner+distill", "seed": s, "mac_reduction": red, "point": int(10 * red),
                         "window_mse": [v * (1 + red) + 0.15 for v in base]})
    out = matched_options(recs, 100)
    assert [(e["method"], e["against"]) for e in out] == [("dynapruner+distill", "dynapruner"),
                                                          ("dynapruner+distill", "mp_l1")]
    vs_dp, vs_l1 = (e["result"]["points"] for e in out)
    assert all(p["diff_pct_of_dense"] == pytest.approx(-10.0) for p in vs_dp)   # -0.15 of a dense mean 1.5
    assert all(p["diff_pct_of_dense"] == pytest.approx(10.0) for p in vs_l1)
    assert any("dynapruner+distill | dynapruner | 30.0 | -10.0" in line for line in options_table(out))
    same = out[0]["same_point"]
    assert [p["point"] for p in same] == [3, 6] and all(p["diff_pct_of_dense"] == pytest.approx(-10.0) for p in same)
    assert same[0]["dynapruner+distill_mac_reduction"] == pytest.approx(0.3)
    assert any("| 3 | 2 | 30.0 / 30.0 | -10.0" in line for line in same_point_table(out))
