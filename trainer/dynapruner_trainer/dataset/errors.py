"""The error type of data set descriptions and readers."""
from __future__ import annotations

from ..errors import InputError


class DatasetError(InputError):
    """Bad data or description, as one line: `<file>: <key>: expected <x>, found <y>`."""
