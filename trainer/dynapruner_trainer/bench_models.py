"""Paper-scale benchmark checkpoints: the trainer's paper-scale SimVP widths trained
briefly on the storm data, rebuilt at a larger grid, exported as contracts.

    python -m dynapruner_trainer.bench_models --out .cache/bench-models

These are BENCH models, not forecasters: a few epochs from random weights on the
native 33 x 36 storm grid (training at the bench grid costs 4-14x more and does not
fit a short run on shared CPUs), then the same weights rebuilt at the bench grid
(SimVP is fully convolutional; gate heads pool spatially) and evaluated on the
storm fields bilinearly resampled to it. What they are for is realistic mask
statistics: S comes from g_mask with the trainer's warm start on busy pixels, the
gates from gate heads trained against the budget, so the sparse executor and the
latency bench see masks shaped like a trained model's at the paper's widths.

Per model: `<name>.onnx` (+ `.onnx.pt`), `<name>.inputs.npy` (test windows
[N, T, C, H, W]), `<name>.summary.json`; `README.txt` for the folder; `train/`
holds the 33 x 36 training run. A model whose `.onnx` and summary exist is reused."""
from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

import numpy as np
import onnx
import torch

from .bench_regrid import regrid_storm
from .dataset.storm import default_data_dir
from .errors import InputError

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
PAPER_CONFIGS = os.path.normpath(os.path.join(HERE, "..", "configs", "paper"))
LABEL = ("benchmark model, NOT an accurate forecaster: paper-scale SimVP widths trained for a few epochs "
         "from random weights on the native 33x36 NCL storm grid, then (fully convolutional, gate heads pool "
         "spatially) exported and evaluated at {grid} on the storm fields bilinearly resampled to it")
MASKS_HOW = ("S from the g_mask of the trained small checkpoint demo/checkpoints/simvp_dynapruner.onnx (same "
             "architecture) applied to the resampled input; gate heads from the short training run, each unit's "
             "threshold tau calibrated so that its keep rate on 16 storm training windows equals the trained small "
             "checkpoint's unit at the same relative depth (gate_keep_targets). The short run's own masks "
             "collapsed (an untrained backbone makes switching everything off optimal)")
#: trained g_mask (same architecture at every width) whose S the bench models use
SMALL_CHECKPOINT = os.path.normpath(os.path.join(HERE, "..", "..", "demo", "checkpoints", "simvp_dynapruner.onnx.pt"))
#: short schedule: learning rate (the dense from-scratch rate) and tau's multiplier (large, so
#: the thresholds reach the budget within a few dozen steps instead of a few hundred)
BENCH_LR = 2e-3
BENCH_TAU_LR_MULT = 20.0


@dataclass
class BenchSpec:
    """One bench model: name, export grid, the paper config whose widths and targets it uses, schedule."""
    name: str
    grid: Sequence[int]
    config: str
    epochs: int
    batch: int
    mask_pretrain: int
    max_steps: Optional[int] = None
    mask_pool: int = 1
    widths: Dict[str, int] = field(default_factory=dict)
    seed: int = 0


#: the two bench shapes: SEVIR's SimVP widths (64 / 512, stride 4) at 128 x 128,
#: WeatherBench 5.625 deg's (32 / 256, stride 2) at its own 32 x 64
DEFAULT_SPECS = [
    BenchSpec("simvp_paper_128x128", (128, 128), "sevir_simvp_dynapruner.json", epochs=6, batch=4, mask_pretrain=10),
    BenchSpec("simvp_paper_32x64", (32, 64), "weatherbench_simvp_dynapruner.json", epochs=6, batch=4,
              mask_pretrain=10),
]


def atomic_bytes(path: str, data: bytes) -> None:
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def spec_widths(spec: BenchSpec) -> Dict[str, int]:
    with open(os.path.join(PAPER_CONFIGS, spec.config)) as f:
        return {**json.load(f).get("widths", {}), **spec.widths}


