"""Data set descriptions (JSON), readers for NetCDF-3/4, HDF5 and Zarr, and the
loader that turns a description into normalised fields and windows."""
from .description import Description, VariableSpec, load_description, parse_description
from .errors import DatasetError
from .fields import Fields, windows
from .loader import load_fields

__all__ = ["Description", "VariableSpec", "DatasetError", "Fields", "windows", "load_description",
           "parse_description", "load_fields"]
