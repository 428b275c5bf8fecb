"""The bundled data sets as descriptions: the NCL storm fields (the trainer's
default) and the NCL monthly 500 hPa height."""
from __future__ import annotations

import os
from typing import Dict, List, Optional, Sequence, Tuple

from .description import Description, parse_description

#: channel order of the storm data set: (channel, file, variable in the file)
STORM_CHANNELS: List[Tuple[str, str, str]] = [
    ("p", "Pstorm.cdf", "p"), ("t", "Tstorm.cdf", "t"), ("u", "Ustorm.cdf", "u"),
    ("v", "Vstorm.cdf", "v"), ("u500", "U500storm.cdf", "u"), ("v500", "V500storm.cdf", "v"),
]
STORM_SPLIT = {"train": (0, 40), "val": (40, 48), "test": (48, 64)}
STORM_NAME = "ncl-storm-1996"
#: the storm files' fill value, also treated as missing where an attribute does not say so
DEFAULT_FILL = -9999.0
HGT_SPLIT = {"train": (0, 13), "val": (13, 17), "test": (17, 21)}


def default_data_dir() -> str:
    """`demo/data/ncl` of this repository (the project's own copy)."""
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.normpath(os.path.join(here, "..", "..", "..", "demo", "data", "ncl"))


def storm_files(paths: Optional[Sequence[str]]) -> Optional[List[str]]:
    """The six storm files in channel order if `paths` is the storm folder or those six
    files (any order); None otherwise."""
    if not paths:
        paths = [default_data_dir()]
    if len(paths) == 1 and os.path.isdir(paths[0]):
        found = [os.path.join(paths[0], f) for _, f, _ in STORM_CHANNELS]
        return found if all(os.path.exists(p) for p in found) else None
    by_name = {os.path.basename(p): p for p in paths}
    if len(paths) != len(STORM_CHANNELS) or any(f not in by_name for _, f, _ in STORM_CHANNELS):
        return None
    return [by_name[f] for _, f, _ in STORM_CHANNELS]


def storm_dict(files: Sequence[str], root: str) -> dict:
    """The storm description as JSON (files relative to `root`)."""
    return {"name": STORM_NAME, "t_in": 4, "t_out": 4, "stride": 1,
            "split": {k: list(v) for k, v in STORM_SPLIT.items()}, "fill_values": [DEFAULT_FILL],
            "files": [{"path": os.path.relpath(p, root), "variables": [{"name": var, "channel": ch}]}
                      for p, (ch, _, var) in zip(files, STORM_CHANNELS)]}


def storm_description(paths: Optional[Sequence[str]] = None, overrides: Optional[dict] = None) -> Description:
    """The storm data set (folder or six files; default the bundled copy)."""
    files = storm_files(paths)
    if files is None:
        raise ValueError(f"--data is not the storm folder or the six storm files "
                         f"({', '.join(f for _, f, _ in STORM_CHANNELS)}): {list(paths or [])}")
    root = os.path.commonpath([os.path.dirname(os.path.abspath(p)) for p in files])
    obj = storm_dict([os.path.abspath(p) for p in files], root)
    obj.update(overrides or {})
    return parse_description(obj, f"{root} (storm data set)", root)


def hgt_description(path: Optional[str] = None, split: Optional[Dict[str, Tuple[int, int]]] = None) -> Description:
    """Monthly 500 hPa height `HGT` (21, 73, 144) as channel z500, T_in = T_out = 2."""
    path = os.path.abspath(path or os.path.join(default_data_dir(), "hgt.nc"))
    root = os.path.dirname(path)
    obj = {"name": "ncl-hgt-monthly", "t_in": 2, "t_out": 2, "fill_values": [DEFAULT_FILL],
           "split": {k: list(v) for k, v in (split or HGT_SPLIT).items()},
           "files": [{"path": os.path.basename(path), "variables": [{"name": "HGT", "channel": "z500"}]}]}
    return parse_description(obj, f"{path} (hgt data set)", root)
