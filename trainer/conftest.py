"""Lets `/usr/bin/python3 -m pytest trainer` import the package from the repo root."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
