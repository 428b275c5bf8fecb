"""Data set descriptions: a JSON file (schema in docs/spec/dataset.md) parsed
and checked into a `Description`. Every problem is a `DatasetError` naming the
description file and the key."""
from __future__ import annotations

import glob
import json
import os
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple, Union

from .errors import DatasetError

FORMATS = ("auto", "netcdf3", "netcdf4", "hdf5", "zarr")
NORMALISATIONS = ("zscore", "log1p")
SPLITS = ("train", "val", "test")
MASK_RULES = ("nonzero", "zero")
TOP_KEYS = {"name", "root", "format", "time_axis", "files", "variables", "select", "t_in", "t_out", "stride",
            "split", "fill_values", "mask", "normalisation", "crop", "coarsen",
            "version", "channels", "time_steps", "grid"}  # the last four: recorded by the loader, not read
ENTRY_KEYS = {"path", "variables", "select", "format", "formats"}  # formats: recorded by the loader
VARIABLE_KEYS = {"name", "channel", "select", "normalisation"}

#: a selection of one position along an extra dimension: ("index", i) or ("value", coordinate value)
Selection = Tuple[str, Union[int, float, str]]


@dataclass
class VariableSpec:
    """One channel: variable `name` in its files, shown as `channel`."""
    name: str
    channel: str
    select: Dict[str, Selection] = field(default_factory=dict)
    normalisation: str = "zscore"


@dataclass
class FileEntry:
    """One `files` entry: the paths its globs matched (concatenated along time: the
    globs in order, each one's matches in name order) and its variables (None:
    every (time, y, x) variable)."""
    key: str
    patterns: List[str]
    paths: List[str]
    variables: Optional[List[VariableSpec]]
    select: Dict[str, Selection]
    format: str


@dataclass
class MaskSpec:
    """Land-sea (or any) mask: a 2-D variable; pixels failing `valid` are invalid everywhere."""
    path: str
    variable: Optional[str]
    valid: str = "nonzero"


@dataclass
class Description:
    source: str
    root: str
    name: str
    entries: List[FileEntry]
    t_in: int
    t_out: int
    stride: int
    split: Union[Dict[str, Tuple[int, int]], List[float]]
    time_axis: Optional[str] = None
    fill_values: List[float] = field(default_factory=list)
    mask: Optional[MaskSpec] = None
    normalisation: str = "zscore"
    crop: Dict[str, Tuple[int, int]] = field(default_factory=dict)
    coarsen: int = 1
    raw: dict = field(default_factory=dict)

    def fail(self, key: str, expected: str, found: Any) -> DatasetError:
        return DatasetError(self.source, key, expected, found if isinstance(found, str) else repr(found))

    def fail_in(self, path: str, key: str, expected: str, found: Any) -> DatasetError:
        """An error in a data file, with the key of this description that led there."""
        return DatasetError(path, f"{key} (of {self.source})", expected, found if isinstance(found, str) else repr(found))


