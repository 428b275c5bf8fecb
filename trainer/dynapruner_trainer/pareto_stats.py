"""Statistics of the Pareto grid: means with 95% t-intervals over seeds, and the
paired difference of two methods at matched effective MAC reduction
(each seed's curve interpolated per window, bootstrap over seeds and windows)."""
from __future__ import annotations

from typing import Dict, List, Optional

import numpy as np
from scipy import stats as sps


def mean_ci(values) -> dict:
    """Mean and 95% t-interval over seeds (interval NaN for one seed)."""
    v = np.asarray([x for x in values if x is not None], dtype=float)
    if v.size == 0:
        return {"mean": float("nan"), "lo": float("nan"), "hi": float("nan"), "n": 0}
    m = float(v.mean())
    if v.size < 2:
        return {"mean": m, "lo": float("nan"), "hi": float("nan"), "n": 1}
    h = float(sps.t.ppf(0.975, v.size - 1) * v.std(ddof=1) / np.sqrt(v.size))
    return {"mean": m, "lo": m - h, "hi": m + h, "n": int(v.size)}


def curve(runs: List[dict]) -> tuple:
    """One seed's curve of one method: (MAC reductions ascending, [points, windows] MSE)."""
    runs = sorted(runs, key=lambda r: r["mac_reduction"])
    return np.array([r["mac_reduction"] for r in runs]), np.array([r["window_mse"] for r in runs])


def interpolate(red: np.ndarray, mse: np.ndarray, at: np.ndarray) -> np.ndarray:
    """[targets, windows] MSE linearly interpolated along the curve; NaN outside it."""
    out = np.full((len(at), mse.shape[1]), np.nan)
    inside = (at >= red[0]) & (at <= red[-1])
    for w in range(mse.shape[1]):
        out[inside, w] = np.interp(at[inside], red, mse[:, w])
    return out


def common_targets(curves: List[tuple], n: int = 5) -> np.ndarray:
    """MAC reductions inside every curve's range (n evenly spaced), empty if none."""
    if not curves:
        return np.array([])
    lo = max(c[0][0] for c in curves)
    hi = min(c[0][-1] for c in curves)
    lo, hi = np.ceil(lo * 1000) / 1000, np.floor(hi * 1000) / 1000  # round inwards: stay on every curve
    if hi <= lo:
        return np.array([])
    return np.round(np.linspace(lo, hi, n), 3).clip(lo, hi)


def bootstrap_ratio(diff: np.ndarray, base: np.ndarray, reps: int, rng) -> tuple:
    """Percentile 95% CI of 100 * mean(diff) / mean(base) over [seeds, windows],
    resampling seeds and (the same) windows with replacement."""
    ns, nw = diff.shape
    vals = np.empty(reps)
    for b in range(reps):
        si = rng.integers(0, ns, ns)
        wi = rng.integers(0, nw, nw)
        vals[b] = 100.0 * diff[np.ix_(si, wi)].mean() / base[np.ix_(si, wi)].mean()
    return float(np.percentile(vals, 2.5)), float(np.percentile(vals, 97.5))


def matched_difference(by_seed: Dict[int, Dict[str, List[dict]]], dense: Dict[int, dict], a: str, b: str,
                       reps: int = 2000, seed: int = 0) -> Optional[dict]:
    """MSE of method `a` minus method `b` at matched MAC reductions, in % of the
    dense MSE of the same seed and windows; None when the curves do not overlap."""
    seeds = sorted(s for s in by_seed if len(by_seed[s].get(a, [])) >= 2 and len(by_seed[s].get(b, [])) >= 2
                   and s in dense)
    if not seeds:
        return None
    ca = {s: curve(by_seed[s][a]) for s in seeds}
    cb = {s: curve(by_seed[s][b]) for s in seeds}
    at = common_targets([ca[s] for s in seeds] + [cb[s] for s in seeds])
    if at.size == 0:
        return None
    rng = np.random.default_rng(seed)
    base = np.array([dense[s]["window_mse"] for s in seeds])
    rows = []
    for j, r in enumerate(at):
        ia = np.array([interpolate(*ca[s], at)[j] for s in seeds])
        ib = np.array([interpolate(*cb[s], at)[j] for s in seeds])
        d = ia - ib
        lo, hi = bootstrap_ratio(d, base, reps, rng)
        rows.append({"mac_reduction": float(r), "diff_pct_of_dense": float(100 * d.mean() / base.mean()),
                     "ci95": [lo, hi], f"{a}_vs_dense_pct": float(100 * (ia.mean() / base.mean() - 1)),
                     f"{b}_vs_dense_pct": float(100 * (ib.mean() / base.mean() - 1))})
    return {"a": a, "b": b, "seeds": seeds, "windows": int(base.shape[1]), "bootstrap": reps, "points": rows}


