"""Train one backbone / variant on the storm data and export a contract checkpoint.

    python -m dynapruner_trainer.train --backbone simvp --variant dynapruner \
        --data demo/data/ncl --out demo/checkpoints/simvp_dynapruner.onnx \
        --init-from demo/checkpoints/simvp_dense.onnx.pt --epochs 150 --seed 0

    python -m dynapruner_trainer.train --config configs/storm/simvp_dense.json --epochs 5

Writes `<out>` (ONNX + `dynapruner` metadata) and `<out>.pt` (state + config).
`--config` reads an experiment config (config.py); flags override its values.
Works under `torchrun --nproc_per_node=N` (DDP; gloo on CPU, nccl on GPU):
each epoch's seeded permutation is split across ranks, gradients are averaged.

Training notes followed (method spec section 6): masked variants warm-start
from the dense model; soft masks for the first `--soft-frac` of epochs; the
budget weights are 0 during the soft phase, then ramp linearly to full at
`--ramp-frac` of the epochs; the soft gates' temperature is annealed
geometrically from `--gate-t-start` to `--gate-t-end` over the soft phase
(both default to the fixed SOFT_T); `--distill` adds the MSE to the dense
teacher's (`--init-from`) predictions; model selection on the validation window after that;
g_mask is warm-started on busy pixels (mask_pretrain.py); tau has a 3x lr;
gates start on (head bias +2, tau 0.5); at least one filter per unit.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import time
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import numpy as np
import torch

from . import data
from . import dist
from .backbones import BACKBONES
from .config import check_config_values, config_defaults, resolve_out_dir
from .dataset.cli import add_data_arguments, describe, overrides_of
from .dataset.loader import portable
from .errors import InputError
from .variants import VARIANTS
from .evaluate import evaluate_model, format_report
from .losses import total_loss
from .distill import teacher_predictions
from .mask_pretrain import pretrain_mask_generator
from . import unit_targets
from .masks import SOFT_T
from .masks import MASK_POOL_FACTORS
from .variants import DynaModel, apply_l1_static_pruning, bake_static_pruning, init_gates_from_l1

#: default learning rates (dense models train from scratch, masked ones fine-tune)
DENSE_LR = 2e-3
MASKED_LR = 1e-3
#: cosine schedule floor, as a fraction of the initial learning rate
LR_FLOOR_FRACTION = 0.05
#: the learnable gate thresholds tau are kept in this range
TAU_RANGE = (0.01, 0.99)
#: progress line every this many epochs (and at the last one)
LOG_EVERY = 10
#: variants trained without dynamic masks (no soft phase, no budget ramp)
STATIC_VARIANTS = ("dense", "mp_l1")
#: loss terms averaged over each epoch's steps
LOSS_TERMS = ("loss", "mse", "b_d", "b_w", "kd")
SELECTION_RULE = "lowest validation objective (val MSE + full-weight budgets) after the budget ramp"


def set_seed(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", default=None, help="experiment config (JSON); flags given here override it")
    ap.add_argument("--backbone", default="simvp", choices=sorted(BACKBONES))
    ap.add_argument("--variant", default="dynapruner", choices=list(VARIANTS))
    ap.add_argument("--widths", dest="width_flags", nargs="*", default=None, metavar="KEY=INT",
                    help="backbone widths, e.g. hid_s=64 n_trans=8 (over the config's `widths`)")
    add_data_arguments(ap)
    ap.add_argument("--out", default=None, help="output .onnx (also writes <out>.pt); required here or in the config")
    ap.add_argument("--s-d", type=float, default=0.7)
    ap.add_argument("--s-w", type=float, default=0.7)
    ap.add_argument("--lambda-d", type=float, default=0.5)
    ap.add_argument("--lambda-w", type=float, default=0.5)
    ap.add_argument("--distill", type=float, default=0.0,
                    help="weight of the MSE to the dense teacher's predictions (teacher: --init-from); 0 = off")
    ap.add_argument("--unit-sparsity", default=unit_targets.UNIFORM,
                    help="per-unit model-sparsity targets: uniform (s_w each), macs (units with more MACs per "
                         "filter pruned harder, MAC-weighted mean s_w) or one number per unit (unit_targets.py)")
    ap.add_argument("--gate-t-start", type=float, default=None, help=f"soft gate temperature at epoch 0 (default {SOFT_T})")
    ap.add_argument("--gate-t-end", type=float, default=None,
                    help="soft gate temperature at the soft phase's last epoch (default: --gate-t-start)")
    ap.add_argument("--epochs", type=int, default=150)
    ap.add_argument("--lr", type=float, default=None, help=f"default {DENSE_LR:g} dense, {MASKED_LR:g} masked")
    ap.add_argument("--wd", type=float, default=0.0, help="AdamW weight decay")
    ap.add_argument("--batch", type=int, default=8, help="global batch (split across ranks)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--soft-frac", type=float, default=0.2)
    ap.add_argument("--ramp-frac", type=float, default=0.6, help="budget weight reaches full here")
    ap.add_argument("--mask-pretrain", type=int, default=40,
                    help="epochs of g_mask warm start on busy pixels (see mask_pretrain.py); 0 = off")
    ap.add_argument("--tau-lr-mult", type=float, default=3.0, help="learning-rate multiplier for tau")
    ap.add_argument("--gate-init", default="l1", choices=["l1", "uniform"],
                    help="dynamic gate head bias at warm start: ranked by filter L1 norm, or uniform +2")
    ap.add_argument("--theta-d", type=float, default=0.5)
    ap.add_argument("--mask-pool", type=int, default=1, choices=list(MASK_POOL_FACTORS),
                    help="g_mask runs on the input average-pooled by this factor; S is upsampled (nearest)")
    ap.add_argument("--init-from", default=None, help="dense .pt to warm-start from")
    ap.add_argument("--last", action="store_true", help="keep the last epoch instead of the best validation epoch")
    ap.add_argument("--no-export", action="store_true")
    ap.add_argument("--io-prefix", default=None, help="write <prefix>.outputs.npy (PyTorch predictions on test inputs)")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N (single process; torchrun picks its own)")
    ap.add_argument("--max-steps", type=int, default=None, help="stop after this many optimizer steps (smoke runs)")
    ap.set_defaults(config_dir=None, widths=None)
    return ap


def parse_widths(flags) -> dict:
    out = {}
    for item in flags or []:
        key, _, value = item.partition("=")
        try:
            out[key] = int(value)
        except ValueError:
            raise InputError("--widths", key or item, "KEY=INT", item) from None
    return out


def parse(argv=None):
    """Flags over the config's values over the built-in defaults."""
    ap = build_parser()
    first, _ = ap.parse_known_args(argv)
    defaults = config_defaults(first.config) if first.config else {}
    if first.config:
        check_config_values(ap, defaults, first.config)
    ap.set_defaults(**defaults)
    args = ap.parse_args(argv)
    args.widths = {**(args.widths or {}), **parse_widths(args.width_flags)}
    if not args.out:
        ap.error("--out is required (or `out` in the config)")
    args.init_from = resolve_out_dir(args.init_from, args.out)
    flagged = any(a.split("=")[0] == "--unit-sparsity" for a in (sys.argv[1:] if argv is None else argv))
    from_config = "unit_sparsity" in defaults and not flagged
    args.unit_sparsity_source = args.config if from_config else "--unit-sparsity"   # names it in an error
    return args


