"""Bad input (files, flags, configs), reported as one line."""
from __future__ import annotations


class InputError(ValueError):
    """`<file>: <key>: expected <x>, found <y>` (`<flag>: expected ...` for a flag)."""

    def __init__(self, file: str, key: str, expected: str, found: str):
        self.file, self.key = file, key
        where = f"{file}: {key}" if key else file  # a flag is its own key
        super().__init__(f"{where}: expected {expected}, found {found}")
