"""A minimal NumPy executor for the ONNX ops the trainer exports (opset 13).

onnx 1.12 has no `onnx.reference` and Debian has no onnxruntime, so this is
the Python-side parity check: run the exported graph, compare with PyTorch.
It also supports cutting the graph at named tensors (`feeds` may override any
tensor, e.g. `dp_data_mask` or `dp_gate_mask_3`: its producer's value is
replaced, like the analysis engine's mask injection). Not a general runtime.
"""
from __future__ import annotations

from typing import Dict, Iterable, Optional

import numpy as np
import onnx
from onnx import numpy_helper


def _attrs(n) -> dict:
    return {a.name: onnx.helper.get_attribute_value(a) for a in n.attribute}


def _pool(x, k, s, pads, op):
    n, c, h, w = x.shape
    pt, pl, pb, pr = pads[0], pads[1], pads[2], pads[3]
    fill = -np.inf if op == "max" else 0.0
    xp = np.full((n, c, h + pt + pb, w + pl + pr), fill, dtype=x.dtype)
    xp[:, :, pt:pt + h, pl:pl + w] = x
    oh = (xp.shape[2] - k[0]) // s[0] + 1
    ow = (xp.shape[3] - k[1]) // s[1] + 1
    out = np.empty((n, c, oh, ow), dtype=x.dtype)
    for i in range(oh):
        for j in range(ow):
            win = xp[:, :, i * s[0]:i * s[0] + k[0], j * s[1]:j * s[1] + k[1]]
            out[:, :, i, j] = win.max(axis=(2, 3)) if op == "max" else win.mean(axis=(2, 3))
    return out


def _conv(x, w, b, a):
    g = a.get("group", 1)
    st = a.get("strides", [1, 1])
    dl = a.get("dilations", [1, 1])
    pads = a.get("pads", [0, 0, 0, 0])
    n, cin, h, wd = x.shape
    k_out, cg, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    oh = (xp.shape[2] - dl[0] * (kh - 1) - 1) // st[0] + 1
    ow = (xp.shape[3] - dl[1] * (kw - 1) - 1) // st[1] + 1
    out = np.zeros((n, k_out, oh, ow), dtype=np.float64)
    kg = k_out // g
    for gi in range(g):
        xs = xp[:, gi * cg:(gi + 1) * cg].astype(np.float64)
        ws = w[gi * kg:(gi + 1) * kg].astype(np.float64)
        for i in range(kh):
            for j in range(kw):
                patch = xs[:, :, i * dl[0]:i * dl[0] + st[0] * (oh - 1) + 1:st[0],
                           j * dl[1]:j * dl[1] + st[1] * (ow - 1) + 1:st[1]]
                out[:, gi * kg:(gi + 1) * kg] += np.einsum("nchw,kc->nkhw", patch, ws[:, :, i, j])
    if b is not None:
        out += b.astype(np.float64)[None, :, None, None]
    return out.astype(np.float32)


def _binary(f):
    """A variadic element-wise op folded left to right (Max / Min take several inputs)."""
    def op(ins, a, n):
        r = ins[0]
        for o in ins[1:]:
            r = f(r, o)
        return [r]
    return op


def _unary(f):
    return lambda ins, a, n: [f(ins[0])]


