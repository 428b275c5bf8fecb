"""Resolve a description's entries into channels: which variable of which
files, which dims are time / y / x, and the index that selects the rest."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import List, Optional, Tuple

import numpy as np

from .description import Description, FileEntry, VariableSpec
from .readers import VariableInfo, open_source


@dataclass
class Channel:
    """One channel: `spec.name` read from every source of its entry, in time order."""
    entry: FileEntry
    spec: VariableSpec
    key: str
    sources: list
    infos: List[VariableInfo]
    time_dim: int
    y_dim: int
    x_dim: int
    fixed: dict  # dim position -> selected index

    @property
    def steps(self) -> int:
        return sum(i.shape[self.time_dim] for i in self.infos)

    @property
    def grid(self) -> Tuple[int, int]:
        return self.infos[0].shape[self.y_dim], self.infos[0].shape[self.x_dim]


def _time_dim(desc: Description, info: VariableInfo, path: str, key: str) -> int:
    if desc.time_axis is not None:
        if desc.time_axis not in info.dims:
            raise desc.fail_in(path, "time_axis", f"a dimension of '{info.name}' {list(info.dims)}",
                               f"'{desc.time_axis}'")
        return info.dims.index(desc.time_axis)
    return info.dims.index("time") if "time" in info.dims else 0


def _select_index(desc: Description, src, info: VariableInfo, dim: str, sel, path: str, key: str) -> int:
    kind, v = sel
    n = info.shape[info.dims.index(dim)]
    if kind == "index":
        if not 0 <= v < n:
            raise desc.fail_in(path, f"{key}.select.{dim}", f"an index in [0, {n})", v)
        return v
    coord = src.coordinate(dim)
    if coord is None:
        raise desc.fail_in(path, f"{key}.select.{dim}", f"a coordinate variable '{dim}' to select by value",
                           "none (use an index)")
    hits = np.nonzero(coord == v)[0] if isinstance(v, str) else np.nonzero(np.isclose(coord, v))[0]
    if len(hits) != 1:
        raise desc.fail_in(path, f"{key}.select.{dim}", f"one of {coord.tolist()[:12]}", v)
    return int(hits[0])


def _layout(desc: Description, src, info: VariableInfo, entry: FileEntry, spec: VariableSpec, path: str, key: str):
    """(time dim, y dim, x dim, {dim position: index}) of one variable."""
    t = _time_dim(desc, info, path, key)
    select = dict(entry.select)
    select.update(spec.select)
    fixed = {}
    for dim, sel in select.items():
        if dim in info.dims and info.dims.index(dim) != t:
            fixed[info.dims.index(dim)] = _select_index(desc, src, info, dim, sel, path, key)
    free = [i for i in range(len(info.dims)) if i != t and i not in fixed]
    if len(free) != 2:
        extra = [info.dims[i] for i in free[:-2]]
        raise desc.fail_in(path, f"{key}.select", f"a selection for every dimension besides time, y, x of "
                           f"'{info.name}' {list(info.dims)}", f"none for {extra}" if extra else "too few dimensions")
    return t, free[0], free[1], fixed


def _is_field(desc: Description, info: VariableInfo, entry: FileEntry) -> bool:
    """A default variable: (time, y, x) once the entry's selections are applied; not a coordinate."""
    if info.name in info.dims or len(info.dims) < 3:
        return False
    rest = [d for d in info.dims if d not in entry.select]
    return len(rest) == 3 and (desc.time_axis is None or desc.time_axis in rest)


def _entry_specs(desc: Description, entry: FileEntry, src, path: str) -> List[VariableSpec]:
    infos = src.variables()
    if entry.variables is not None:
        return entry.variables
    specs = [VariableSpec(n, n, {}, desc.normalisation) for n, i in infos.items() if _is_field(desc, i, entry)]
    if not specs:
        raise desc.fail_in(path, f"{entry.key}.variables", "at least one (time, y, x) variable",
                           f"variables {sorted(infos)}")
    return specs


def entry_channels(desc: Description, entry: FileEntry) -> List[Channel]:
    sources = [open_source(p, entry.format) for p in entry.paths]
    first = entry.paths[0]
    out = []
    for j, spec in enumerate(_entry_specs(desc, entry, sources[0], first)):
        key = f"{entry.key}.variables[{j}]"
        infos = []
        layout = None
        for src, path in zip(sources, entry.paths):
            found = src.variables()
            if spec.name not in found:
                raise desc.fail_in(path, key, f"a variable of the file {sorted(found)}", f"'{spec.name}'")
            info = found[spec.name]
            lay = _layout(desc, src, info, entry, spec, path, key)
            if layout is not None and (info.shape[lay[1]], info.shape[lay[2]]) != (infos[0].shape[layout[1]],
                                                                                   infos[0].shape[layout[2]]):
                raise desc.fail_in(path, key, f"the grid of {os.path.basename(first)}", list(info.shape))
            layout = layout or lay
            infos.append(info)
        out.append(Channel(entry, spec, key, sources, infos, *layout))
    return out


def resolve_channels(desc: Description) -> List[Channel]:
    """Every channel in order; channel names unique, all with the same length and grid."""
    chans = [c for e in desc.entries for c in entry_channels(desc, e)]
    seen = {}
    for c in chans:
        if c.spec.channel in seen:
            raise desc.fail(f"{c.key}.channel", "unique channel names (set 'channel')",
                            f"'{c.spec.channel}' twice ({seen[c.spec.channel]} and {c.key})")
        seen[c.spec.channel] = c.key
        if (c.steps, c.grid) != (chans[0].steps, chans[0].grid):
            raise desc.fail_in(c.entry.paths[0], c.key, f"{chans[0].steps} time steps on a {list(chans[0].grid)} "
                               f"grid like {chans[0].key}", f"{c.steps} on {list(c.grid)}")
    return chans


def close_all(chans: List[Channel]) -> None:
    done = set()
    for c in chans:
        for s in c.sources:
            if id(s) not in done:
                done.add(id(s))
                s.close()


def read_block(chan: Channel, src_index: int, t0: int, t1: int, crop: Optional[dict]) -> np.ndarray:
    """Time steps [t0, t1) of source `src_index`, cropped, as float64 [t, y, x]."""
    info = chan.infos[src_index]
    index = [slice(None)] * len(info.dims)
    index[chan.time_dim] = slice(t0, t1)
    for pos, i in chan.fixed.items():
        index[pos] = i
    if crop:
        for axis, dim in (("y", chan.y_dim), ("x", chan.x_dim)):
            if axis in crop:
                index[dim] = slice(*crop[axis])
    raw = chan.sources[src_index].read(chan.spec.name, tuple(index))
    kept = [d for d in range(len(info.dims)) if d not in chan.fixed]
    order = [kept.index(chan.time_dim), kept.index(chan.y_dim), kept.index(chan.x_dim)]
    return np.transpose(np.asarray(raw, dtype=np.float64), order)
