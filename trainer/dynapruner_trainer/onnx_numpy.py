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


def _run_node(n, ins):
    t, a = n.op_type, _attrs(n)
    x = ins[0] if ins else None
    if t == "Constant":
        return [numpy_helper.to_array(a["value"])]
    if t == "Identity":
        return [x]
    binops = {"Mul": np.multiply, "Add": np.add, "Sub": np.subtract, "Max": np.maximum, "Min": np.minimum,
              "GreaterOrEqual": np.greater_equal, "LessOrEqual": np.less_equal, "Less": np.less,
              "Greater": np.greater, "Equal": np.equal, "Pow": np.power}
    if t in binops:
        r = ins[0]
        for o in ins[1:]:
            r = binops[t](r, o)
        return [r]
    if t == "Div":
        if np.issubdtype(ins[0].dtype, np.integer):
            return [ins[0] // ins[1]]
        return [ins[0] / ins[1]]
    if t == "Mod":
        return [np.mod(ins[0], ins[1])]
    if t == "Neg":
        return [-x]
    if t == "Not":
        return [np.logical_not(x)]
    if t == "Sigmoid":
        return [(1.0 / (1.0 + np.exp(-x.astype(np.float64)))).astype(x.dtype)]
    if t == "Tanh":
        return [np.tanh(x)]
    if t == "Relu":
        return [np.maximum(x, 0)]
    if t == "LeakyRelu":
        al = np.float32(a.get("alpha", 0.01))
        return [np.where(x >= 0, x, x * al)]
    if t == "Erf":
        from scipy.special import erf
        return [erf(x).astype(x.dtype)]
    if t == "Sqrt":
        return [np.sqrt(x)]
    if t == "Cast":
        to = onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[a["to"]]
        return [x.astype(to)]
    if t == "Shape":
        return [np.array(x.shape, dtype=np.int64)]
    if t == "Gather":
        return [np.take(x, ins[1], axis=a.get("axis", 0))]
    if t == "Unsqueeze":
        axes = [int(v) for v in ins[1]]
        r = x
        for ax in sorted(ax % (r.ndim + len(axes)) for ax in axes):
            r = np.expand_dims(r, ax)
        return [r]
    if t == "Squeeze":
        return [np.squeeze(x, axis=tuple(int(v) for v in ins[1])) if len(ins) > 1 else np.squeeze(x)]
    if t == "Concat":
        return [np.concatenate(ins, axis=a["axis"])]
    if t == "Reshape":
        shape = [int(v) for v in ins[1]]
        shape = [x.shape[i] if s == 0 else s for i, s in enumerate(shape)]
        return [x.reshape(shape)]
    if t == "Transpose":
        return [np.transpose(x, a.get("perm"))]
    if t == "Expand":
        return [x * np.ones([int(v) for v in ins[1]], dtype=x.dtype)]
    if t == "ConstantOfShape":
        v = numpy_helper.to_array(a["value"]) if "value" in a else np.zeros(1, np.float32)
        return [np.full([int(s) for s in x], v.flatten()[0], dtype=v.dtype)]
    if t == "Slice":
        starts, ends = ins[1], ins[2]
        axes = ins[3] if len(ins) > 3 and ins[3] is not None else np.arange(len(starts))
        steps = ins[4] if len(ins) > 4 and ins[4] is not None else np.ones(len(starts), np.int64)
        sl = [slice(None)] * x.ndim
        for s, e, ax, st in zip(starts, ends, axes, steps):
            sl[int(ax)] = slice(int(s), int(max(min(e, 2 ** 62), -2 ** 62)), int(st))
        return [x[tuple(sl)]]
    if t == "Split":
        ax = a.get("axis", 0)
        sizes = ins[1] if len(ins) > 1 and ins[1] is not None else a.get("split")
        if sizes is None:
            return list(np.split(x, len(n.output), axis=ax))
        return list(np.split(x, np.cumsum([int(s) for s in sizes])[:-1], axis=ax))
    if t in ("ReduceMean", "ReduceSum", "ReduceMax"):
        axes = a.get("axes")
        if axes is None and len(ins) > 1 and ins[1] is not None:
            axes = [int(v) for v in ins[1]]
        kd = bool(a.get("keepdims", 1))
        f = {"ReduceMean": np.mean, "ReduceSum": np.sum, "ReduceMax": np.max}[t]
        return [f(x, axis=tuple(axes) if axes is not None else None, keepdims=kd).astype(x.dtype)]
    if t == "Pad":
        pads = [int(v) for v in ins[1]]
        r = x.ndim
        val = ins[2].item() if len(ins) > 2 and ins[2] is not None and ins[2].size else 0
        return [np.pad(x, [(pads[i], pads[i + r]) for i in range(r)], constant_values=val)]
    if t in ("MaxPool", "AveragePool"):
        if a.get("ceil_mode", 0):
            raise NotImplementedError("ceil_mode")
        return [_pool(x, a["kernel_shape"], a.get("strides", a["kernel_shape"]), a.get("pads", [0, 0, 0, 0]),
                      "max" if t == "MaxPool" else "avg")]
    if t == "Resize":
        if a.get("mode", b"nearest") not in (b"nearest", "nearest"):
            raise NotImplementedError("Resize mode")
        scales = ins[2] if len(ins) > 2 and ins[2] is not None and ins[2].size else None
        if scales is None:
            sizes = ins[3]
            scales = np.array(sizes, np.float64) / np.array(x.shape, np.float64)
        r = x
        for ax, s in enumerate(scales):
            if s != 1:
                idx = np.floor(np.arange(int(np.floor(r.shape[ax] * s))) / s).astype(np.int64)
                r = np.take(r, idx, axis=ax)
        return [r]
    if t == "Conv":
        return [_conv(x, ins[1], ins[2] if len(ins) > 2 else None, a)]
    if t == "Gemm":
        A, B = ins[0], ins[1]
        if a.get("transA", 0):
            A = A.T
        if a.get("transB", 0):
            B = B.T
        y = a.get("alpha", 1.0) * (A.astype(np.float64) @ B.astype(np.float64))
        if len(ins) > 2 and ins[2] is not None:
            y = y + a.get("beta", 1.0) * ins[2]
        return [y.astype(np.float32)]
    if t == "MatMul":
        return [np.matmul(ins[0], ins[1])]
    if t == "Where":
        return [np.where(ins[0], ins[1], ins[2])]
    raise NotImplementedError(f"op {t} ({n.name})")


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