def random_init(spec: BenchSpec, path: str) -> str:
    """Seeded random weights as an `--init-from` state, so that `train` applies its
    L1-ranked gate-bias warm start (--gate-init l1) to a model trained from scratch."""
    from .variants import DynaModel
    if not os.path.exists(path):
        torch.manual_seed(spec.seed)
        model = DynaModel("simvp", "dynapruner", widths=spec_widths(spec), mask_pool=spec.mask_pool)
        tmp = f"{path}.tmp{os.getpid()}"
        torch.save({"state": model.state_dict()}, tmp)
        os.replace(tmp, path)
    return path


def train_argv(spec: BenchSpec, init: str, out: str, threads: int) -> List[str]:
    """The `train` command line of one bench model (the paper config on the storm data, overridden)."""
    argv = ["--config", os.path.join(PAPER_CONFIGS, spec.config), "--data", default_data_dir(), "--out", out,
            "--init-from", init, "--device", "cpu", "--threads", str(threads), "--epochs", str(spec.epochs),
            "--batch", str(spec.batch), "--mask-pretrain", str(spec.mask_pretrain), "--lr", str(BENCH_LR),
            "--tau-lr-mult", str(BENCH_TAU_LR_MULT), "--mask-pool", str(spec.mask_pool), "--seed", str(spec.seed),
            "--no-export"]
    if spec.widths:
        argv += ["--widths"] + [f"{k}={v}" for k, v in spec.widths.items()]
    if spec.max_steps is not None:
        argv += ["--max-steps", str(spec.max_steps)]
    return argv


@torch.no_grad()
def mask_statistics(model, x: np.ndarray) -> dict:
    """Per-unit gate keep rates and the data-mask keep rate on inputs `x`."""
    model.eval()
    o = model(torch.from_numpy(x))
    units = {u.name: float(o["gate_masks"][u.uid].mean()) for u in model.dynamic_units}
    return {"data_mask_keep": float(o["data_mask"].mean()), "gate_keep": units}


def label_checkpoint(path: str, label: str, how: dict) -> None:
    """Add the `bench` block (what the model is, how its masks were obtained) to the contract."""
    m = onnx.load(path)
    for p in m.metadata_props:
        if p.key == "dynapruner":
            meta = json.loads(p.value)
            meta["bench"] = {"purpose": label, **how}
            p.value = json.dumps(meta)
    atomic_bytes(path, m.SerializeToString())


def transplant_mask_generator(state: dict, source_pt: str) -> dict:
    """`state` with its g_mask weights replaced by those of the checkpoint `source_pt`."""
    src = torch.load(source_pt, map_location="cpu")["state"]
    keys = [k for k in state if k.startswith("mask_gen.")]
    if not keys or any(k not in src or src[k].shape != state[k].shape for k in keys):
        raise ValueError(f"{source_pt}: its mask generator does not match the bench model's ({keys[:3]})")
    return {**state, **{k: src[k].clone() for k in keys}}


def mapped_unit(name: str, n_trans: int, small_trans: int) -> str:
    """The small checkpoint's unit at the same relative depth (trans.i of n -> trans.j of m)."""
    if not name.startswith("trans."):
        return name
    i = int(name.split(".")[1])
    return f"trans.{round(i * (small_trans - 1) / max(1, n_trans - 1))}"


@torch.no_grad()
def small_keep_rates(source_pt: str, x: torch.Tensor) -> Dict[str, float]:
    """Per-unit gate keep rate of the trained small checkpoint on inputs `x`."""
    from .evaluate import load_checkpoint
    small, _ = load_checkpoint(source_pt)
    o = small(x)
    return {u.name: float(o["gate_masks"][u.uid].mean()) for u in small.dynamic_units}


@torch.no_grad()
def calibrate_thresholds(model, x: torch.Tensor, keep: Dict[str, float]) -> Dict[str, float]:
    """Set each unit's tau, in unit order (a gate depends on the earlier ones), to the quantile
    of its gate scores on `x` that keeps the fraction `keep[mapped unit]`; returns the targets."""
    from .train import TAU_RANGE
    model.eval()
    n_trans = sum(u.name.startswith("trans.") for u in model.dynamic_units)
    small_trans = sum(k.startswith("trans.") for k in keep)
    targets = {}
    for u in model.dynamic_units:
        targets[u.name] = keep[mapped_unit(u.name, n_trans, small_trans)]
        scores = model(x)["gate_scores"][u.uid].flatten()
        u.tau.fill_(float(torch.quantile(scores, 1.0 - targets[u.name]).clamp(*TAU_RANGE)))
    return targets