def pick_device(args, world: int, dist_device) -> torch.device:
    """`--device` for a single process (torchrun chooses per rank)."""
    if world > 1:
        return dist_device
    try:
        device = torch.device(args.device)
    except RuntimeError:
        raise InputError("--device", "", "cpu, cuda or cuda:N", args.device) from None
    if device.type == "cuda" and not torch.cuda.is_available():
        raise InputError("--device", "", "a CUDA device (torch.cuda.is_available())", "none on this machine")
    return device


@dataclass
class Schedule:
    """Epoch boundaries of the soft warm-up, the budget ramp and model selection."""
    masked: bool
    soft_end: int
    ramp_end: int
    t_start: float = SOFT_T
    t_end: float = SOFT_T

    @classmethod
    def from_args(cls, args) -> "Schedule":
        masked = args.variant not in STATIC_VARIANTS
        soft_end = int(args.soft_frac * args.epochs) if masked else 0
        t_start = SOFT_T if args.gate_t_start is None else args.gate_t_start
        t_end = t_start if args.gate_t_end is None else args.gate_t_end
        if t_start <= 0 or t_end <= 0:
            raise InputError("--gate-t-start/--gate-t-end", "", "positive temperatures", f"{t_start}, {t_end}")
        return cls(masked, soft_end, max(soft_end + 1, int(args.ramp_frac * args.epochs)), t_start, t_end)

    def gate_temperature(self, epoch: int) -> float:
        """Soft gate temperature: geometric from `t_start` (epoch 0) to `t_end`
        (the soft phase's last epoch), `t_end` after it."""
        if epoch >= self.soft_end - 1:
            return self.t_end
        return self.t_start * (self.t_end / self.t_start) ** (epoch / (self.soft_end - 1))

    @property
    def select_from(self) -> int:
        return self.ramp_end if self.masked else 0

    def phase(self, epoch: int) -> str:
        return "soft" if self.masked and epoch < self.soft_end else "hard"

    def budget_weight(self, epoch: int) -> float:
        """0 during the soft warm-up, then linear up to 1 at `ramp_end`."""
        if not self.masked:
            return 0.0
        return min(1.0, max(0.0, (epoch - self.soft_end + 1) / (self.ramp_end - self.soft_end)))


