"""Pareto grid: dense, static L1 (mp_l1) and Dyna-Pruner over sparsity targets
and seeds; every run is an experiment config trained by `train --config`, then
evaluated per test window (pareto_eval), summarised with confidence intervals
and matched-MAC differences (pareto_stats) and plotted (pareto_svg).

    python -m dynapruner_trainer.pareto --grid configs/pareto/storm.json \
        --seeds 3 --points 3 --backbones simvp --epochs 30 --dense-epochs 20 --out /tmp/pareto

Runs whose `<run>.onnx.pt` exists are reused (re-running resumes the grid);
`--no-train` only evaluates and summarises what exists. `--prior DIR` (an
earlier grid's results folder, e.g. results/pareto/storm_simvp) extends that
grid: the runs it holds keep its records and are not retrained, except the
dense runs that new runs start from (pareto_prior). The grid's optional
`schedule` (config keys) applies to every run; its optional `options` name
Dyna-Pruner variants (config sections, e.g. {"distill": {"loss": {"distill": 0.5}}})
run with `--options distill` as method `dynapruner+distill`.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import List, Optional

from .errors import InputError
from .pareto_prior import read_prior

HERE = os.path.dirname(os.path.abspath(__file__))
TRAINER = os.path.dirname(HERE)
METHODS = ("mp_l1", "dynapruner")


@dataclass
class Run:
    """One training of the grid."""
    backbone: str
    method: str          # dense | mp_l1 | dynapruner
    seed: int
    point: int = -1      # index into the grid's targets; -1 for dense
    s_d: Optional[float] = None
    s_w: Optional[float] = None
    epochs: int = 0
    extra: dict = field(default_factory=dict)      # config sections, e.g. {"schedule": {...}, "loss": {...}}
    option: str = ""     # name of a grid option (a Dyna-Pruner variant); "" for none

    @property
    def label(self) -> str:
        """The method as reported: `dynapruner+<option>` for an option's runs."""
        return f"{self.method}+{self.option}" if self.option else self.method

    @property
    def name(self) -> str:
        if self.method == "dense":
            return f"{self.backbone}_dense_s{self.seed}"
        return f"{self.backbone}_{self.label}_p{self.point}_s{self.seed}"

    @property
    def dense_name(self) -> str:
        return f"{self.backbone}_dense_s{self.seed}"


def read_grid(path: str) -> dict:
    """The grid file, checked: one-line InputError naming the file and key."""
    try:
        with open(path) as f:
            g = json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        raise InputError(path, "(file)", "a readable JSON grid", str(e)) from None
    pairs = g.get("dynapruner", {}).get("pairs")
    s_ws = g.get("mp_l1", {}).get("s_w")
    if not isinstance(s_ws, list) or not s_ws:
        raise InputError(path, "mp_l1.s_w", "a non-empty list of model-sparsity targets", repr(s_ws))
    if not isinstance(pairs, list) or not all(isinstance(p, list) and len(p) == 2 for p in pairs):
        raise InputError(path, "dynapruner.pairs", "a list of [s_d, s_w] pairs", repr(pairs))
    if not isinstance(g.get("schedule", {}), dict):
        raise InputError(path, "schedule", "an object of schedule config keys", repr(g["schedule"]))
    for name, sections in g.get("options", {}).items():
        if not isinstance(sections, dict) or not all(isinstance(v, dict) for v in sections.values()):
            raise InputError(path, f"options.{name}", "an object of config sections such as {\"loss\": {...}}",
                             repr(sections))
    g["data"] = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(path)), g.get("data", "")))
    return g


