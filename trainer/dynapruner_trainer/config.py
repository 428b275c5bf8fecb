"""Experiment configs: one JSON file per experiment (data, backbone and widths,
variant, sparsity targets, schedule, seed, output), read by `train --config`.
Every value becomes the default of the matching command-line flag, so flags
given on the command line override the file. Paths (`data` when a string or a list,
`init_from`, `out`) are relative to the config file; `init_from` may start with
`{out_dir}/`, the folder `out` names after command-line overrides (so a masked
run finds the dense checkpoint trained beside it)."""
from __future__ import annotations

import json
import os
from typing import Any, Dict

from .errors import InputError

#: section -> {config key: argparse destination}; None = a top-level key
SECTIONS: Dict[Any, Dict[str, str]] = {
    None: {"backbone": "backbone", "variant": "variant", "seed": "seed", "threads": "threads", "device": "device",
           "init_from": "init_from", "out": "out", "widths": "widths", "data": "data"},
    "targets": {"s_d": "s_d", "s_w": "s_w"},
    "mask": {"resolution_factor": "mask_pool"},
    "loss": {"lambda_d": "lambda_d", "lambda_w": "lambda_w", "theta_d": "theta_d", "distill": "distill",
             "unit_sparsity": "unit_sparsity"},
    "schedule": {"epochs": "epochs", "lr": "lr", "weight_decay": "wd", "batch": "batch", "soft_frac": "soft_frac",
                 "ramp_frac": "ramp_frac", "mask_pretrain": "mask_pretrain", "tau_lr_mult": "tau_lr_mult",
                 "gate_init": "gate_init", "last": "last", "max_steps": "max_steps",
                 "gate_t_start": "gate_t_start", "gate_t_end": "gate_t_end"},
}
INFO_KEYS = ("name", "notes")
PATH_KEYS = ("init_from", "out")
#: `init_from` may start with this: the folder of `out` (after command-line overrides)
OUT_DIR = "{out_dir}"


def _fail(path: str, key: str, expected: str, found: Any) -> InputError:
    return InputError(path, key, expected, found if isinstance(found, str) else repr(found))


def read_config(path: str) -> dict:
    try:
        with open(path) as f:
            obj = json.load(f)
    except OSError as e:
        raise _fail(path, "(file)", "a readable JSON file", e.strerror or str(e)) from None
    except json.JSONDecodeError as e:
        raise _fail(path, f"(line {e.lineno})", "valid JSON", e.msg) from None
    if not isinstance(obj, dict):
        raise _fail(path, "(top level)", "a JSON object", type(obj).__name__)
    return obj


def config_defaults(path: str) -> Dict[str, Any]:
    """argparse destination -> value for every key of the config at `path`."""
    obj = read_config(path)
    base = os.path.dirname(os.path.abspath(path))
    out: Dict[str, Any] = {"config_dir": base}
    for key, value in obj.items():
        if key in INFO_KEYS:
            continue
        if key in SECTIONS and key is not None:
            if not isinstance(value, dict):
                raise _fail(path, key, f"an object with keys {sorted(SECTIONS[key])}", value)
            for sub, v in value.items():
                if sub not in SECTIONS[key]:
                    raise _fail(path, f"{key}.{sub}", f"one of {sorted(SECTIONS[key])}", f"unknown key '{sub}'")
                out[SECTIONS[key][sub]] = v
        elif key in SECTIONS[None]:
            out[SECTIONS[None][key]] = value
        else:
            known = sorted(set(SECTIONS[None]) | {k for k in SECTIONS if k} | set(INFO_KEYS))
            raise _fail(path, key, f"one of {known}", f"unknown key '{key}'")
    for key in PATH_KEYS:
        if isinstance(out.get(key), str) and not out[key].startswith(OUT_DIR):
            out[key] = os.path.normpath(os.path.join(base, out[key]))
    data = out.get("data")
    if isinstance(data, str):
        data = [data]
    if isinstance(data, list) and all(isinstance(p, str) for p in data):
        out["data"] = [os.path.normpath(os.path.join(base, p)) for p in data]
    elif data is not None and not isinstance(data, dict):
        raise _fail(path, "data", "a description path, a list of data files or an inline description", data)
    if "widths" in out and not isinstance(out["widths"], dict):
        raise _fail(path, "widths", "an object such as {\"hid_s\": 64}", out["widths"])
    return out


def check_config_values(ap, defaults: Dict[str, Any], path: str) -> None:
    """argparse checks choices and types only of values given as flags; check the config's too."""
    keys = {dest: (f"{sec}.{k}" if sec else k) for sec, m in SECTIONS.items() for k, dest in m.items()}
    for action in ap._actions:
        if action.dest not in defaults or defaults[action.dest] is None:
            continue
        value, key = defaults[action.dest], keys.get(action.dest, action.dest)
        if action.choices is not None and value not in action.choices:
            raise _fail(path, key, f"one of {list(action.choices)}", value)
        if action.type in (int, float):
            ok = isinstance(value, int) if action.type is int else isinstance(value, (int, float))
            if not ok or isinstance(value, bool):
                raise _fail(path, key, "an integer" if action.type is int else "a number", value)
        if action.nargs == 0 and not isinstance(value, bool):
            raise _fail(path, key, "true or false", value)


def resolve_out_dir(init_from, out: str):
    """`{out_dir}/x.pt` -> `<folder of out>/x.pt`."""
    if isinstance(init_from, str) and init_from.startswith(OUT_DIR):
        return os.path.join(os.path.dirname(os.path.abspath(out)), init_from[len(OUT_DIR):].lstrip("/"))
    return init_from