def _div(ins, a, n):
    if np.issubdtype(ins[0].dtype, np.integer):
        return [ins[0] // ins[1]]
    return [ins[0] / ins[1]]


def _sigmoid(x):
    return (1.0 / (1.0 + np.exp(-x.astype(np.float64)))).astype(x.dtype)


def _leaky_relu(ins, a, n):
    x, alpha = ins[0], np.float32(a.get("alpha", 0.01))
    return [np.where(x >= 0, x, x * alpha)]


def _erf(x):
    from scipy.special import erf
    return erf(x).astype(x.dtype)


def _cast(ins, a, n):
    return [ins[0].astype(onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[a["to"]])]


def _unsqueeze(ins, a, n):
    axes = [int(v) for v in ins[1]]
    r = ins[0]
    for ax in sorted(ax % (r.ndim + len(axes)) for ax in axes):
        r = np.expand_dims(r, ax)
    return [r]


def _squeeze(ins, a, n):
    if len(ins) > 1:
        return [np.squeeze(ins[0], axis=tuple(int(v) for v in ins[1]))]
    return [np.squeeze(ins[0])]


def _reshape(ins, a, n):
    x = ins[0]
    shape = [int(v) for v in ins[1]]
    return [x.reshape([x.shape[i] if s == 0 else s for i, s in enumerate(shape)])]


def _constant_of_shape(ins, a, n):
    v = numpy_helper.to_array(a["value"]) if "value" in a else np.zeros(1, np.float32)
    return [np.full([int(s) for s in ins[0]], v.flatten()[0], dtype=v.dtype)]


def _optional(ins, i):
    return ins[i] if len(ins) > i and ins[i] is not None else None


def _slice(ins, a, n):
    x, starts, ends = ins[0], ins[1], ins[2]
    axes = _optional(ins, 3)
    axes = axes if axes is not None else np.arange(len(starts))
    steps = _optional(ins, 4)
    steps = steps if steps is not None else np.ones(len(starts), np.int64)
    sl = [slice(None)] * x.ndim
    for s, e, ax, st in zip(starts, ends, axes, steps):
        sl[int(ax)] = slice(int(s), int(max(min(e, 2 ** 62), -2 ** 62)), int(st))
    return [x[tuple(sl)]]


def _split(ins, a, n):
    x, ax = ins[0], a.get("axis", 0)
    sizes = _optional(ins, 1)
    sizes = sizes if sizes is not None else a.get("split")
    if sizes is None:
        return list(np.split(x, len(n.output), axis=ax))
    return list(np.split(x, np.cumsum([int(s) for s in sizes])[:-1], axis=ax))


def _reduce(f):
    def op(ins, a, n):
        axes = a.get("axes")
        if axes is None and _optional(ins, 1) is not None:
            axes = [int(v) for v in ins[1]]
        keep = bool(a.get("keepdims", 1))
        return [f(ins[0], axis=tuple(axes) if axes is not None else None, keepdims=keep).astype(ins[0].dtype)]
    return op


def _pad(ins, a, n):
    x, pads = ins[0], [int(v) for v in ins[1]]
    fill = _optional(ins, 2)
    value = fill.item() if fill is not None and fill.size else 0
    return [np.pad(x, [(pads[i], pads[i + x.ndim]) for i in range(x.ndim)], constant_values=value)]


def _ceil_pads(shape, k, s, pads):
    """Extra bottom / right padding that makes floor-mode pooling give ceil-mode's output size."""
    out = list(pads)
    for ax in range(2):
        n = -(-(shape[ax] + pads[ax] + pads[ax + 2] - k[ax]) // s[ax]) + 1
        if (n - 1) * s[ax] >= shape[ax] + pads[ax]:
            n -= 1  # the last window must start inside the input (PyTorch's rule)
        out[ax + 2] += max(0, (n - 1) * s[ax] + k[ax] - (shape[ax] + pads[ax] + pads[ax + 2]))
    return out


def _pooling(kind):
    def op(ins, a, n):
        k = a["kernel_shape"]
        s, pads = a.get("strides", k), a.get("pads", [0, 0, 0, 0])
        if a.get("ceil_mode", 0):
            if kind != "max":
                raise NotImplementedError("AveragePool ceil_mode")
            pads = _ceil_pads(ins[0].shape[2:], k, s, pads)  # padded with -inf: never the max
        return [_pool(ins[0], k, s, pads, kind)]
    return op


def _resize(ins, a, n):
    if a.get("mode", b"nearest") not in (b"nearest", "nearest"):
        raise NotImplementedError("Resize mode")
    x = ins[0]
    scales = _optional(ins, 2)
    if scales is None or not scales.size:
        scales = np.array(ins[3], np.float64) / np.array(x.shape, np.float64)
    r = x
    for ax, s in enumerate(scales):
        if s != 1:
            idx = np.floor(np.arange(int(np.floor(r.shape[ax] * s))) / s).astype(np.int64)
            r = np.take(r, idx, axis=ax)
    return [r]


def _gemm(ins, a, n):
    A, B = ins[0], ins[1]
    if a.get("transA", 0):
        A = A.T
    if a.get("transB", 0):
        B = B.T
    y = a.get("alpha", 1.0) * (A.astype(np.float64) @ B.astype(np.float64))
    if _optional(ins, 2) is not None:
        y = y + a.get("beta", 1.0) * ins[2]
    return [y.astype(np.float32)]


#: op type -> fn(inputs, attributes, node) -> list of outputs
OPS = {
    "Constant": lambda ins, a, n: [numpy_helper.to_array(a["value"])],
    "Identity": _unary(lambda x: x),
    "Mul": _binary(np.multiply), "Add": _binary(np.add), "Sub": _binary(np.subtract),
    "Max": _binary(np.maximum), "Min": _binary(np.minimum), "Pow": _binary(np.power),
    "GreaterOrEqual": _binary(np.greater_equal), "LessOrEqual": _binary(np.less_equal),
    "Less": _binary(np.less), "Greater": _binary(np.greater), "Equal": _binary(np.equal),
    "Div": _div,
    "Mod": lambda ins, a, n: [np.mod(ins[0], ins[1])],
    "Neg": _unary(np.negative), "Not": _unary(np.logical_not),
    "Sigmoid": _unary(_sigmoid), "Tanh": _unary(np.tanh), "Relu": _unary(lambda x: np.maximum(x, 0)),
    "LeakyRelu": _leaky_relu, "Erf": _unary(_erf), "Sqrt": _unary(np.sqrt),
    "Cast": _cast,
    "Shape": _unary(lambda x: np.array(x.shape, dtype=np.int64)),
    "Gather": lambda ins, a, n: [np.take(ins[0], ins[1], axis=a.get("axis", 0))],
    "Unsqueeze": _unsqueeze, "Squeeze": _squeeze,
    "Concat": lambda ins, a, n: [np.concatenate(ins, axis=a["axis"])],
    "Reshape": _reshape,
    "Transpose": lambda ins, a, n: [np.transpose(ins[0], a.get("perm"))],
    "Expand": lambda ins, a, n: [ins[0] * np.ones([int(v) for v in ins[1]], dtype=ins[0].dtype)],
    "ConstantOfShape": _constant_of_shape,
    "Slice": _slice, "Split": _split,
    "ReduceMean": _reduce(np.mean), "ReduceSum": _reduce(np.sum), "ReduceMax": _reduce(np.max),
    "Pad": _pad,
    "MaxPool": _pooling("max"), "AveragePool": _pooling("avg"),
    "Resize": _resize,
    "Conv": lambda ins, a, n: [_conv(ins[0], ins[1], _optional(ins, 2), a)],
    "Gemm": _gemm,
    "MatMul": lambda ins, a, n: [np.matmul(ins[0], ins[1])],
    "Where": lambda ins, a, n: [np.where(ins[0], ins[1], ins[2])],
}


def _run_node(n, ins):
    op = OPS.get(n.op_type)
    if op is None:
        raise NotImplementedError(f"op {n.op_type} ({n.name})")
    return op(ins, _attrs(n), n)


def run(model, feeds: Dict[str, np.ndarray], outputs: Optional[Iterable[str]] = None) -> Dict[str, np.ndarray]:
    """Execute `model` (path or ModelProto). Any tensor named in `feeds` is
    taken from there instead of being computed (graph cut + injection)."""
    if isinstance(model, str):
        model = onnx.load(model)
    g = model.graph
    env: Dict[str, np.ndarray] = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    env.update(feeds)
    for n in g.node:
        if n.output and all(o in feeds for o in n.output):
            continue
        ins = [env[i] if i else None for i in n.input]
        res = _run_node(n, ins)
        for o, v in zip(n.output, res):
            if o not in feeds:
                env[o] = v
    names = list(outputs) if outputs is not None else [o.name for o in g.output]
    return {k: env[k] for k in names}