@dataclass
class Tensors:
    """One split's windows as tensors: inputs, targets, target validity."""
    x: torch.Tensor
    y: torch.Tensor
    valid: torch.Tensor

    @classmethod
    def of(cls, windows: dict, device=None) -> "Tensors":
        return cls(*(torch.from_numpy(windows[k]).to(device) for k in ("inputs", "targets", "valid")))


def build_model(args, fields) -> Tuple[DynaModel, Optional[dict]]:
    """The model, warm-started and (mp_l1) statically pruned; returns (model, kept filters)."""
    model = DynaModel(args.backbone, args.variant, t_in=fields.t_in, t_out=fields.t_out,
                      grid=fields.values.shape[-2:], channels=fields.values.shape[1], theta_d=args.theta_d,
                      widths=args.widths, mask_pool=args.mask_pool)
    if args.init_from:
        blob = torch.load(args.init_from, map_location="cpu")
        _, unexpected = model.load_state_dict(blob["state"], strict=False)
        if unexpected:
            raise ValueError(f"--init-from has unexpected keys {unexpected[:5]}")
        if model.flags["gates"] == "dynamic" and args.gate_init == "l1":
            init_gates_from_l1(model)
    kept = None
    if args.variant == "mp_l1":
        if not args.init_from:
            raise ValueError("mp_l1 prunes a trained dense model: pass --init-from dense.pt")
        kept = apply_l1_static_pruning(model, args.s_w)
    return model, kept


def base_lr(args) -> float:
    if args.lr is not None:
        return args.lr
    return DENSE_LR if args.variant == "dense" else MASKED_LR


def make_optimizer(model: DynaModel, args, lr: float):
    """AdamW with the thresholds tau in their own group (higher lr, no decay), cosine schedule."""
    taus = [u.tau for u in model.units]
    tau_ids = {id(t) for t in taus}
    rest = [p for p in model.parameters() if id(p) not in tau_ids]
    groups = [{"params": rest}, {"params": taus, "lr": lr * args.tau_lr_mult, "weight_decay": 0.0}]
    opt = torch.optim.AdamW(groups, lr=lr, weight_decay=args.wd)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, max(1, args.epochs), eta_min=lr * LR_FLOOR_FRACTION)
    return opt, sched


def warm_start_mask_generator(model: DynaModel, train: Tensors, args, device, verbose: bool) -> None:
    if model.mask_gen is None or args.mask_pretrain <= 0:
        return
    bce = pretrain_mask_generator(model.mask_gen, train.x.to(device), train.y.to(device), train.valid.to(device),
                                  1.0 - args.s_d, args.mask_pretrain, seed=args.seed)
    if verbose:
        print(f"[{args.backbone}/{args.variant}] g_mask warm start: {args.mask_pretrain} epochs, BCE {bce:.4f}",
              flush=True)


