"""Dyna-Pruner for any PyTorch backbone mapping [B, T_in, C, H, W] to [B, T_out, C, H, W]:
wrap it (`DynaPruner`), train it (`fit`, the budget losses of losses.py),
export a contract checkpoint (`export`), which fails with a
`SparseEquivalenceError` naming what the backbone does that sparse execution cannot."""
from ..losses import budget, total_loss
from .checks import SparseEquivalenceError
from .export import export
from .fit import fit
from .model import DynaPruner

__all__ = ["DynaPruner", "fit", "export", "SparseEquivalenceError", "budget", "total_loss"]
