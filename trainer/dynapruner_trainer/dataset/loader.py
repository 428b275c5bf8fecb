"""Description -> normalised `Fields`. Files are read in blocks of time steps
(never a whole file at once), one channel at a time: peak memory is the output
plus one channel in float64."""
from __future__ import annotations

import os
from typing import Dict, List, Optional, Tuple

import numpy as np

from .channels import Channel, close_all, read_block, resolve_channels
from .description import SPLITS, Description
from .fields import Fields, window_starts
from .readers import open_source, sniff_format
from .validity import unpack, valid_mask

#: time steps read per call
READ_BLOCK = 256


def resolve_split(desc: Description, steps: int) -> Dict[str, Tuple[int, int]]:
    """Index ranges of the splits; fractions become contiguous train | val | test ranges."""
    if isinstance(desc.split, dict):
        for k, (a, b) in desc.split.items():
            if b > steps:
                raise desc.fail(f"split.{k}", f"a range inside the {steps} time steps", [a, b])
        return dict(desc.split)
    edges = np.round(np.cumsum([0.0] + desc.split) * steps).astype(int).tolist()
    return {k: (edges[i], edges[i + 1]) for i, k in enumerate(SPLITS)}


def check_windows(desc: Description, split: Dict[str, Tuple[int, int]]) -> None:
    need = desc.t_in + desc.t_out
    for k in SPLITS:
        a, b = split[k]
        if not window_starts((a, b), desc.t_in, desc.t_out, desc.stride):
            raise desc.fail(f"split.{k}", f"at least t_in + t_out = {need} time steps for one window",
                            f"{b - a} ([{a}, {b}))")


def output_grid(desc: Description, grid: Tuple[int, int], where: str) -> Tuple[int, int]:
    """Grid after crop and coarsening; checks the crop fits."""
    dims = list(grid)
    for i, axis in enumerate(("y", "x")):
        if axis in desc.crop:
            a, b = desc.crop[axis]
            if b > dims[i]:
                raise desc.fail(f"crop.{axis}", f"a range inside [0, {dims[i]}) of {where}", [a, b])
            dims[i] = b - a
    if dims[0] // desc.coarsen < 1 or dims[1] // desc.coarsen < 1:
        raise desc.fail("coarsen", f"a factor at most the grid {dims}", desc.coarsen)
    return dims[0] // desc.coarsen, dims[1] // desc.coarsen


def coarsen(x: np.ndarray, valid: np.ndarray, k: int) -> Tuple[np.ndarray, np.ndarray]:
    """k x k block mean of the valid values (edges trimmed); a block is valid if any value is."""
    if k == 1:
        return x, valid
    t, h, w = x.shape
    h2, w2 = h // k, w // k
    xb = np.where(valid, x, 0.0)[:, :h2 * k, :w2 * k].reshape(t, h2, k, w2, k)
    vb = valid[:, :h2 * k, :w2 * k].reshape(t, h2, k, w2, k)
    n = vb.sum(axis=(2, 4))
    return np.where(n > 0, xb.sum(axis=(2, 4)) / np.maximum(n, 1), 0.0), n > 0


def load_mask(desc: Description) -> Optional[np.ndarray]:
    """The description's 2-D mask, cropped (True = may hold data)."""
    if desc.mask is None:
        return None
    src = open_source(desc.mask.path)
    try:
        infos = src.variables()
        name = desc.mask.variable or next((n for n, i in infos.items() if len(i.dims) >= 2 and n not in i.dims), None)
        if name not in infos:
            raise desc.fail_in(desc.mask.path, "mask.variable", f"a variable of the file {sorted(infos)}", str(name))
        m = np.squeeze(np.asarray(src.read(name, ()), dtype=np.float64))
    finally:
        src.close()
    if m.ndim != 2:
        raise desc.fail_in(desc.mask.path, "mask.variable", "a 2-D (y, x) field", list(m.shape))
    m = m[slice(*desc.crop.get("y", (None, None))), slice(*desc.crop.get("x", (None, None)))]
    return m != 0 if desc.mask.valid == "nonzero" else m == 0