def rank_batches(perm: torch.Tensor, per_rank: int, rank: int, world: int) -> List[torch.Tensor]:
    """This rank's share of each global batch of `perm`. A last chunk smaller than
    the world size is skipped: every rank must run the same number of steps (DDP collectives)."""
    out = []
    for i in range(0, len(perm), per_rank * world):
        chunk = perm[i:i + per_rank * world]
        if len(chunk) >= world:
            out.append(chunk[rank::world])
    return out


def clamp_thresholds(model: DynaModel) -> None:
    with torch.no_grad():
        for u in model.units:
            u.tau.clamp_(*TAU_RANGE)


def train_epoch(net, model: DynaModel, opt, train: Tensors, batches, args, weight: float, device,
                teacher: Optional[torch.Tensor] = None) -> Dict[str, float]:
    """One pass over `batches` (index tensors); returns the mean of each loss term."""
    totals = dict.fromkeys(LOSS_TERMS, 0.0)
    for idx in batches:
        out = net(train.x[idx].to(device))
        losses = total_loss(out, train.y[idx].to(device), train.valid[idx].to(device), args.s_d, args.unit_targets,
                            args.lambda_d * weight, args.lambda_w * weight,
                            teacher=None if teacher is None else teacher[idx].to(device), distill=args.distill)
        opt.zero_grad()
        losses["loss"].backward()
        opt.step()
        clamp_thresholds(model)
        for k in totals:
            totals[k] += float(losses[k])
    return {k: v / max(len(batches), 1) for k, v in totals.items()}


@torch.no_grad()
def validation_score(model: DynaModel, val: Tensors, args) -> float:
    """Val MSE plus the full-weight budget terms, without the L1 terms."""
    model.eval()
    out = model(val.x)
    return float(total_loss(out, val.y, val.valid, args.s_d, args.unit_targets, args.lambda_d, args.lambda_w, 0.0, 0.0)["loss"])


def log_epoch(args, model: DynaModel, rec: dict, started: float) -> None:
    ep = rec["epoch"]
    if ep % LOG_EVERY == 0 or ep == args.epochs - 1:
        print(f"[{args.backbone}/{args.variant}] ep {ep:3d} {model.phase:4s} loss {rec['loss']:.4f} mse {rec['mse']:.4f}"
              f" b_d {rec['b_d']:.3f} b_w {rec['b_w']:.3f} val {rec['val']:.4f} ({time.time() - started:.0f}s)",
              flush=True)


@dataclass
class Best:
    """The selected epoch: lowest validation objective at or after `Schedule.select_from`."""
    score: float = float("inf")
    state: Optional[dict] = None
    epoch: int = -1

    def offer(self, model: DynaModel, score: float, epoch: int) -> None:
        if score <= self.score:
            self.score, self.epoch = score, epoch
            self.state = {k: t.detach().clone() for k, t in model.state_dict().items()}


