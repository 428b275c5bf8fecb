"""MSE vs effective MACs per method as an SVG (no plotting library needed):
one panel per backbone, mean over seeds with a 95% band, dense as a point."""
from __future__ import annotations

import math
from typing import Dict, List

COLORS = {"dense": "#333333", "mp_l1": "#d95f02", "dynapruner": "#1b9e77"}
#: colours of further methods (Dyna-Pruner options), by order of appearance
EXTRA_COLORS = ("#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d")
W, H, PAD_L, PAD_R, PAD_T, PAD_B = 460, 320, 64, 16, 28, 44


def ticks(lo: float, hi: float, n: int = 5) -> List[float]:
    """About n round tick values covering [lo, hi]."""
    step = 10 ** math.floor(math.log10(max(hi - lo, 1e-12) / n))
    for m in (1, 2, 5, 10):
        if (hi - lo) / (step * m) <= n:
            step *= m
            break
    first = math.ceil(lo / step) * step
    return [first + i * step for i in range(int((hi - first) / step + 1e-9) + 1)]


def panel(title: str, series: Dict[str, List[dict]], x0: float) -> List[str]:
    """One panel: series[method] = points {x, y, lo, hi} (x in MMACs)."""
    pts = [p for s in series.values() for p in s]
    xs = [p["x"] for p in pts]
    ys = [v for p in pts for v in (p["y"], p["lo"], p["hi"]) if math.isfinite(v)]
    xlo, xhi = 0.0, max(xs) * 1.05
    ylo, yhi = min(ys) * 0.98, max(ys) * 1.02
    sx = lambda v: x0 + PAD_L + (v - xlo) / (xhi - xlo) * (W - PAD_L - PAD_R)  # noqa: E731
    sy = lambda v: PAD_T + (yhi - v) / (yhi - ylo) * (H - PAD_T - PAD_B)  # noqa: E731
    out = [f'<text x="{x0 + W / 2}" y="16" text-anchor="middle" font-size="13">{title}</text>',
           f'<rect x="{x0 + PAD_L}" y="{PAD_T}" width="{W - PAD_L - PAD_R}" height="{H - PAD_T - PAD_B}" '
           'fill="none" stroke="#999"/>']
    for t in ticks(xlo, xhi):
        out.append(f'<text x="{sx(t):.1f}" y="{H - PAD_B + 14}" text-anchor="middle" font-size="10">{t:g}</text>')
    for t in ticks(ylo, yhi):
        out.append(f'<text x="{x0 + PAD_L - 4}" y="{sy(t) + 3:.1f}" text-anchor="end" font-size="10">{t:.3g}</text>')
    out.append(f'<text x="{x0 + W / 2}" y="{H - 8}" text-anchor="middle" font-size="11">effective MMACs per sample</text>')
    out.append(f'<text x="{x0 + 14}" y="{H / 2}" font-size="11" transform="rotate(-90 {x0 + 14} {H / 2})" '
               'text-anchor="middle">test MSE</text>')
    for k, (method, s) in enumerate(series.items()):
        out += method_marks(method, sorted(s, key=lambda p: p["x"]), sx, sy, color_of(method, k))
        out.append(f'<text x="{x0 + W - PAD_R - 6}" y="{PAD_T + 14 + 13 * k}" text-anchor="end" font-size="11" '
                   f'fill="{color_of(method, k)}">{method}</text>')
    return out


def color_of(method: str, k: int) -> str:
    """The method's colour; others get one of EXTRA_COLORS by their index `k`."""
    return COLORS.get(method, EXTRA_COLORS[k % len(EXTRA_COLORS)])


def method_marks(method: str, s: List[dict], sx, sy, c: str) -> List[str]:
    """Band polygon, mean line and points of one method."""
    out = []
    band = [p for p in s if math.isfinite(p["lo"])]
    if len(band) >= 2:
        poly = [(sx(p["x"]), sy(p["hi"])) for p in band] + [(sx(p["x"]), sy(p["lo"])) for p in reversed(band)]
        outline = " ".join(f"{a:.1f},{b:.1f}" for a, b in poly)
        out.append(f'<polygon points="{outline}" fill="{c}" fill-opacity="0.18" stroke="none"/>')
    if len(s) >= 2:
        line = " ".join(f"{sx(p['x']):.1f},{sy(p['y']):.1f}" for p in s)
        out.append(f'<polyline points="{line}" fill="none" stroke="{c}" stroke-width="1.6"/>')
    for p in s:
        if len(band) < 2 and math.isfinite(p["lo"]):
            out.append(f'<line x1="{sx(p["x"]):.1f}" x2="{sx(p["x"]):.1f}" y1="{sy(p["lo"]):.1f}" '
                       f'y2="{sy(p["hi"]):.1f}" stroke="{c}"/>')
        out.append(f'<circle cx="{sx(p["x"]):.1f}" cy="{sy(p["y"]):.1f}" r="3" fill="{c}"/>')
    return out


def pareto_svg(panels: Dict[str, Dict[str, List[dict]]]) -> str:
    """The whole figure: panels[backbone][method] = points."""
    body = []
    for i, (bb, series) in enumerate(panels.items()):
        body += panel(f"{bb}: MSE vs effective MACs (mean over seeds, 95% band)", series, i * W)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{W * max(len(panels), 1)}" height="{H}" '
            f'font-family="sans-serif">\n' + "\n".join(body) + "\n</svg>\n")
