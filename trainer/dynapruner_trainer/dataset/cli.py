"""Command-line flags for data: `--data` (the storm folder or files, a
description .json, or data files) plus overrides for the common keys."""
from __future__ import annotations

import json
import os
from typing import Optional, Sequence, Union

from .description import Description, NORMALISATIONS, parse_description
from .errors import DatasetError
from .storm import storm_dict, storm_files

#: flag destination -> description key
OVERRIDES = {"variables": "variables", "t_in": "t_in", "t_out": "t_out", "stride": "stride", "split": "split",
             "time_axis": "time_axis", "normalisation": "normalisation"}
DATA_HELP = ("the storm folder or its six files (default: the bundled copy), a data set description (.json), "
             "or data files / Zarr folders (NetCDF-3/4, HDF5, Zarr; several files are concatenated along time)")


def add_data_arguments(ap, data_default=None) -> None:
    ap.add_argument("--data", nargs="*", default=data_default, help=DATA_HELP)
    ap.add_argument("--variables", nargs="+", default=None, help="variables to read (default every (time, y, x) one)")
    ap.add_argument("--t-in", type=int, default=None, help="input frames per window")
    ap.add_argument("--t-out", type=int, default=None, help="target frames per window")
    ap.add_argument("--stride", type=int, default=None, help="time steps between window starts")
    ap.add_argument("--split", default=None, help="train,val,test fractions, e.g. 0.7,0.1,0.2")
    ap.add_argument("--time-axis", default=None, help="name of the time dimension")
    ap.add_argument("--normalisation", default=None, choices=NORMALISATIONS)
    ap.add_argument("--data-root", default=None, help="folder to read the description's files from (its `root`)")


def overrides_of(args) -> dict:
    out = {key: getattr(args, dest) for dest, key in OVERRIDES.items() if getattr(args, dest, None) is not None}
    if getattr(args, "data_root", None):
        out["root"] = os.path.abspath(args.data_root)
    return out


def _read_json(path: str) -> dict:
    try:
        with open(path) as f:
            return json.load(f)
    except OSError as e:
        raise DatasetError(path, "(file)", "a readable JSON file", e.strerror or str(e)) from None
    except json.JSONDecodeError as e:
        raise DatasetError(path, f"(line {e.lineno})", "valid JSON", e.msg) from None


def _files_dict(paths: Sequence[str]) -> dict:
    for p in paths:
        if not os.path.exists(p):
            raise DatasetError(p, "--data", "an existing file or Zarr folder", "no such path")
    root = os.path.commonpath([os.path.dirname(os.path.abspath(p)) for p in paths])
    return {"name": os.path.basename(root) or "dataset", "root": root,
            "files": [{"path": [os.path.relpath(os.path.abspath(p), root) for p in paths]}]}


def describe(data: Union[None, str, Sequence[str], dict], base_dir: str = ".", overrides: Optional[dict] = None,
             source: Optional[str] = None) -> Description:
    """A description from `--data` paths, a description path, or an inline object
    (its `root` relative to `base_dir`); `overrides` replace top-level keys."""
    overrides = overrides or {}
    if isinstance(data, str):
        data = [data]
    if isinstance(data, dict):
        obj, src = dict(data), source or "(inline description)"
    elif data and len(data) == 1 and data[0].endswith(".json"):
        obj, src, base_dir = _read_json(data[0]), data[0], os.path.dirname(os.path.abspath(data[0]))
    elif storm_files(data) is not None and "variables" not in overrides:
        files = [os.path.abspath(p) for p in storm_files(data)]
        root = os.path.commonpath([os.path.dirname(p) for p in files])
        obj, src, base_dir = storm_dict(files, root), f"{root} (storm data set)", root
    elif data:
        obj, src = _files_dict(data), "--data"
    else:
        raise DatasetError("--data", "", "the storm folder, a description or data files", "nothing")
    obj.update(overrides)
    return parse_description(obj, src, base_dir)


def recorded_description(blob: dict, checkpoint_path: str) -> Optional[Description]:
    """The description recorded in a checkpoint's `.pt` (root relative to it), or None
    for checkpoints written before descriptions were recorded."""
    desc = (blob.get("dataset") or {}).get("description")
    if desc is None:
        return None
    return describe(desc, os.path.dirname(os.path.abspath(checkpoint_path)), source=f"{checkpoint_path} (dataset)")


def data_for_checkpoint(data: Optional[Sequence[str]], blob: dict, checkpoint_path: str) -> Description:
    """`--data` if given, else the checkpoint's recorded description, else the storm data."""
    if data:
        return describe(data)
    return recorded_description(blob, checkpoint_path) or describe(None)