def fit(net, model: DynaModel, train: Tensors, val: Tensors, args, rank: int, world: int, device):
    """The epoch loop; returns (Best, per-epoch log, seconds)."""
    lr = base_lr(args)
    opt, sched = make_optimizer(model, args, lr)
    schedule = Schedule.from_args(args)
    verbose = rank == 0 and not args.quiet
    args.unit_targets = unit_targets.resolve(args.unit_sparsity, model, args.s_w, args.unit_sparsity_source)
    warm_start_mask_generator(model, train, args, device, verbose)
    teacher = teacher_predictions(args.init_from, train.x) if args.distill > 0 else None
    gen = torch.Generator().manual_seed(args.seed)
    per_rank = max(1, args.batch // world)
    started = time.time()
    best, log = Best(), []
    steps_left = args.max_steps
    for ep in range(args.epochs):
        model.train()
        model.phase = schedule.phase(ep)
        model.soft_t = schedule.gate_temperature(ep)
        batches = rank_batches(torch.randperm(len(train.x), generator=gen), per_rank, rank, world)
        if steps_left is not None:
            batches = batches[:steps_left]
            steps_left -= len(batches)
        rec = train_epoch(net, model, opt, train, batches, args, schedule.budget_weight(ep), device, teacher)
        sched.step()
        rec["val"] = validation_score(model, val, args)
        rec["epoch"] = ep
        if ep >= schedule.select_from:
            best.offer(model, rec["val"], ep)
        log.append(rec)
        if verbose:
            log_epoch(args, model, rec, started)
        if steps_left == 0:
            break
    return best, log, time.time() - started


def training_record(args, model: DynaModel, best: Best, log: list, report: dict, world: int) -> dict:
    """The `training` block of the checkpoint metadata and of `<out>.pt`."""
    selected = best.epoch if (best.state is not None and not args.last) else args.epochs - 1
    return {
        "selected_epoch": selected, "selection": SELECTION_RULE,
        "seed": args.seed, "epochs": args.epochs, "lambda_d": args.lambda_d, "lambda_w": args.lambda_w,
        "lr": base_lr(args), "weight_decay": args.wd, "batch": args.batch,
        "soft_frac": args.soft_frac, "ramp_frac": args.ramp_frac,
        "mask_pretrain_epochs": args.mask_pretrain if model.mask_gen is not None else 0,
        "mask_pool": model.mask_gen.pool if model.mask_gen is not None else None,
        "distill": args.distill, "unit_sparsity": args.unit_sparsity, "unit_targets": list(args.unit_targets),
        "gate_t_start": args.gate_t_start, "gate_t_end": args.gate_t_end,
        "tau_lr_mult": args.tau_lr_mult, "gate_init": args.gate_init if model.flags["gates"] == "dynamic" else None,
        "world_size": world, "init_from": os.path.basename(args.init_from) if args.init_from else None,
        "config": os.path.basename(args.config) if args.config else None, "widths": dict(args.widths),
        "test_mse": report["mse"], "test_mae": report["mae"], "persistence_test_mse": report["persistence_mse"],
        "test_effective_macs_mean": report["macs"]["effective"]["mean"], "test_dense_macs": report["macs"]["dense"],
        "importance_roc_auc": report.get("importance", {}).get("roc_auc"),
        "final_train_loss": log[-1]["loss"] if log else None,
    }


def save_outputs(args, model: DynaModel, fields, training: dict, kept, preds: np.ndarray) -> None:
    """`<out>.pt`, the ONNX checkpoint (unless --no-export) and the optional predictions file."""
    targets = {"s_d": args.s_d, "s_w": args.s_w}
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    torch.save({"cfg": model.cfg, "state": model.state_dict(), "training": training,
                "normalization": {"mean": fields.mean, "std": fields.std}, "channels": fields.channels,
                "targets": targets, "static_kept": kept,
                "dataset": {"name": fields.name, "files": fields.files,
                            **{k: list(v) for k, v in fields.split.items()},
                            "description": portable(fields.description, os.path.dirname(os.path.abspath(args.out)))}},
               args.out + ".pt")
    if not args.no_export:
        from .export import export_checkpoint
        export_checkpoint(model, args.out, fields, training, targets, kept)
    if args.io_prefix:
        np.save(args.io_prefix + ".outputs.npy", preds.astype(np.float32))


def train(args) -> dict:
    rank, world, dist_device = dist.init()
    device = pick_device(args, world, dist_device)
    torch.set_num_threads(args.threads)
    set_seed(args.seed)
    torch.use_deterministic_algorithms(True, warn_only=True)
    fields = data.load_fields(describe(args.data, args.config_dir or ".", overrides_of(args),
                                       source=f"{args.config} (data)" if args.config else None))
    model, kept = build_model(args, fields)
    model.to(device)
    net = torch.nn.parallel.DistributedDataParallel(model, find_unused_parameters=True) if world > 1 else model
    train_set = Tensors.of(data.windows(fields, "train"))
    val_set = Tensors.of(data.windows(fields, "val"), device)
    best, log, seconds = fit(net, model, train_set, val_set, args, rank, world, device)
    if best.state is not None and not args.last:
        model.load_state_dict(best.state)
    model.cpu()
    if args.variant == "mp_l1":
        bake_static_pruning(model)
    result = {"train_seconds": seconds, "world_size": world}
    if rank == 0:
        report = evaluate_model(model, data.windows(fields, "test"))
        preds = report.pop("_predictions")
        result["eval"] = report
        if not args.quiet:
            print(format_report(os.path.basename(args.out), report), flush=True)
        result["training"] = training_record(args, model, best, log, report, world)
        save_outputs(args, model, fields, result["training"], kept, preds)
    dist.finish(world)
    return result


def main(argv=None) -> int:
    try:
        train(parse(argv))
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