def realistic_masks(trained_pt: str, mask_source: str, n_windows: int = 16):
    """The short run's model with the small checkpoint's g_mask and thresholds calibrated to its
    keep rates on the first `n_windows` storm training windows; returns (state, blob, targets)."""
    from . import data
    from .evaluate import load_checkpoint
    model, blob = load_checkpoint(trained_pt)
    model.load_state_dict(transplant_mask_generator(blob["state"], mask_source))
    x = torch.from_numpy(data.windows(data.load_storm(), "train")["inputs"][:n_windows])
    targets = calibrate_thresholds(model, x, small_keep_rates(mask_source, x))
    return model.state_dict(), blob, targets


def to_grid(state: dict, blob: dict, grid: Sequence[int], data_json: str, out: str):
    """A model of `blob`'s config rebuilt at `grid` with `state`, evaluated on the resampled
    test windows, saved as `<out>.pt` + the contract `<out>`; returns (model, fields, report)."""
    from types import SimpleNamespace
    from . import data
    from .dataset.cli import describe
    from .evaluate import evaluate_model
    from .train import save_outputs
    from .variants import DynaModel
    cfg = blob["cfg"]
    model = DynaModel(cfg["backbone"], cfg["variant"], cfg["t_in"], cfg["t_out"], cfg["channels"], tuple(grid),
                      cfg["theta_d"], cfg["widths"], mask_pool=cfg.get("mask_pool", 1))
    model.load_state_dict(state)
    model.eval()
    fields = data.load_fields(describe([data_json]))
    report = evaluate_model(model, data.windows(fields, "test"))
    preds = report.pop("_predictions")
    training = {**blob["training"], "trained_at_grid": list(cfg["grid"]), "test_mse": report["mse"],
                "test_mae": report["mae"], "persistence_test_mse": report["persistence_mse"],
                "test_effective_macs_mean": report["macs"]["effective"]["mean"],
                "test_dense_macs": report["macs"]["dense"],
                "importance_roc_auc": report.get("importance", {}).get("roc_auc")}
    args = SimpleNamespace(out=out, s_d=blob["targets"]["s_d"], s_w=blob["targets"]["s_w"], no_export=False,
                           io_prefix=None)
    save_outputs(args, model, fields, training, None, preds)
    return model, fields, report


def summarize(spec: BenchSpec, model, fields, report: dict, out: str, n_inputs: int) -> dict:
    """Dense / effective MACs, keep rates; writes `<name>.inputs.npy` from the test windows."""
    from . import data
    x = data.windows(fields, "test")["inputs"][:n_inputs].astype(np.float32)
    inputs = os.path.join(os.path.dirname(out), spec.name + ".inputs.npy")
    tmp = inputs + f".tmp{os.getpid()}.npy"
    np.save(tmp, x)
    os.replace(tmp, inputs)
    dense = report["macs"]["dense"]
    eff = report["macs"]["effective"]["mean"]
    return {"name": spec.name, "grid": list(spec.grid), "config": spec.config, "widths": model.cfg["widths"],
            "mask_pool": model.cfg.get("mask_pool", 1), "epochs": spec.epochs, "trained_at_grid": [33, 36],
            "dense_gmacs": dense / 1e9, "effective_gmacs": eff / 1e9, "effective_mac_ratio": eff / dense,
            "mask_generator_gmacs": report["macs"]["overhead"]["mask_generator"] / 1e9,
            "test_mse": report["mse"], "persistence_test_mse": report["persistence_mse"],
            "importance_roc_auc": report.get("importance", {}).get("roc_auc"),
            "inputs": os.path.basename(inputs), "inputs_shape": list(x.shape), **mask_statistics(model, x)}