def same_point_difference(by_seed: Dict[int, Dict[str, List[dict]]], dense: Dict[int, dict], a: str, b: str,
                          reps: int = 2000, seed: int = 0) -> List[dict]:
    """MSE of `a` minus `b` at the same sparsity targets (grid point), paired per
    seed, in % of the dense MSE, with a bootstrap CI over seeds and windows; the
    MAC reductions of both are reported beside it (they are not matched)."""
    rows = []
    points = sorted({r["point"] for s in by_seed for r in by_seed[s].get(a, [])})
    rng = np.random.default_rng(seed)
    for p in points:
        pairs = {s: ([r for r in by_seed[s].get(a, []) if r["point"] == p],
                     [r for r in by_seed[s].get(b, []) if r["point"] == p]) for s in sorted(by_seed) if s in dense}
        seeds = [s for s, (ra, rb) in pairs.items() if ra and rb]
        if not seeds:
            continue
        ia = np.array([pairs[s][0][0]["window_mse"] for s in seeds])
        ib = np.array([pairs[s][1][0]["window_mse"] for s in seeds])
        base = np.array([dense[s]["window_mse"] for s in seeds])
        lo, hi = bootstrap_ratio(ia - ib, base, reps, rng)
        red = [float(np.mean([pairs[s][k][0]["mac_reduction"] for s in seeds])) for k in (0, 1)]
        rows.append({"point": p, "seeds": seeds, "diff_pct_of_dense": float(100 * (ia - ib).mean() / base.mean()),
                     "ci95": [lo, hi], f"{a}_mac_reduction": red[0], f"{b}_mac_reduction": red[1]})
    return rows


def point_vs_curve(by_seed: Dict[int, Dict[str, List[dict]]], dense: Dict[int, dict], a: str, b: str,
                   reps: int = 2000, seed: int = 0) -> List[dict]:
    """Each grid point of `a` minus the curve of `b` interpolated per window at the
    point's own MAC reduction (per seed; seeds where it lies outside b's curve are
    left out), in % of the dense MSE, bootstrap CI over seeds and windows: for
    methods with one point per seed, which `matched_difference` cannot compare."""
    rows = []
    rng = np.random.default_rng(seed)
    for p in sorted({r["point"] for s in by_seed for r in by_seed[s].get(a, [])}):
        seeds, ia, ib, reds = [], [], [], []
        for s in sorted(by_seed):
            ra = [r for r in by_seed[s].get(a, []) if r["point"] == p]
            if not ra or s not in dense or len(by_seed[s].get(b, [])) < 2:
                continue
            red, mse = curve(by_seed[s][b])
            x = ra[0]["mac_reduction"]
            if not red[0] <= x <= red[-1]:
                continue
            seeds.append(s)
            reds.append(x)
            ia.append(ra[0]["window_mse"])
            ib.append(interpolate(red, mse, np.array([x]))[0])
        if not seeds:
            continue
        ia, ib = np.array(ia), np.array(ib)
        base = np.array([dense[s]["window_mse"] for s in seeds])
        lo, hi = bootstrap_ratio(ia - ib, base, reps, rng)
        rows.append({"point": p, "seeds": seeds, "mac_reductions": reds,
                     "diff_pct_of_dense": float(100 * (ia - ib).mean() / base.mean()), "ci95": [lo, hi],
                     f"{a}_vs_dense_pct": float(100 * (ia.mean() / base.mean() - 1)),
                     f"{b}_vs_dense_pct": float(100 * (ib.mean() / base.mean() - 1))})
    return rows
