"""Training CLI: reproducibility with a seed, 2-process torchrun smoke."""
import os
import subprocess
import sys

import torch

from dynapruner_trainer import train as T

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _run(tmp_path, name, extra=()):
    a = T.parse(["--backbone", "simvp", "--variant", "dynapruner", "--epochs", "2", "--out",
                 str(tmp_path / f"{name}.onnx"), "--quiet", "--no-export", *extra])
    return T.train(a)


def test_same_seed_same_metrics(tmp_path):
    r1 = _run(tmp_path, "a")
    r2 = _run(tmp_path, "b")
    assert r1["eval"]["mse"] == r2["eval"]["mse"]
    assert r1["eval"]["macs"]["effective"] == r2["eval"]["macs"]["effective"]
    s1 = torch.load(str(tmp_path / "a.onnx.pt"))["state"]
    s2 = torch.load(str(tmp_path / "b.onnx.pt"))["state"]
    assert all(torch.equal(s1[k], s2[k]) for k in s1)


def test_torchrun_two_process_smoke(tmp_path):
    out = tmp_path / "ddp.onnx"
    env = dict(os.environ, PYTHONPATH=ROOT, OMP_NUM_THREADS="1")
    # `--redirects 1 --tee 1`: works around torch 1.13 + Python 3.11 (see dynapruner_trainer/torchrun.py)
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
           "--redirects", "1", "--tee", "1",
           "-m", "dynapruner_trainer.train", "--backbone", "simvp", "--variant", "dynapruner",
           "--epochs", "1", "--out", str(out), "--quiet"]
    p = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    blob = torch.load(str(out) + ".pt")
    assert blob["training"]["world_size"] == 2
    assert out.exists()