def pick(values: list, k: int) -> List[int]:
    """Indices of k of `values`, evenly spaced, ends included."""
    n = len(values)
    if k >= n:
        return list(range(n))
    if k == 1:
        return [n // 2]
    return sorted({round(i * (n - 1) / (k - 1)) for i in range(k)})


def option_runs(grid: dict, bb: str, seed: int, options: List[str], indices: List[int], epochs: int,
                extra: dict) -> List[Run]:
    """Dyna-Pruner runs of the named grid options at the pairs `indices`."""
    out = []
    for name in options:
        sections = grid["options"][name]
        sched = {**extra.get("schedule", {}), **sections.get("schedule", {})}
        for i in indices:
            sd, sw = grid["dynapruner"]["pairs"][i]
            out.append(Run(bb, "dynapruner", seed, i, sd, sw, sched.get("epochs", epochs),
                           {**sections, "schedule": sched}, name))
    return out


def plan(grid: dict, backbones: List[str], seeds: int, points: int, epochs: int, dense_epochs: int,
         mask_pretrain: Optional[int], options: Optional[List[str]] = None,
         option_points: Optional[List[int]] = None) -> List[Run]:
    """Every run of the grid, dense runs first; `options` at `option_points` (default: the Dyna-Pruner points)."""
    base = dict(grid.get("schedule", {}))
    extra = {"schedule": dict(base, **({} if mask_pretrain is None else {"mask_pretrain": mask_pretrain}))}
    dense = [Run(bb, "dense", s, epochs=dense_epochs, extra={"schedule": dict(base)})
             for bb in backbones for s in range(seeds)]
    masked = []
    dp_points = pick(grid["dynapruner"]["pairs"], points)
    for bb in backbones:
        for s in range(seeds):
            for i in pick(grid["mp_l1"]["s_w"], points):
                masked.append(Run(bb, "mp_l1", s, i, None, grid["mp_l1"]["s_w"][i], epochs, {"schedule": dict(base)}))
            for i in dp_points:
                sd, sw = grid["dynapruner"]["pairs"][i]
                masked.append(Run(bb, "dynapruner", s, i, sd, sw, epochs, dict(extra)))
            masked += option_runs(grid, bb, s, options or [], option_points or dp_points, epochs, extra)
    return dense + masked


def run_config(run: Run, data: str, runs_dir: str) -> dict:
    """The experiment config (train --config) of one run."""
    cfg = {"name": run.name, "backbone": run.backbone, "variant": run.method, "seed": run.seed,
           "data": data, "out": os.path.join(runs_dir, run.name + ".onnx")}
    cfg.update({k: dict(v) for k, v in run.extra.items() if k != "schedule"})
    cfg["schedule"] = {**run.extra.get("schedule", {}), "epochs": run.epochs}
    targets = {k: v for k, v in (("s_d", run.s_d), ("s_w", run.s_w)) if v is not None}
    if targets:
        cfg["targets"] = targets
    if run.method != "dense":
        cfg["init_from"] = "{out_dir}/" + run.dense_name + ".onnx.pt"
    return cfg


def write_json(path: str, obj) -> None:
    """Atomic JSON write (temporary file in the same folder, then rename)."""
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w") as f:
        json.dump(obj, f, indent=1)
    os.replace(tmp, path)


def train_one(run: Run, data: str, out: str, threads: int) -> str:
    """Train one run (niced) unless its checkpoint exists; returns its name."""
    runs_dir = os.path.join(out, "runs")
    pt = os.path.join(runs_dir, run.name + ".onnx.pt")
    if os.path.exists(pt):
        return run.name
    cfg_path = os.path.join(out, "configs", run.name + ".json")
    write_json(cfg_path, run_config(run, data, runs_dir))
    cmd = ["nice", "-n", "19", sys.executable, "-m", "dynapruner_trainer.train", "--config", cfg_path,
           "--threads", str(threads), "--no-export", "--quiet"]
    env = dict(os.environ, PYTHONPATH=TRAINER, OMP_NUM_THREADS=str(threads))
    with open(os.path.join(runs_dir, run.name + ".log"), "w") as log:
        rc = subprocess.run(cmd, cwd=TRAINER, env=env, stdout=log, stderr=subprocess.STDOUT).returncode
    if rc != 0:
        raise RuntimeError(f"training {run.name} failed (exit {rc}); see {runs_dir}/{run.name}.log")
    return run.name


def train_all(runs: List[Run], data: str, out: str, jobs: int, threads: int) -> None:
    """Dense runs first (the masked runs warm-start from them), `jobs` at a time."""
    for d in ("runs", "configs"):
        os.makedirs(os.path.join(out, d), exist_ok=True)
    for wave in ([r for r in runs if r.method == "dense"], [r for r in runs if r.method != "dense"]):
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            for name in pool.map(lambda r: train_one(r, data, out, threads), wave):
                print(f"trained {name}", flush=True)


def to_train(runs: List[Run], measured: set) -> List[Run]:
    """The runs not measured earlier, and the dense runs those start from."""
    needed = {r.dense_name for r in runs if r.name not in measured and r.method != "dense"}
    return [r for r in runs if r.name not in measured or r.name in needed]


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--grid", default=os.path.join(TRAINER, "configs", "pareto", "storm.json"))
    ap.add_argument("--seeds", type=int, default=None, help="default: the grid's")
    ap.add_argument("--points", type=int, default=5, help="targets per method (of the grid's, evenly spaced)")
    ap.add_argument("--backbones", default=None, help="comma-separated; default: the grid's")
    ap.add_argument("--epochs", type=int, default=None, help="masked runs' epochs; default: the grid's")
    ap.add_argument("--dense-epochs", type=int, default=None, help="dense runs' epochs; default: --epochs or the grid's")
    ap.add_argument("--mask-pretrain", type=int, default=None, help="g_mask warm-start epochs; default: the trainer's")
    ap.add_argument("--data", default=None, help="default: the grid's")
    ap.add_argument("--options", default=None, help="comma-separated names of the grid's `options` to run")
    ap.add_argument("--option-points", default=None,
                    help="comma-separated indices into the grid's pairs for the options; default: the Dyna-Pruner points")
    ap.add_argument("--jobs", type=int, default=2, help="trainings at a time")
    ap.add_argument("--threads", type=int, default=1, help="threads per training")
    ap.add_argument("--bootstrap", type=int, default=2000, help="bootstrap resamples of the matched-MAC differences")
    ap.add_argument("--no-train", action="store_true", help="only evaluate and summarise the runs that exist")
    ap.add_argument("--prior", default=None,
                    help="an earlier grid's results folder (runs.json or runs.csv + windows.csv): its runs are kept")
    ap.add_argument("--out", required=True)
    return ap


def check_args(a) -> None:
    for flag, v in (("--seeds", a.seeds), ("--points", a.points), ("--epochs", a.epochs),
                    ("--dense-epochs", a.dense_epochs), ("--jobs", a.jobs), ("--threads", a.threads)):
        if v is not None and v < 1:
            raise InputError(flag, "", "a positive integer", str(v))


def parse_options(a, grid: dict):
    """--options / --option-points, checked against the grid."""
    options = a.options.split(",") if a.options else []
    for name in options:
        if name not in grid.get("options", {}):
            raise InputError("--options", name, f"one of the grid's options {sorted(grid.get('options', {}))}",
                             repr(name))
    if a.option_points is None:
        return options, None
    try:
        idx = [int(v) for v in a.option_points.split(",")]
    except ValueError:
        raise InputError("--option-points", "", "comma-separated integers", a.option_points) from None
    n = len(grid["dynapruner"]["pairs"])
    if not all(0 <= i < n for i in idx):
        raise InputError("--option-points", "", f"indices in 0..{n - 1}", a.option_points)
    return options, idx


def main(argv=None) -> int:
    a = build_parser().parse_args(argv)
    try:
        check_args(a)
        grid = read_grid(a.grid)
        backbones = a.backbones.split(",") if a.backbones else grid["backbones"]
        epochs = a.epochs or grid["epochs"]["masked"]
        dense_epochs = a.dense_epochs or a.epochs or grid["epochs"]["dense"]
        options, option_points = parse_options(a, grid)
        runs = plan(grid, backbones, a.seeds or grid["seeds"], a.points, epochs, dense_epochs, a.mask_pretrain,
                    options, option_points)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    data = os.path.abspath(a.data) if a.data else grid["data"]
    out = os.path.abspath(a.out)
    try:
        prior = read_prior(a.prior) if a.prior else None
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if not a.no_train:
        train_all(to_train(runs, set(prior["records"]) if prior else set()), data, out, a.jobs, a.threads)
    from .pareto_report import report
    report(runs, data, out, a.bootstrap, prior)
    return 0


if __name__ == "__main__":
    sys.exit(main())
