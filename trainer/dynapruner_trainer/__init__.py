"""Reference trainer for Dyna-Pruner (method spec v1, checkpoint contract v1).

One concept per module: data loading (data.py), masks and gates (masks.py),
backbones (backbones/), variants (variants.py), losses (losses.py),
ONNX export (export.py), MAC counting (macs.py), metrics (metrics.py),
and the CLIs train.py / evaluate.py / bench_eval.py.
"""
__version__ = "0.1.0"
