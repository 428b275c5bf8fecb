"""Train one backbone / variant on the storm data and export a contract checkpoint.

    python -m dynapruner_trainer.train --backbone simvp --variant dynapruner \
        --data demo/data/ncl --out demo/checkpoints/simvp_dynapruner.onnx \
        --init-from demo/checkpoints/simvp_dense.onnx.pt --epochs 150 --seed 0

Writes `<out>` (ONNX + `dynapruner` metadata) and `<out>.pt` (state + config).
Works under `torchrun --nproc_per_node=N` (DDP; gloo on CPU, nccl on GPU):
each epoch's seeded permutation is split across ranks, gradients are averaged.

Training notes followed (method spec section 6): masked variants warm-start
from the dense model; soft masks for the first `--soft-frac` of epochs; the
budget weights are 0 during the soft phase, then ramp linearly to full at
`--ramp-frac` of the epochs; model selection on the validation window after that;
g_mask is warm-started on busy pixels (mask_pretrain.py); tau has a 3x lr;
gates start on (head bias +2, tau 0.5); at least one filter per unit.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time

import numpy as np
import torch

from . import data as D
from . import dist as DI
from .evaluate import evaluate_model, format_report
from .losses import total_loss
from .mask_pretrain import pretrain_mask_generator
from .variants import DynaModel, apply_l1_static_pruning, bake_static_pruning, init_gates_from_l1


def set_seed(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def parse(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backbone", default="simvp", choices=["simvp", "convlstm", "tau"])
    ap.add_argument("--variant", default="dynapruner",
                    choices=["dense", "mp_l1", "dp_only", "mp_only", "independent", "dynapruner"])
    ap.add_argument("--data", nargs="*", default=None, help="storm directory or the six storm files")
    ap.add_argument("--out", required=True, help="output .onnx (also writes <out>.pt)")
    ap.add_argument("--s-d", type=float, default=0.7)
    ap.add_argument("--s-w", type=float, default=0.7)
    ap.add_argument("--lambda-d", type=float, default=0.5)
    ap.add_argument("--lambda-w", type=float, default=0.5)
    ap.add_argument("--epochs", type=int, default=150)
    ap.add_argument("--lr", type=float, default=None, help="default 2e-3 dense, 1e-3 masked")
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
    ap.add_argument("--init-from", default=None, help="dense .pt to warm-start from")
    ap.add_argument("--last", action="store_true", help="keep the last epoch instead of the best validation epoch")
    ap.add_argument("--no-export", action="store_true")
    ap.add_argument("--io-prefix", default=None, help="write <prefix>.outputs.npy (PyTorch predictions on test inputs)")
    ap.add_argument("--quiet", action="store_true")
    return ap.parse_args(argv)


def train(a) -> dict:
    rank, world, device = DI.init()
    torch.set_num_threads(a.threads)
    set_seed(a.seed)
    torch.use_deterministic_algorithms(True, warn_only=True)
    fields = D.load_storm(a.data)
    tr = D.windows(fields, "train")
    te = D.windows(fields, "test")
    model = DynaModel(a.backbone, a.variant, grid=fields.values.shape[-2:],
                      channels=fields.values.shape[1], theta_d=a.theta_d)
    kept = None
    if a.init_from:
        blob = torch.load(a.init_from, map_location="cpu")
        missing, unexpected = model.load_state_dict(blob["state"], strict=False)
        if unexpected:
            raise ValueError(f"--init-from has unexpected keys {unexpected[:5]}")
    if a.init_from and model.flags["gates"] == "dynamic" and a.gate_init == "l1":
        init_gates_from_l1(model)
    if a.variant == "mp_l1":
        if not a.init_from:
            raise ValueError("mp_l1 prunes a trained dense model: pass --init-from dense.pt")
        kept = apply_l1_static_pruning(model, a.s_w)
    model.to(device)
    net = model
    if world > 1:
        net = torch.nn.parallel.DistributedDataParallel(model, find_unused_parameters=True)
    masked = a.variant not in ("dense", "mp_l1")
    lr = a.lr if a.lr is not None else (2e-3 if a.variant == "dense" else 1e-3)
    taus = [u.tau for u in model.backbone.units]
    tau_ids = {id(t) for t in taus}
    rest = [p for p in model.parameters() if id(p) not in tau_ids]
    opt = torch.optim.AdamW([{"params": rest}, {"params": taus, "lr": lr * a.tau_lr_mult, "weight_decay": 0.0}],
                            lr=lr, weight_decay=a.wd)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, max(1, a.epochs), eta_min=lr * 0.05)
    x_tr = torch.from_numpy(tr["inputs"])
    y_tr = torch.from_numpy(tr["targets"])
    v_tr = torch.from_numpy(tr["valid"])
    va = D.windows(fields, "val")
    x_va, y_va, v_va = (torch.from_numpy(va[k]).to(device) for k in ("inputs", "targets", "valid"))
    best = (float("inf"), None, -1)
    soft_end = int(a.soft_frac * a.epochs) if masked else 0
    ramp_end = max(soft_end + 1, int(a.ramp_frac * a.epochs))
    sel_from = ramp_end if masked else 0
    if model.mask_gen is not None and a.mask_pretrain > 0:
        bce = pretrain_mask_generator(model.mask_gen, x_tr.to(device), y_tr.to(device), v_tr.to(device),
                                      1.0 - a.s_d, a.mask_pretrain, seed=a.seed)
        if rank == 0 and not a.quiet:
            print(f"[{a.backbone}/{a.variant}] g_mask warm start: {a.mask_pretrain} epochs, BCE {bce:.4f}", flush=True)
    gen = torch.Generator().manual_seed(a.seed)
    per_rank = max(1, a.batch // world)
    t0 = time.time()
    log = []
    for ep in range(a.epochs):
        model.train()
        model.phase = "soft" if masked and ep < soft_end else "hard"
        # budget weight: 0 during the soft warm-up, then linear up to full at ramp_end
        ramp = min(1.0, max(0.0, (ep - soft_end + 1) / (ramp_end - soft_end))) if masked else 0.0
        perm = torch.randperm(len(x_tr), generator=gen)
        tot = {"loss": 0.0, "mse": 0.0, "b_d": 0.0, "b_w": 0.0}
        nb = 0
        for i in range(0, len(perm), per_rank * world):
            chunk = perm[i:i + per_rank * world]
            if len(chunk) < world:
                continue  # every rank must run the same number of steps (DDP collectives)
            idx = chunk[rank::world]
            x, y, v = x_tr[idx].to(device), y_tr[idx].to(device), v_tr[idx].to(device)
            out = net(x)
            ls = total_loss(out, y, v, a.s_d, a.s_w, a.lambda_d * ramp, a.lambda_w * ramp)
            opt.zero_grad()
            ls["loss"].backward()
            opt.step()
            with torch.no_grad():
                for u in model.backbone.units:
                    u.tau.clamp_(0.01, 0.99)
            for k in tot:
                tot[k] += float(ls[k])
            nb += 1
        sched.step()
        # model selection on the validation window(s): val MSE plus the full-weight
        # budget terms, among epochs after the budget ramp (masked variants)
        model.eval()
        with torch.no_grad():
            vo = model(x_va)
            vl = total_loss(vo, y_va, v_va, a.s_d, a.s_w, a.lambda_d, a.lambda_w, 0.0, 0.0)
        val_score = float(vl["loss"])
        if ep >= sel_from and val_score <= best[0]:
            best = (val_score, {k: t.detach().clone() for k, t in model.state_dict().items()}, ep)
        rec = {k: v / max(nb, 1) for k, v in tot.items()}
        rec["val"] = val_score
        rec["epoch"] = ep
        log.append(rec)
        if rank == 0 and not a.quiet and (ep % 10 == 0 or ep == a.epochs - 1):
            print(f"[{a.backbone}/{a.variant}] ep {ep:3d} {model.phase:4s} loss {rec['loss']:.4f} mse {rec['mse']:.4f}"
                  f" b_d {rec['b_d']:.3f} b_w {rec['b_w']:.3f} val {val_score:.4f} ({time.time() - t0:.0f}s)", flush=True)
    if best[1] is not None and not a.last:
        model.load_state_dict(best[1])
    model.cpu()
    if a.variant == "mp_l1":
        bake_static_pruning(model)
    result = {"train_seconds": time.time() - t0, "world_size": world}
    if rank == 0:
        r = evaluate_model(model, te)
        preds = r.pop("_predictions")
        result["eval"] = r
        if not a.quiet:
            print(format_report(os.path.basename(a.out), r), flush=True)
        training = {
            "selected_epoch": best[2] if (best[1] is not None and not a.last) else a.epochs - 1,
            "selection": "lowest validation objective (val MSE + full-weight budgets) after the budget ramp",
            "seed": a.seed, "epochs": a.epochs, "lambda_d": a.lambda_d, "lambda_w": a.lambda_w,
            "lr": lr, "weight_decay": a.wd, "batch": a.batch, "soft_frac": a.soft_frac, "ramp_frac": a.ramp_frac,
            "mask_pretrain_epochs": a.mask_pretrain if model.mask_gen is not None else 0,
            "tau_lr_mult": a.tau_lr_mult, "gate_init": a.gate_init if model.flags["gates"] == "dynamic" else None,
            "world_size": world, "init_from": os.path.basename(a.init_from) if a.init_from else None,
            "test_mse": r["mse"], "test_mae": r["mae"], "persistence_test_mse": r["persistence_mse"],
            "test_effective_macs_mean": r["macs"]["effective"]["mean"], "test_dense_macs": r["macs"]["dense"],
            "importance_roc_auc": r.get("importance", {}).get("roc_auc"),
            "final_train_loss": log[-1]["loss"] if log else None,
        }
        os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
        torch.save({"cfg": model.cfg, "state": model.state_dict(), "training": training,
                    "normalization": {"mean": fields.mean, "std": fields.std}, "channels": fields.channels,
                    "targets": {"s_d": a.s_d, "s_w": a.s_w}, "static_kept": kept,
                    "dataset": {"name": fields.name, "files": fields.files, **{k: list(v) for k, v in fields.split.items()}}},
                   a.out + ".pt")
        if not a.no_export:
            from .export import export_checkpoint
            export_checkpoint(model, a.out, fields, training, {"s_d": a.s_d, "s_w": a.s_w}, kept)
        if a.io_prefix:
            np.save(a.io_prefix + ".outputs.npy", preds.astype(np.float32))
        result["training"] = training
    DI.finish(world)
    return result


def main(argv=None) -> int:
    train(parse(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
