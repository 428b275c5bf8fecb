"""A Table I section for checkpoints trained on any data set, evaluated on the
test split of the data set each records, written into a markdown file between
`<!-- section NAME -->` markers (replacing an earlier version of that section).

    python -m dynapruner_trainer.table runs/hgt/simvp_dense.onnx runs/hgt/simvp_dynapruner.onnx \
        --section hgt --title "NCL monthly 500 hPa height" --markdown RESULTS.md
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import List

import torch

from .dataset import load_fields, windows
from .dataset.cli import data_for_checkpoint
from .evaluate import evaluate_model, load_checkpoint
from .results import KEEP_MARKER, pct


def rows(paths: List[str]) -> tuple:
    """(markdown rows, persistence MSE, data set name); the first checkpoint is the reference."""
    out, ref, pers, name = [], None, None, None
    for p in paths:
        model, blob = load_checkpoint(p)
        fields = load_fields(data_for_checkpoint(None, blob, p))
        r = evaluate_model(model, windows(fields, "test"))
        ref = ref or r
        n = r["samples"]
        pers, name = r["persistence_mse"], f"{fields.name}, {n} test window{'' if n == 1 else 's'}"
        e, auc = r["macs"]["effective"], r.get("importance", {}).get("roc_auc")
        out.append(f"| {model.variant} | {r['mse']:.4f} | {r['mae']:.4f} | {r['macs']['dense'] / 1e9:.4f} | "
                   f"{e['mean'] / 1e9:.4f} ({e['p5'] / 1e9:.4f}-{e['p95'] / 1e9:.4f}) | {pct(r['mse'], ref['mse'])} | "
                   f"{pct(e['mean'], ref['macs']['dense'])} | {'' if auc is None else f'{auc:.3f}'} |")
    return out, pers, name


def section(name: str, title: str, paths: List[str], note: str) -> str:
    body, pers, data = rows(paths)
    return "\n".join([f"<!-- section {name} -->", f"### {title} ({data})", "",
                      f"Persistence MSE {pers:.4f}. Valid pixels, normalised units; MACs per sample (counting spec).",
                      "", "| method | MSE | MAE | dense GMACs | effective GMACs (p5-p95) | MSE vs dense | MACs vs dense "
                      "| ROC AUC (S vs top-20% abs Delta) |", "|---|---|---|---|---|---|---|---|", *body, "",
                      note, f"<!-- end {name} -->", ""])


def write_section(path: str, name: str, text: str) -> None:
    old = open(path).read() if os.path.exists(path) else ""
    start, end = f"<!-- section {name} -->", f"<!-- end {name} -->\n"
    if start in old and end in old:
        new = old[:old.index(start)] + text + old[old.index(end) + len(end):]
    else:
        new = old if KEEP_MARKER in old else old.rstrip("\n") + f"\n\n{KEEP_MARKER}\n"
        new = new.rstrip("\n") + "\n\n" + text
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w") as f:
        f.write(new)
    os.replace(tmp, path)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoints", nargs="+", help="the dense reference first")
    ap.add_argument("--section", required=True)
    ap.add_argument("--title", required=True)
    ap.add_argument("--note", default="")
    ap.add_argument("--markdown", required=True)
    a = ap.parse_args(argv)
    torch.set_num_threads(1)
    text = section(a.section, a.title, a.checkpoints, a.note)
    print(text)
    write_section(a.markdown, a.section, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
