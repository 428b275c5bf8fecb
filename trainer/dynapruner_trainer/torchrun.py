"""`torchrun` with a fix for torch 1.13 on Python 3.11 (Debian bookworm).

torch 1.13's `Std.from_str("0")` iterates the `Std` IntFlag to find the member
with value 0, but Python 3.11 no longer yields zero-valued (and multi-bit)
flag members when iterating, so plain `torchrun` fails with
`AttributeError: 'NoneType' object has no attribute 'get'` before starting any
worker. Either pass `--redirects 1 --tee 1` to torchrun, or use this module:

    python -m dynapruner_trainer.torchrun --standalone --nproc_per_node=2 \
        -m dynapruner_trainer.train --backbone simvp --variant dense --out /tmp/d.onnx
"""
import re
import sys

from torch.distributed.elastic.multiprocessing import api as _api


def _from_str(vm: str):
    def to_std(v):
        return _api.Std(int(v))
    if re.match(_api._VALUE_REGEX, vm):
        return to_std(vm)
    if re.match(_api._MAPPING_REGEX, vm):
        d = {}
        for m in vm.split(","):
            i, v = m.split(":")
            d[int(i)] = to_std(v)
        return d
    raise ValueError(f"{vm} does not match: <{_api._VALUE_REGEX}> or <{_api._MAPPING_REGEX}>")


_api.Std.from_str = classmethod(lambda cls, vm: _from_str(vm))

if __name__ == "__main__":
    from torch.distributed.run import main
    sys.exit(main())
