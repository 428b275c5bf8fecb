"""PyTorch reference for the noise-robustness sweep (method spec section 8),
timed, so the TypeScript engine can benchmark itself against it.

    python -m dynapruner_trainer.bench_eval --ckpt demo/checkpoints/simvp_dynapruner.onnx.pt \
        --data demo/data/ncl --threads 1 --sigmas 0,0.01,0.02,0.05,0.1 --seeds 2 --json bench.json

Runs every test window x sigma x seed (noise `X + N(0, sigma^2)` in
normalised units, generator seeded with `seed * 1000 + sigma index`),
computes per-sample MSE on valid pixels and effective MACs, and prints/writes
`{samples_configs, seconds, per_second, peak_rss_mb, ...}` plus per-sigma mean
MSE with a 95% confidence interval over samples and seeds.
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import time

import numpy as np
import torch

from . import data as D
from .dataset.cli import data_for_checkpoint
from .evaluate import load_checkpoint


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ckpt", required=True, help=".pt (or .onnx with .onnx.pt beside it)")
    ap.add_argument("--data", nargs="*", default=None)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--sigmas", default="0,0.01,0.02,0.05,0.1")
    ap.add_argument("--seeds", type=int, default=2)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--split", default="test")
    ap.add_argument("--json", default=None)
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    model, blob = load_checkpoint(a.ckpt)
    fields = D.load_fields(data_for_checkpoint(a.data, blob, a.ckpt))
    win = D.windows(fields, a.split, model.cfg["t_in"], model.cfg["t_out"])
    x_all = torch.from_numpy(win["inputs"])
    y_all = torch.from_numpy(win["targets"])
    v_all = torch.from_numpy(win["valid"]).float()
    sigmas = [float(s) for s in a.sigmas.split(",") if s.strip()]
    per_sigma = {}
    n_cfg = 0
    t0 = time.perf_counter()
    with torch.no_grad():
        for si, sigma in enumerate(sigmas):
            mses, macs = [], []
            for seed in range(a.seeds):
                g = torch.Generator().manual_seed(seed * 1000 + si)
                noise = torch.randn(x_all.shape, generator=g) * sigma
                xn = x_all + noise
                for i in range(0, len(xn), a.batch):
                    out = model(xn[i:i + a.batch], count_macs=True)
                    p = out["prediction"]
                    y, v = y_all[i:i + a.batch], v_all[i:i + a.batch]
                    mse = (((p - y) ** 2) * v).sum(dim=(1, 2, 3, 4)) / v.sum(dim=(1, 2, 3, 4)).clamp(min=1)
                    mses.append(mse.numpy())
                    macs.append(sum(r["eff"] for r in out["macs"]).numpy())
                    n_cfg += len(p)
            m = np.concatenate(mses)
            per_sigma[str(sigma)] = {"mse": float(m.mean()), "ci95": float(1.96 * m.std(ddof=1) / np.sqrt(len(m))) if len(m) > 1 else 0.0,
                                     "backbone_effective_macs": float(np.concatenate(macs).mean())}
    secs = time.perf_counter() - t0
    res = {"samples_configs": n_cfg, "seconds": secs, "per_second": n_cfg / secs if secs > 0 else None,
           "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
           "threads": a.threads, "batch": a.batch, "sigmas": sigmas, "seeds": a.seeds,
           "checkpoint": a.ckpt, "per_sigma": per_sigma}
    print(json.dumps(res, indent=1))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(res, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
