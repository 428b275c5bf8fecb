"""The trainer's data entry points: the storm data set (the default), the
monthly 500 hPa height, and any data set given by a description
(dataset/description.py; schema in docs/spec/dataset.md).

Storm data: six NCL storm fields, 64 six-hourly steps on a 33x36 grid.
Fill values (attributes `_FillValue` / `missing_value`, the literal -9999 and
NaN) are missing data: they get value 0 after normalisation (the channel mean)
and a `valid` mask that every loss and metric uses.
"""
from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple

from .dataset import Fields, load_fields, windows
from .dataset.storm import (DEFAULT_FILL, STORM_SPLIT, default_data_dir, hgt_description, storm_description,
                            storm_files)

__all__ = ["Fields", "windows", "load_fields", "load_storm", "load_hgt", "resolve_storm_files", "default_data_dir",
           "STORM_SPLIT", "DEFAULT_FILL"]


def resolve_storm_files(data: Optional[Sequence[str]]) -> List[str]:
    """Map `--data` (a directory, or the six files in any order) to channel order."""
    files = storm_files(data)
    if files is None:
        storm_description(data)  # raises the one-line error naming the storm files
    return files


def load_storm(data: Optional[Sequence[str]] = None) -> Fields:
    """Load the six storm channels (order p, t, u, v, u500, v500), normalised."""
    return load_fields(storm_description(data))


def load_hgt(path: Optional[str] = None, split: Optional[Dict[str, Tuple[int, int]]] = None) -> Fields:
    """Second data set: monthly 500 hPa height `HGT` (21, 73, 144), one channel.

    Default split for its 21 months: train [0, 13), val [13, 17), test [17, 21)
    (with T_in = T_out = 2 every split holds at least one window)."""
    return load_fields(hgt_description(path, split))