def build_one(spec: BenchSpec, out_dir: str, threads: int, n_inputs: int, quiet: bool = False,
              mask_source: str = SMALL_CHECKPOINT) -> dict:
    """Train (at 33x36) + rebuild at the bench grid + export + label one bench model
    unless its `.onnx` and summary exist; returns its summary."""
    from . import train
    out = os.path.join(out_dir, spec.name + ".onnx")
    summary_path = os.path.join(out_dir, spec.name + ".summary.json")
    if os.path.exists(out) and os.path.exists(summary_path):
        print(f"{spec.name}: reusing {out}", flush=True)
        with open(summary_path) as f:
            return json.load(f)
    work = os.path.join(out_dir, "train")
    os.makedirs(work, exist_ok=True)
    trained = os.path.join(work, spec.name + ".33x36.onnx")
    if not os.path.exists(trained + ".pt"):
        print(f"{spec.name}: training {spec.epochs} epochs at 33x36 ({spec.config} widths)", flush=True)
        init = random_init(spec, os.path.join(work, spec.name + ".init.pt"))
        train.train(train.parse(train_argv(spec, init, trained, threads) + (["--quiet"] if quiet else [])))
    data_json = regrid_storm(os.path.join(out_dir, f"storm_{spec.grid[0]}x{spec.grid[1]}"), tuple(spec.grid))
    print(f"{spec.name}: exporting at {spec.grid[0]}x{spec.grid[1]}", flush=True)
    state, blob, keep = realistic_masks(trained + ".pt", mask_source)
    model, fields, report = to_grid(state, blob, spec.grid, data_json, out)
    label = LABEL.format(grid=f"{spec.grid[0]}x{spec.grid[1]}")
    label_checkpoint(out, label, {"masks": MASKS_HOW, "gate_keep_targets": keep,
                                  "epochs": spec.epochs, "trained_at_grid": [33, 36],
                                  "mask_pretrain_epochs": spec.mask_pretrain, "paper_config": spec.config,
                                  "lr": BENCH_LR, "tau_lr_mult": BENCH_TAU_LR_MULT,
                                  "data": "ncl-storm-1996 (training); resampled bilinearly to the grid (export)"})
    summary = summarize(spec, model, fields, report, out, n_inputs)
    atomic_bytes(summary_path, json.dumps(summary, indent=1).encode())
    return summary


def pooled_variant(src: str, pool: int, out: str) -> str:
    """`src`'s weights with g_mask run at 1/pool resolution (no retraining: its conv
    weights have the same shapes), exported as a labelled contract at `out`."""
    from . import data
    from .dataset.cli import recorded_description
    from .evaluate import load_checkpoint
    from .export import export_checkpoint
    from .variants import DynaModel
    model, blob = load_checkpoint(src)
    cfg = model.cfg
    pooled = DynaModel(cfg["backbone"], cfg["variant"], cfg["t_in"], cfg["t_out"], cfg["channels"],
                       tuple(cfg["grid"]), cfg["theta_d"], cfg["widths"], mask_pool=pool)
    pooled.load_state_dict(blob["state"])
    fields = data.load_fields(recorded_description(blob, src))
    training = {**blob["training"], "mask_pool": pool}
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    export_checkpoint(pooled, out, fields, training, blob["targets"])
    label_checkpoint(out, LABEL.format(grid=f"{cfg['grid'][0]}x{cfg['grid'][1]}"),
                     {"masks": f"weights of {os.path.basename(src)}; g_mask run on the input average-pooled by "
                               f"{pool} without retraining (latency comparison only)"})
    return out


