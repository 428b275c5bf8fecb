"""`fit(model, dataset, ...)`: the trainer's schedule (soft warm-up, budget ramp,
model selection on the validation windows, g_mask warm start, tau learning
rate) for a wrapped backbone."""
from __future__ import annotations

import torch

from .. import train as T
from ..dataset.fields import windows
from .model import DynaPruner


def fit(model: DynaPruner, dataset, epochs: int = 20, s_d: float = 0.7, s_w: float = 0.7, seed: int = 0,
        quiet: bool = True, **options) -> dict:
    """Train `model` on `dataset` (a Fields) in place; `options` are train.py's flags
    by their destination (lr, batch, mask_pretrain, lambda_d, ...). Returns the
    selected epoch, the log and the seconds taken."""
    args = T.parse(["--out", "unused.onnx"])
    for key, value in dict(options, epochs=epochs, s_d=s_d, s_w=s_w, seed=seed, quiet=quiet).items():
        if not hasattr(args, key):
            raise TypeError(f"fit(): unknown option {key!r}")
        setattr(args, key, value)
    args.variant, args.backbone = model.variant, model.cfg["backbone"]
    T.set_seed(seed)
    train_set = T.Tensors.of(windows(dataset, "train"))
    val_set = T.Tensors.of(windows(dataset, "val"))
    best, log, seconds = T.fit(model, model, train_set, val_set, args, 0, 1, torch.device("cpu"))
    if best.state is not None and not args.last:
        model.load_state_dict(best.state)
    model.eval()
    return {"selected_epoch": best.epoch if best.state is not None else epochs - 1, "log": log, "seconds": seconds,
            "epochs": epochs, "seed": seed, "s_d": s_d, "s_w": s_w}
