"""Which values are data: the file's `_FillValue` / `missing_value` (scalars or
lists), `valid_range` / `valid_min` / `valid_max`, the description's extra
`fill_values`, NaN, +-inf and |x| >= 1e30 are invalid. Checked on the packed
values, then `scale_factor` / `add_offset` unpack (CF order)."""
from __future__ import annotations

from typing import Iterable, List

import numpy as np

#: magnitudes at or above this are fill values (NetCDF's default float fill is 9.97e36)
ABS_LIMIT = 1e30


def _numbers(v) -> List[float]:
    if v is None:
        return []
    try:
        return np.atleast_1d(np.asarray(v, dtype=np.float64)).tolist()
    except (TypeError, ValueError):
        return []


def fill_values(attrs: dict, extra: Iterable[float]) -> List[float]:
    return list(extra) + _numbers(attrs.get("_FillValue")) + _numbers(attrs.get("missing_value"))


def valid_mask(raw: np.ndarray, attrs: dict, extra_fills: Iterable[float]) -> np.ndarray:
    valid = np.isfinite(raw) & (np.abs(raw) < ABS_LIMIT)
    for f in fill_values(attrs, extra_fills):
        valid &= raw != f
    lo_hi = _numbers(attrs.get("valid_range"))
    lo = lo_hi[0] if len(lo_hi) == 2 else (_numbers(attrs.get("valid_min")) or [None])[0]
    hi = lo_hi[1] if len(lo_hi) == 2 else (_numbers(attrs.get("valid_max")) or [None])[0]
    with np.errstate(invalid="ignore"):
        if lo is not None:
            valid &= raw >= lo
        if hi is not None:
            valid &= raw <= hi
    return valid


def unpack(raw: np.ndarray, attrs: dict) -> np.ndarray:
    scale, offset = _numbers(attrs.get("scale_factor")), _numbers(attrs.get("add_offset"))
    if scale or offset:
        return raw * (scale[0] if scale else 1.0) + (offset[0] if offset else 0.0)
    return raw