def readme_text(summaries: List[dict]) -> str:
    lines = ["Dyna-Pruner Studio bench models (written by trainer/scripts/bench_models.sh).",
             "", "These are BENCHMARK models, not accurate forecasters. Each is the trainer's paper-scale SimVP",
             "(widths from trainer/configs/paper/<config>) trained for a few epochs from random weights on the",
             "native 33x36 NCL storm grid, then rebuilt with the same weights at the bench grid (fully convolutional;",
             "gate heads pool spatially) and evaluated on the storm data bilinearly resampled to it (storm_<grid>/).",
             "Masks: S from the g_mask of the trained small checkpoint demo/checkpoints/simvp_dynapruner.onnx",
             "(same architecture), applied to the resampled input; gate heads from the short run (lr 2e-3, tau lr",
             "x20), each unit's threshold calibrated so that its keep rate on 16 storm training windows equals the",
             "trained small checkpoint's unit at the same relative depth. The short run's own masks collapsed",
             "(data mask ~10% kept, gates 0-2% in places, MSE = persistence: an untrained backbone makes switching",
             "everything off optimal), hence the calibration.",
             "The ONNX contract says so in its `bench` block. <name>.inputs.npy: test windows [N,T,C,H,W].", ""]
    for s in summaries:
        keep = ", ".join(f"{k} {v:.2f}" for k, v in s["gate_keep"].items())
        lines += [f"{s['name']}.onnx: grid {s['grid'][0]}x{s['grid'][1]}, {s['config']} widths {s['widths']},"
                  f" mask_pool {s['mask_pool']}, {s['epochs']} epochs",
                  f"  dense {s['dense_gmacs']:.3f} GMACs, effective {s['effective_gmacs']:.3f} GMACs"
                  f" (ratio {s['effective_mac_ratio']:.3f}), mask generator {s['mask_generator_gmacs']:.4f} GMACs",
                  f"  data-mask keep {s['data_mask_keep']:.3f}; gate keep per unit: {keep}",
                  f"  test MSE {s['test_mse']:.4f} (persistence {s['persistence_test_mse']:.4f}),"
                  f" importance ROC AUC {s['importance_roc_auc']}", ""]
    return "\n".join(lines)


def folder_summaries(out_dir: str) -> List[dict]:
    """Summaries of every bench model in `out_dir` (also those built by another run)."""
    out = []
    for name in sorted(os.listdir(out_dir)):
        if name.endswith(".summary.json") and os.path.exists(os.path.join(out_dir, name[:-13] + ".onnx")):
            with open(os.path.join(out_dir, name)) as f:
                out.append(json.load(f))
    return out


def build_all(specs: List[BenchSpec], out_dir: str, threads: int = 1, n_inputs: int = 4,
              quiet: bool = False, mask_source: str = SMALL_CHECKPOINT) -> List[dict]:
    """Build (or reuse) `specs`; README.txt describes every model in the folder."""
    os.makedirs(out_dir, exist_ok=True)
    summaries = [build_one(s, out_dir, threads, n_inputs, quiet, mask_source) for s in specs]
    atomic_bytes(os.path.join(out_dir, "README.txt"), readme_text(folder_summaries(out_dir)).encode())
    return summaries


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(REPO, ".cache", "bench-models"), help="output folder")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--inputs", type=int, default=4, help="test windows saved per model")
    ap.add_argument("--only", default=None, help="comma-separated model names (default: both)")
    ap.add_argument("--pool-variant", type=int, default=None, choices=[2, 4],
                    help="also write <name>_pool<N>.onnx: the same weights with g_mask at 1/N resolution")
    ap.add_argument("--pool-variant-out", default=os.path.join(REPO, ".cache", "mask-pool"),
                    help="folder of the --pool-variant models")
    args = ap.parse_args(argv)
    specs = DEFAULT_SPECS
    if args.only:
        names = args.only.split(",")
        unknown = [n for n in names if n not in {s.name for s in DEFAULT_SPECS}]
        if unknown:
            print(f"error: --only: expected names from {[s.name for s in DEFAULT_SPECS]}, found {unknown[0]}",
                  file=sys.stderr)
            return 2
        specs = [s for s in DEFAULT_SPECS if s.name in names]
    try:
        summaries = build_all(specs, args.out, args.threads, args.inputs)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(readme_text(summaries))
    for spec in specs if args.pool_variant else []:
        out = os.path.join(args.pool_variant_out, f"{spec.name}_pool{args.pool_variant}.onnx")
        if not os.path.exists(out):
            pooled_variant(os.path.join(args.out, spec.name + ".onnx"), args.pool_variant, out)
        print(f"{out}: {spec.name} with g_mask at 1/{args.pool_variant} resolution (same weights)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
