"""Backbones. Each declares its gated units (`self.units`, in id order) and
implements `forward(x_masked, ctx) -> Delta_hat [N, T_out, C, H, W]`."""
from .simvp import SimVP
from .convlstm import ConvLSTM
from .tau import TAU

BACKBONES = {"simvp": SimVP, "convlstm": ConvLSTM, "tau": TAU}


#: width / depth keywords each backbone takes (experiment configs: `widths`)
WIDTHS = {"simvp": ("hid_s", "hid_t", "n_trans", "down"), "tau": ("hid_s", "n_blocks", "mlp_ratio", "down"),
          "convlstm": ("hid", "layers", "down")}


def build_backbone(name: str, t_in: int, t_out: int, channels: int, grid, widths=None):
    if name not in BACKBONES:
        raise ValueError(f"unknown backbone {name!r}; choose from {sorted(BACKBONES)}")
    widths = dict(widths or {})
    unknown = sorted(set(widths) - set(WIDTHS[name]))
    if unknown:
        raise ValueError(f"widths.{unknown[0]}: expected one of {list(WIDTHS[name])} for {name}, found '{unknown[0]}'")
    return BACKBONES[name](t_in, t_out, channels, tuple(grid), **widths)
