"""Bad input (files, flags, configs), reported as one line."""
from __future__ import annotations


class InputError(ValueError):
    """`<file or flag>: <key>: expected <x>, found <y>`."""

    def __init__(self, file: str, key: str, expected: str, found: str):
        self.file, self.key = file, key
        super().__init__(f"{file}: {key}: expected {expected}, found {found}")
