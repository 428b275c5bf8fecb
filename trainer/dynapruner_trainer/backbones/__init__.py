"""Backbones. Each declares its gated units (`self.units`, in id order) and
implements `forward(x_masked, ctx) -> Delta_hat [N, T_out, C, H, W]`."""
from .simvp import SimVP
from .convlstm import ConvLSTM
from .tau import TAU

BACKBONES = {"simvp": SimVP, "convlstm": ConvLSTM, "tau": TAU}


def build_backbone(name: str, t_in: int, t_out: int, channels: int, grid):
    if name not in BACKBONES:
        raise ValueError(f"unknown backbone {name!r}; choose from {sorted(BACKBONES)}")
    return BACKBONES[name](t_in, t_out, channels, tuple(grid))
