"""Where a wrapped backbone breaks sparse-equivalence (the checkpoint contract's
promise that masked positions and pruned filters are exactly zero, so the
prediction is persistence wherever `dp_data_mask` is 0):

- modules: normalisation layers (statistics across positions; 0 maps to a
  non-zero shift) and attention modules (every pixel reads every pixel);
- graph: matrix products / softmax in the backbone (attention written by hand),
  normalisation ops, and the backbone's output not zero at inactive positions
  (a residual or bias that reads an unmasked tensor after the last conv), found
  by following which tensors are zero wherever the data mask is 0;
- behaviour: with a half-off injected data mask the prediction must equal
  persistence exactly there."""
from __future__ import annotations

from typing import Dict, Optional, Set

import torch
import torch.nn as nn

NORM_TYPES = (nn.modules.batchnorm._NormBase, nn.GroupNorm, nn.LayerNorm, nn.LocalResponseNorm)
ATTENTION_TYPES = (nn.MultiheadAttention, nn.Transformer, nn.TransformerEncoderLayer, nn.TransformerDecoderLayer)
ATTENTION_OPS = ("MatMul", "Softmax", "Einsum", "Gemm")
NORM_OPS = ("BatchNormalization", "InstanceNormalization", "LayerNormalization", "GroupNormalization",
            "LpNormalization", "MeanVarianceNormalization")
#: ops that never turn zeros into non-zeros (one data input, or all data inputs zero)
KEEPS_ZEROS = {"Relu", "LeakyRelu", "Identity", "Neg", "Abs", "Tanh", "Elu", "Selu", "HardSwish", "Gelu", "Erf",
               "Sqrt", "Cast", "Split", "Slice", "Reshape", "Transpose", "Unsqueeze", "Squeeze", "Concat",
               "MaxPool", "Flatten", "Gather"}


class SparseEquivalenceError(ValueError):
    """The backbone cannot be executed sparsely; the message names the module or node and why."""


def check_modules(backbone: nn.Module) -> None:
    for name, m in backbone.named_modules():
        if isinstance(m, NORM_TYPES):
            raise SparseEquivalenceError(
                f"backbone.{name} ({type(m).__name__}): a normalisation layer mixes statistics across positions "
                f"and shifts zeros to non-zeros, so masked positions are not exactly zero; remove it or fold it")
        if isinstance(m, ATTENTION_TYPES):
            raise SparseEquivalenceError(
                f"backbone.{name} ({type(m).__name__}): attention over all pixels lets inactive positions change "
                f"active ones; sparse execution needs local (convolutional) mixing only")


def _in_backbone(node) -> bool:
    return node.name.startswith("/m/backbone/")


def check_ops(graph, skip: Set[str]) -> None:
    """No attention-like or normalisation op in the backbone (`skip`: bound convs, overhead)."""
    for n in graph.node:
        if not _in_backbone(n) or n.name in skip:
            continue
        if n.op_type in ATTENTION_OPS:
            raise SparseEquivalenceError(f"{n.name} ({n.op_type}): a matrix product / softmax over positions "
                                         f"(attention or a fully connected layer over pixels) is not sparse-executable")
        if n.op_type in NORM_OPS:
            raise SparseEquivalenceError(f"{n.name} ({n.op_type}): a normalisation mixes positions and shifts zeros")


def zero_tensors(graph, seeds: Set[str], is_mask) -> Set[str]:
    """Tensors that are zero wherever the data mask is 0, in topological order from `seeds`
    (masked conv outputs) and every product with a mask-derived tensor."""
    zero = set(seeds)
    consts = {i.name for i in graph.initializer}
    for n in graph.node:
        ins = [i for i in n.input if i]
        data = [i for i in ins if i not in consts]
        if n.op_type == "Constant":
            consts.update(n.output)
            continue
        if n.op_type == "Mul" and (any(i in zero for i in data) or any(is_mask(i) for i in data)):
            ok = True
        elif n.op_type == "Div":
            ok = bool(ins) and ins[0] in zero
        elif n.op_type in ("Add", "Sub"):
            ok = bool(data) and all(i in zero for i in data) and len(data) == len(ins)
        elif n.op_type in KEEPS_ZEROS or n.op_type == "Pad":
            ok = bool(data) and (data[0] in zero) and (n.op_type != "Concat" or all(i in zero for i in data))
        else:
            ok = False
        if ok:
            zero.update(n.output)
    return zero


def culprit(graph, tensor: str, zero: Set[str], prod: Dict[str, object]) -> Optional[object]:
    """The node nearest `tensor` whose output stopped being zero at inactive positions."""
    seen = set()
    t = tensor
    while t in prod and t not in seen:
        seen.add(t)
        n = prod[t]
        ins = [i for i in n.input if i]
        if any(i in zero for i in ins):
            return n
        nxt = [i for i in ins if i in prod and i not in zero]
        if not nxt:
            return n
        t = nxt[0]
    return None


@torch.no_grad()
def check_persistence(model, x: torch.Tensor) -> None:
    """Inject a data mask with the left half off: the prediction must be persistence there."""
    if model.mask_gen is None:
        return
    model.eval()
    n, _, _, h, w = x.shape
    mask = torch.ones(n, 1, h, w)
    mask[..., : w // 2] = 0
    pred = model(x, data_mask=mask)["prediction"]
    last = x[:, -1:].expand_as(pred)
    off = (mask[:, None] == 0).expand_as(pred)
    if not torch.equal(pred[off], last[off]):
        worst = float((pred[off] - last[off]).abs().max())
        raise SparseEquivalenceError(f"the prediction differs from persistence by up to {worst:.3g} where the "
                                     f"injected dp_data_mask is 0: the backbone's output is not masked")
