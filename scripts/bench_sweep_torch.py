"""PyTorch side of `npm run bench:sweep`: the same noise-robustness sweep as
the engine (src/core/engine/sweep.ts), in the trainer's model, timed.

    /usr/bin/python3 scripts/bench_sweep_torch.py --ckpt demo/checkpoints/simvp_dynapruner.onnx \
        --threads 1 --sigmas 0,0.01,0.02,0.05,0.1 --seeds 2 --batch 16 [--repeat 3]

Made to match the engine's work exactly, so the ratio compares runtimes:
every (sample x sigma x seed) is one row; sigma 0 is deterministic and runs
once (as in the engine); rows of all configurations are packed into batches
of --batch rows; noise `X + N(0, sigma^2)` is drawn per row; per row: MSE on
valid pixels and mask-aware effective MACs (the trainer's own counter,
`count_macs=True`); torch.inference_mode, torch.set_num_threads(--threads).
Prints one JSON object: rows, samples_configs, seconds and cpu_seconds (per repetition),
per_second (median), peak_rss_mb, per-sigma mean MSE.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "trainer"))
from dynapruner_trainer import data as D  # noqa: E402
from dynapruner_trainer.evaluate import load_checkpoint  # noqa: E402


def sweep_once(model, x_all, y_all, v_all, sigmas, seeds, batch):
    """One sweep; returns (rows run, per-sigma list of per-row MSE)."""
    n = len(x_all)
    rows = [(si, 0, k) for si, s in enumerate(sigmas) if s == 0 for k in range(n)]
    rows += [(si, seed, k) for si, s in enumerate(sigmas) if s > 0 for seed in range(seeds) for k in range(n)]
    mses = {si: [] for si in range(len(sigmas))}
    g = torch.Generator()
    with torch.inference_mode():
        for i in range(0, len(rows), batch):
            chunk = rows[i:i + batch]
            xs = []
            for si, seed, k in chunk:
                x = x_all[k]
                if sigmas[si] > 0:
                    g.manual_seed(seed * 1_000_003 + si * 1009 + k)
                    x = x + torch.randn(x.shape, generator=g) * sigmas[si]
                xs.append(x)
            idx = torch.tensor([k for _, _, k in chunk])
            out = model(torch.stack(xs), count_macs=True)
            p = out["prediction"]
            y, v = y_all[idx], v_all[idx]
            mse = (((p - y) ** 2) * v).sum(dim=(1, 2, 3, 4)) / v.sum(dim=(1, 2, 3, 4)).clamp(min=1)
            macs = sum(r["eff"] for r in out["macs"])
            assert macs.shape[0] == len(chunk)
            for (si, _, _), m in zip(chunk, mse.tolist()):
                mses[si].append(m)
    return len(rows), mses


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ckpt", required=True, help=".onnx with .onnx.pt beside it (or the .pt)")
    ap.add_argument("--data", nargs="*", default=None)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--sigmas", default="0,0.01,0.02,0.05,0.1")
    ap.add_argument("--seeds", type=int, default=2)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--split", default="test")
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    model, _ = load_checkpoint(a.ckpt)
    model.eval()
    win = D.windows(D.load_storm(a.data), a.split, model.cfg["t_in"], model.cfg["t_out"])
    x_all = torch.from_numpy(win["inputs"])
    y_all = torch.from_numpy(win["targets"])
    v_all = torch.from_numpy(win["valid"]).float()
    sigmas = [float(s) for s in a.sigmas.split(",") if s.strip()]
    sweep_once(model, x_all, y_all, v_all, sigmas, a.seeds, a.batch)  # warm-up, like the engine's
    seconds, cpu_seconds = [], []
    for _ in range(a.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        rows, mses = sweep_once(model, x_all, y_all, v_all, sigmas, a.seeds, a.batch)
        seconds.append(time.perf_counter() - t0)
        cpu_seconds.append(time.process_time() - c0)
    grid = len(x_all) * len(sigmas) * a.seeds
    med = statistics.median(seconds)
    print(json.dumps({
        "rows": rows, "samples_configs": grid, "seconds": seconds, "cpu_seconds": cpu_seconds, "per_second": grid / med,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "threads": a.threads, "batch": a.batch, "torch": torch.__version__,
        "per_sigma": {str(s): float(np.mean(mses[i])) for i, s in enumerate(sigmas)},
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
