"""PyTorch side of `npm run bench:sweep`: the noise-robustness sweep of the
engine (src/core/experiments/sweep.ts) in the trainer's model, timed, with one of
two schedules:

    /usr/bin/python3 scripts/bench_sweep_torch.py --ckpt demo/checkpoints/simvp_dynapruner.onnx \
        --schedule loop|rows --threads 1 --sigmas 0,0.01,0.02,0.05,0.1 --seeds 2 --batch 16 [--repeat 3]

- `loop`: the PyTorch eval loop (as the trainer's `bench_eval`): for every
  sigma and seed, the test windows in batches of --batch; sigma 0 runs once
  per seed.
- `rows`: the engine's own schedule, to compare runtimes alone: every
  (sample x sigma x seed) is one row, sigma 0 (deterministic) runs once, rows
  of all configurations are packed into batches of --batch rows.

Both: noise `X + N(0, sigma^2)`; per sample: MSE on valid pixels and
mask-aware effective MACs (the trainer's own counter, `count_macs=True`);
torch.inference_mode, torch.set_num_threads(--threads), one warm-up sweep
before the timed repetitions.
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


def sweep_once(model, x_all, y_all, v_all, sigmas, seeds, batch, schedule):
    """One sweep; returns (rows run, per-sigma list of per-row MSE)."""
    n = len(x_all)
    if schedule == "loop":
        # Per (sigma, seed): the windows in batches of `batch` (never mixing configurations).
        chunks = [[(si, seed, k) for k in range(i, min(i + batch, n))]
                  for si in range(len(sigmas)) for seed in range(seeds) for i in range(0, n, batch)]
        return run_chunks(model, chunks, x_all, y_all, v_all, sigmas)
    rows = [(si, 0, k) for si, s in enumerate(sigmas) if s == 0 for k in range(n)]
    rows += [(si, seed, k) for si, s in enumerate(sigmas) if s > 0 for seed in range(seeds) for k in range(n)]
    return run_chunks(model, [rows[i:i + batch] for i in range(0, len(rows), batch)], x_all, y_all, v_all, sigmas)


def run_chunks(model, chunks, x_all, y_all, v_all, sigmas):
    """Runs batches of (sigma index, seed, sample) rows; returns (rows, per-sigma MSE lists)."""
    mses = {si: [] for si in range(len(sigmas))}
    g = torch.Generator()
    count = 0
    with torch.inference_mode():
        for chunk in chunks:
            count += len(chunk)
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
    return count, mses


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ckpt", required=True, help=".onnx with .onnx.pt beside it (or the .pt)")
    ap.add_argument("--data", nargs="*", default=None)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--sigmas", default="0,0.01,0.02,0.05,0.1")
    ap.add_argument("--seeds", type=int, default=2)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--schedule", choices=["loop", "rows"], default="loop")
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
    sweep_once(model, x_all, y_all, v_all, sigmas, a.seeds, a.batch, a.schedule)  # warm-up, like the engine's
    seconds, cpu_seconds = [], []
    for _ in range(a.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        rows, mses = sweep_once(model, x_all, y_all, v_all, sigmas, a.seeds, a.batch, a.schedule)
        seconds.append(time.perf_counter() - t0)
        cpu_seconds.append(time.process_time() - c0)
    grid = len(x_all) * len(sigmas) * a.seeds
    med = statistics.median(seconds)
    print(json.dumps({
        "rows": rows, "samples_configs": grid, "seconds": seconds, "cpu_seconds": cpu_seconds, "per_second": grid / med,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "threads": a.threads, "batch": a.batch, "schedule": a.schedule, "torch": torch.__version__,
        "per_sigma": {str(s): float(np.mean(mses[i])) for i, s in enumerate(sigmas)},
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
