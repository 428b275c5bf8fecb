"""The one error type of data set descriptions and readers."""
from __future__ import annotations


class DatasetError(ValueError):
    """Bad data or description, as one line: `<file>: <key>: expected <x>, found <y>`."""

    def __init__(self, file: str, key: str, expected: str, found: str):
        self.file, self.key = file, key
        super().__init__(f"{file}: {key}: expected {expected}, found {found}")
