"""Worked example: Dyna-Pruner on a backbone the trainer does not ship.

A small RainNet-style U-Net (Ayzel et al. 2020: encoder-decoder with skip
connections, used for radar nowcasting), written in plain PyTorch below, is
wrapped with `DynaPruner`, trained dense and then with Dyna-Pruner on the
storm data, and exported to a contract checkpoint that the Studio analyses
like the bundled ones:

    cd trainer && /usr/bin/python3 examples/unet_example.py --out /tmp/unet_dynapruner.onnx
    dynapruner report /tmp/unet_dynapruner.onnx --data demo/data/ncl --out unet.html   (repository root)

What the U-Net must respect (export checks it and names the module or node
otherwise): no normalisation layers, no attention, downsampling to
ceil(H / 2) (MaxPool with ceil_mode, as the masks use), and nothing after
the last conv that makes its output non-zero where the data mask is off.
"""
from __future__ import annotations

import argparse
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from dynapruner_trainer import data  # noqa: E402
from dynapruner_trainer.evaluate import evaluate_model, format_report  # noqa: E402
from dynapruner_trainer.wrap import DynaPruner, export, fit  # noqa: E402


class DoubleConv(nn.Module):
    def __init__(self, cin: int, cout: int):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)

    def forward(self, x):
        return F.relu(self.conv2(F.relu(self.conv1(x))))


class UNet(nn.Module):
    """[B, T_in, C, H, W] -> Delta [B, T_out, C, H, W]; frames stacked along channels."""

    def __init__(self, t_in: int, t_out: int, channels: int, base: int = 16, levels: int = 3):
        super().__init__()
        self.t_out, self.c = t_out, channels
        widths = [base * 2 ** i for i in range(levels + 1)]
        self.down = nn.ModuleList([DoubleConv(t_in * channels, widths[0])] +
                                  [DoubleConv(widths[i], widths[i + 1]) for i in range(levels)])
        self.up = nn.ModuleList([DoubleConv(widths[i + 1] + widths[i], widths[i]) for i in reversed(range(levels))])
        self.head = nn.Conv2d(widths[0], t_out * channels, 1)

    def forward(self, x):
        n, t, c, h, w = x.shape
        skips = []
        y = x.reshape(n, t * c, h, w)
        for i, block in enumerate(self.down):
            if i:
                y = F.max_pool2d(y, 2, ceil_mode=True)
            y = block(y)
            skips.append(y)
        for block, skip in zip(self.up, reversed(skips[:-1])):
            y = F.interpolate(y, scale_factor=2.0, mode="nearest")[:, :, :skip.shape[2], :skip.shape[3]]
            y = block(torch.cat([y, skip], 1))
        return self.head(y).reshape(n, self.t_out, self.c, h, w)


def build(fields, variant: str) -> DynaPruner:
    c = fields.values.shape[1]
    unet = UNet(fields.t_in, fields.t_out, c)
    return DynaPruner(unet, fields.t_in, fields.t_out, c, fields.values.shape[-2:], variant=variant, name="unet")


def train_unet(fields, epochs_dense: int, epochs: int, s_d: float, s_w: float, seed: int = 0,
               mask_pretrain: int = 40, quiet: bool = True):
    """Dense U-Net first, then Dyna-Pruner warm-started from it; returns (model, fit record)."""
    torch.manual_seed(seed)
    dense = build(fields, "dense")
    fit(dense, fields, epochs=epochs_dense, seed=seed, quiet=quiet, lr=2e-3)
    torch.manual_seed(seed)
    model = build(fields, "dynapruner")
    model.load_state_dict(dense.state_dict(), strict=False)
    model.init_gates_from_l1()
    record = fit(model, fields, epochs=epochs, s_d=s_d, s_w=s_w, seed=seed, quiet=quiet, mask_pretrain=mask_pretrain)
    return model, record


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", nargs="*", default=None, help="storm folder (default: the bundled copy)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--epochs-dense", type=int, default=40)
    ap.add_argument("--epochs", type=int, default=60)
    ap.add_argument("--s-d", type=float, default=0.1)
    ap.add_argument("--s-w", type=float, default=0.4)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    fields = data.load_storm(a.data)
    model, record = train_unet(fields, a.epochs_dense, a.epochs, a.s_d, a.s_w, quiet=False)
    report = evaluate_model(model, data.windows(fields, "test"))
    report.pop("_predictions")
    print(format_report(os.path.basename(a.out), report))
    training = {"seed": record["seed"], "epochs": record["epochs"], "selected_epoch": record["selected_epoch"],
                "lambda_d": 0.5, "lambda_w": 0.5, "test_mse": report["mse"], "test_mae": report["mae"]}
    export(model, fields, a.out, training, {"s_d": a.s_d, "s_w": a.s_w})
    print(f"wrote {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