class _Checker:
    """Typed field access on a JSON object that raises one-line DatasetErrors."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, key: str, expected: str, found: Any) -> DatasetError:
        return DatasetError(self.source, key, expected, repr(found) if not isinstance(found, str) else found)

    def keys(self, obj: dict, allowed: set, where: str) -> None:
        extra = sorted(set(obj) - allowed)
        if extra:
            raise self.fail(f"{where}{extra[0]}", f"one of {sorted(allowed)}", f"unknown key '{extra[0]}'")

    def int(self, obj: dict, key: str, where: str, default=None, minimum: int = 1) -> int:
        v = obj.get(key, default)
        if isinstance(v, bool) or not isinstance(v, int) or v < minimum:
            raise self.fail(where + key, f"an integer >= {minimum}", "missing" if v is None else v)
        return v

    def str(self, obj: dict, key: str, where: str, default=None, choices=None) -> str:
        v = obj.get(key, default)
        if not isinstance(v, str) or (choices and v not in choices):
            raise self.fail(where + key, f"one of {list(choices)}" if choices else "a string",
                            "missing" if v is None else v)
        return v


def parse_select(ck: _Checker, sel: Any, where: str) -> Dict[str, Selection]:
    """`{"level": 3}` / `{"level": {"index": 3}}` / `{"level": {"value": 500}}`."""
    if sel is None:
        return {}
    if not isinstance(sel, dict):
        raise ck.fail(where, "an object {dim: index | {index: i} | {value: v}}", sel)
    out: Dict[str, Selection] = {}
    for dim, v in sel.items():
        if isinstance(v, int) and not isinstance(v, bool):
            out[dim] = ("index", v)
        elif isinstance(v, dict) and len(v) == 1 and "index" in v and isinstance(v["index"], int):
            out[dim] = ("index", v["index"])
        elif isinstance(v, dict) and len(v) == 1 and "value" in v and isinstance(v["value"], (int, float, str)):
            out[dim] = ("value", v["value"])
        else:
            raise ck.fail(f"{where}.{dim}", "an index, {index: i} or {value: v}", v)
    return out


def parse_variable(ck: _Checker, v: Any, where: str, normalisation: str) -> VariableSpec:
    if isinstance(v, str):
        return VariableSpec(v, v, {}, normalisation)
    if not isinstance(v, dict):
        raise ck.fail(where, "a variable name or {name, channel, select, normalisation}", v)
    ck.keys(v, VARIABLE_KEYS, where + ".")
    name = ck.str(v, "name", where + ".")
    return VariableSpec(name, ck.str(v, "channel", where + ".", default=name),
                        parse_select(ck, v.get("select"), where + ".select"),
                        ck.str(v, "normalisation", where + ".", default=normalisation, choices=NORMALISATIONS))


def parse_variables(ck: _Checker, vs: Any, where: str, normalisation: str) -> Optional[List[VariableSpec]]:
    if vs is None:
        return None
    if isinstance(vs, str):
        vs = [vs]
    if not isinstance(vs, list) or not vs:
        raise ck.fail(where, "a non-empty list of variables", vs)
    return [parse_variable(ck, v, f"{where}[{i}]", normalisation) for i, v in enumerate(vs)]


def resolve_glob(ck: _Checker, root: str, pattern: str, key: str) -> List[str]:
    """Files (or Zarr directories) matching `pattern` under `root`, which none may leave."""
    if os.path.isabs(pattern):
        raise ck.fail(key, f"a path relative to {root}", pattern)
    real_root = os.path.realpath(root)
    paths = sorted(glob.glob(os.path.join(root, pattern)))
    for p in paths:
        rp = os.path.realpath(p)
        if os.path.commonpath([real_root, rp]) != real_root:
            raise ck.fail(key, f"a path inside {root}", pattern)
    if not paths:
        outside = os.path.commonpath([real_root, os.path.realpath(os.path.join(root, pattern))]) != real_root
        raise ck.fail(key, f"a path inside {root}" if outside else f"at least one file matching it in {root}",
                      pattern if outside else f"none for '{pattern}'")
    return paths


def parse_entry(ck: _Checker, e: Any, i: int, root: str, defaults: dict) -> FileEntry:
    key = f"files[{i}]"
    if isinstance(e, str):
        e = {"path": e}
    if not isinstance(e, dict):
        raise ck.fail(key, "a glob or {path, variables, select, format}", e)
    ck.keys(e, ENTRY_KEYS, key + ".")
    patterns = e.get("path")
    patterns = [patterns] if isinstance(patterns, str) else patterns
    if not isinstance(patterns, list) or not patterns or not all(isinstance(p, str) for p in patterns):
        raise ck.fail(key + ".path", "a glob or a list of globs", "missing" if patterns is None else patterns)
    variables = parse_variables(ck, e.get("variables"), key + ".variables", defaults["normalisation"])
    select = dict(defaults["select"])
    select.update(parse_select(ck, e.get("select"), key + ".select"))
    paths = [p for pat in patterns for p in resolve_glob(ck, root, pat, key + ".path")]
    return FileEntry(key, patterns, paths,
                     variables if variables is not None else defaults["variables"], select,
                     ck.str(e, "format", key + ".", default=defaults["format"], choices=FORMATS))


def parse_split(ck: _Checker, s: Any) -> Union[Dict[str, Tuple[int, int]], List[float]]:
    """Index ranges {train: [a, b), val, test} or fractions [train, val, test] (also "0.7,0.1,0.2")."""
    if isinstance(s, str):
        try:
            s = [float(x) for x in s.split(",")]
        except ValueError:
            raise ck.fail("split", "three fractions 'train,val,test'", s) from None
    if isinstance(s, list):
        ok = len(s) == 3 and all(isinstance(f, (int, float)) and 0 <= f <= 1 for f in s) and sum(s) <= 1 + 1e-9
        if not ok or s[0] <= 0:
            raise ck.fail("split", "three fractions train,val,test in [0, 1] summing to at most 1", s)
        return [float(f) for f in s]
    if not isinstance(s, dict) or set(s) != set(SPLITS):
        raise ck.fail("split", "{train: [a, b], val: [a, b], test: [a, b]} or [f_train, f_val, f_test]", s)
    out = {}
    for k in SPLITS:
        r = s[k]
        if not (isinstance(r, list) and len(r) == 2 and all(isinstance(x, int) for x in r) and 0 <= r[0] < r[1]):
            raise ck.fail(f"split.{k}", "[start, end) time indices with 0 <= start < end", r)
        out[k] = (r[0], r[1])
    return out


def parse_crop(ck: _Checker, c: Any) -> Dict[str, Tuple[int, int]]:
    if c is None:
        return {}
    if not isinstance(c, dict) or not set(c) <= {"y", "x"}:
        raise ck.fail("crop", "{y: [start, end], x: [start, end]} (grid indices)", c)
    for k, r in c.items():
        if not (isinstance(r, list) and len(r) == 2 and all(isinstance(x, int) for x in r) and 0 <= r[0] < r[1]):
            raise ck.fail(f"crop.{k}", "[start, end) grid indices with 0 <= start < end", r)
    return {k: (r[0], r[1]) for k, r in c.items()}


def parse_mask(ck: _Checker, m: Any, root: str) -> Optional[MaskSpec]:
    if m is None:
        return None
    if isinstance(m, str):
        m = {"file": m}
    if not isinstance(m, dict):
        raise ck.fail("mask", "{file, variable, valid: nonzero | zero}", m)
    ck.keys(m, {"file", "variable", "valid"}, "mask.")
    paths = resolve_glob(ck, root, ck.str(m, "file", "mask."), "mask.file")
    if len(paths) != 1:
        raise ck.fail("mask.file", "exactly one file", f"{len(paths)} matches")
    var = m.get("variable")
    if var is not None and not isinstance(var, str):
        raise ck.fail("mask.variable", "a variable name", var)
    return MaskSpec(paths[0], var, ck.str(m, "valid", "mask.", default="nonzero", choices=MASK_RULES))


def parse_fill_values(ck: _Checker, f: Any) -> List[float]:
    if f is None:
        return []
    if not isinstance(f, list) or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in f):
        raise ck.fail("fill_values", "a list of numbers", f)
    return [float(x) for x in f]


def parse_description(obj: Any, source: str, base_dir: str) -> Description:
    """Check a description object; `root` (default ".") is relative to `base_dir`."""
    ck = _Checker(source)
    if not isinstance(obj, dict):
        raise ck.fail("(top level)", "a JSON object", type(obj).__name__)
    ck.keys(obj, TOP_KEYS, "")
    root = os.path.normpath(os.path.join(base_dir, ck.str(obj, "root", "", default=".")))
    if not os.path.isdir(root):
        raise ck.fail("root", "an existing folder", root)
    norm = ck.str(obj, "normalisation", "", default="zscore", choices=NORMALISATIONS)
    defaults = {"normalisation": norm, "variables": parse_variables(ck, obj.get("variables"), "variables", norm),
                "select": parse_select(ck, obj.get("select"), "select"),
                "format": ck.str(obj, "format", "", default="auto", choices=FORMATS)}
    files = obj.get("files")
    if isinstance(files, str):
        files = [files]
    if not isinstance(files, list) or not files:
        raise ck.fail("files", "a non-empty list of globs or entries", "missing" if files is None else files)
    time_axis = obj.get("time_axis")
    if time_axis is not None and not isinstance(time_axis, str):
        raise ck.fail("time_axis", "a dimension name", time_axis)
    return Description(
        source=source, root=root, name=ck.str(obj, "name", "", default=os.path.basename(root) or "dataset"),
        entries=[parse_entry(ck, e, i, root, defaults) for i, e in enumerate(files)],
        t_in=ck.int(obj, "t_in", "", 4), t_out=ck.int(obj, "t_out", "", 4), stride=ck.int(obj, "stride", "", 1),
        split=parse_split(ck, obj.get("split", [0.7, 0.1, 0.2])), time_axis=time_axis,
        fill_values=parse_fill_values(ck, obj.get("fill_values")), mask=parse_mask(ck, obj.get("mask"), root),
        normalisation=norm, crop=parse_crop(ck, obj.get("crop")), coarsen=ck.int(obj, "coarsen", "", 1),
        raw=obj)


def load_description(path: str) -> Description:
    """Read and check a description file; its file globs are relative to its folder (or `root`)."""
    try:
        with open(path) as f:
            obj = json.load(f)
    except OSError as e:
        raise DatasetError(path, "(file)", "a readable JSON file", e.strerror or str(e)) from None
    except json.JSONDecodeError as e:
        raise DatasetError(path, f"(line {e.lineno})", "valid JSON", e.msg) from None
    return parse_description(obj, path, os.path.dirname(os.path.abspath(path)))