def read_channel(desc: Description, chan: Channel, mask: Optional[np.ndarray]) -> Tuple[np.ndarray, np.ndarray]:
    """(values float64 [T, H, W] unpacked, valid bool) after crop, mask and coarsening."""
    parts, valids = [], []
    for s, info in enumerate(chan.infos):
        n = info.shape[chan.time_dim]
        for t0 in range(0, n, READ_BLOCK):
            raw = read_block(chan, s, t0, min(n, t0 + READ_BLOCK), desc.crop)
            ok = valid_mask(raw, info.attrs, desc.fill_values)
            if mask is not None:
                if mask.shape != raw.shape[1:]:
                    raise desc.fail_in(desc.mask.path, "mask", f"the grid {list(raw.shape[1:])} of {chan.key}",
                                       list(mask.shape))
                ok &= mask[None]
            x, ok = coarsen(unpack(raw, info.attrs), ok, desc.coarsen)
            parts.append(x)
            valids.append(ok)
    return np.concatenate(parts), np.concatenate(valids)


def normalise_channel(desc: Description, chan: Channel, x: np.ndarray, valid: np.ndarray,
                      train: Tuple[int, int]) -> Tuple[np.ndarray, float, float]:
    """z-score from the valid training values (after log1p for `log1p` channels); invalid -> 0."""
    if not valid.any():
        raise desc.fail_in(chan.entry.paths[0], chan.key, f"valid values in '{chan.spec.name}'",
                           "every value a fill value, NaN or masked")
    if chan.spec.normalisation == "log1p":
        x = np.log1p(np.maximum(x, 0.0))
    vals = x[train[0]:train[1]][valid[train[0]:train[1]]]
    if vals.size == 0:
        raise desc.fail_in(chan.entry.paths[0], chan.key, f"valid values of '{chan.spec.name}' in the training "
                           f"split [{train[0]}, {train[1]})", "none")
    m, s = float(vals.mean()), float(vals.std())
    s = s if s > 0 else 1.0
    return np.where(valid, (x - m) / s, 0.0).astype(np.float32), m, s


def relative_files(desc: Description) -> List[str]:
    return [os.path.relpath(p, desc.root) for e in desc.entries for p in e.paths]


def canonical(desc: Description, chans: List[Channel], split: Dict[str, Tuple[int, int]],
              grid: Tuple[int, int], steps: int) -> dict:
    """The description as resolved (every key explicit), for `<out>.pt` and the contract."""
    def sel(d):
        return {k: {kind: v} for k, (kind, v) in d.items()}
    entries = []
    for e in desc.entries:
        mine = [c for c in chans if c.entry is e]
        entries.append({"path": [os.path.relpath(p, desc.root) for p in e.paths], "format": e.format,
                        "formats": [sniff_format(p) for p in e.paths],
                        "select": sel(e.select),
                        "variables": [{"name": c.spec.name, "channel": c.spec.channel, "select": sel(c.spec.select),
                                       "normalisation": c.spec.normalisation} for c in mine]})
    return {"version": 1, "name": desc.name, "root": desc.root, "files": entries,
            "channels": [c.spec.channel for c in chans], "time_axis": desc.time_axis,
            "t_in": desc.t_in, "t_out": desc.t_out, "stride": desc.stride,
            "split": {k: list(v) for k, v in split.items()}, "time_steps": steps,
            "fill_values": list(desc.fill_values),
            "mask": None if desc.mask is None else {"file": os.path.relpath(desc.mask.path, desc.root),
                                                    "variable": desc.mask.variable, "valid": desc.mask.valid},
            "crop": {k: list(v) for k, v in desc.crop.items()}, "coarsen": desc.coarsen, "grid": list(grid)}


def portable(description: dict, base_dir: str) -> dict:
    """`description` with its root relative to `base_dir` (where the checkpoint is)."""
    out = dict(description)
    out["root"] = os.path.relpath(description["root"], os.path.abspath(base_dir))
    return out


def load_fields(desc: Description) -> Fields:
    """Read, check and normalise every channel of `desc`."""
    chans = resolve_channels(desc)
    try:
        steps = chans[0].steps
        split = resolve_split(desc, steps)
        check_windows(desc, split)
        grid = output_grid(desc, chans[0].grid, chans[0].key)
        mask = load_mask(desc)
        values = np.zeros((steps, len(chans)) + grid, dtype=np.float32)
        valid = np.zeros(values.shape, dtype=bool)
        means, stds = [], []
        for c, chan in enumerate(chans):
            x, ok = read_channel(desc, chan, mask)
            values[:, c], m, s = normalise_channel(desc, chan, x, ok, split["train"])
            valid[:, c] = ok
            means.append(m)
            stds.append(s)
    finally:
        close_all(chans)
    return Fields(values, valid, means, stds, [c.spec.channel for c in chans], relative_files(desc), split,
                  desc.name, desc.t_in, desc.t_out, desc.stride, [c.spec.normalisation for c in chans],
                  canonical(desc, chans, split, grid, steps))
