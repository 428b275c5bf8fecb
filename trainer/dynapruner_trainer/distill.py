"""Distillation from the dense teacher: the dense checkpoint's predictions on
the training windows, computed once before fine-tuning (the windows are fixed,
so one pass replaces a teacher forward at every step)."""
from __future__ import annotations

from typing import Optional

import torch

from .errors import InputError


@torch.no_grad()
def teacher_predictions(path: Optional[str], x: torch.Tensor, batch: int = 16) -> torch.Tensor:
    """Predictions [N, T_out, C, H, W] of the dense checkpoint at `path` (a `.pt`)
    for the inputs `x`; one-line InputError when there is no usable dense teacher."""
    from .evaluate import load_checkpoint
    if not path:
        raise InputError("--distill", "", "a dense teacher to distil from (--init-from / init_from)", "none given")
    model, blob = load_checkpoint(path)
    if blob["cfg"]["variant"] != "dense":
        raise InputError(path, "cfg.variant", "a dense teacher checkpoint", blob["cfg"]["variant"])
    return torch.cat([model(x[i:i + batch])["prediction"] for i in range(0, len(x), batch)])
