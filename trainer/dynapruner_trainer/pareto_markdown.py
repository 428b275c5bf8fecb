"""The Pareto summary as Markdown tables (pasted into RESULTS.md)."""
from __future__ import annotations

import math
from typing import List


def ci(c: dict, scale: float = 1.0, fmt: str = "{:.4f}", sign: bool = False) -> str:
    """`mean [lo, hi]` (just the mean when the interval is undefined)."""
    if c is None or not math.isfinite(c.get("mean", float("nan"))):
        return ""
    f = ("{:+" + fmt[2:]) if sign else fmt
    m = f.format(c["mean"] * scale)
    if not math.isfinite(c["lo"]):
        return m
    return f"{m} [{f.format(c['lo'] * scale)}, {f.format(c['hi'] * scale)}]"


def targets(r: dict) -> str:
    if r["method"] == "dense":
        return ""
    return f"s_w {r['s_w']:g}" if r["s_d"] is None else f"s_d {r['s_d']:g}, s_w {r['s_w']:g}"


def points_table(rows: List[dict]) -> List[str]:
    out = ["| backbone | method | targets | seeds | MSE | MSE vs dense % | effective MMACs | MAC reduction % | ROC AUC |",
           "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        out.append(f"| {r['backbone']} | {r['method']} | {targets(r)} | {len(r['seeds'])} | {ci(r['mse'])} | "
                   f"{ci(r['mse_vs_dense_pct'], fmt='{:.1f}', sign=True)} | "
                   f"{ci(r['effective_macs'], 1e-6, '{:.2f}')} | {ci(r['mac_reduction'], 100, '{:.1f}')} | "
                   f"{ci(r['roc_auc'], fmt='{:.3f}')} |")
    return out


def matched_table(matched: dict) -> List[str]:
    out = ["| backbone | MAC reduction % | dynapruner vs dense % | mp_l1 vs dense % | "
           "dynapruner - mp_l1 (% of dense MSE) [95% bootstrap CI] |", "|---|---|---|---|---|"]
    for bb, m in matched.items():
        if m is None:
            out.append(f"| {bb} | (curves do not overlap in MAC reduction) | | | |")
            continue
        for p in m["points"]:
            out.append(f"| {bb} | {100 * p['mac_reduction']:.1f} | {p['dynapruner_vs_dense_pct']:+.1f} | "
                       f"{p['mp_l1_vs_dense_pct']:+.1f} | {p['diff_pct_of_dense']:+.1f} "
                       f"[{p['ci95'][0]:+.1f}, {p['ci95'][1]:+.1f}] |")
    return out


def options_table(entries: List[dict]) -> List[str]:
    """Each Dyna-Pruner option minus plain Dyna-Pruner / static L1 at matched MAC reductions."""
    if not entries:
        return []
    out = ["| backbone | method | against | MAC reduction % | method - against (% of dense MSE) [95% bootstrap CI] |",
           "|---|---|---|---|---|"]
    for e in entries:
        m = e["result"]
        if m is None:
            out.append(f"| {e['backbone']} | {e['method']} | {e['against']} | (fewer than 2 points per seed, "
                       "or no overlap in MAC reduction) | |")
            continue
        for p in m["points"]:
            out.append(f"| {e['backbone']} | {e['method']} | {e['against']} | {100 * p['mac_reduction']:.1f} | "
                       f"{p['diff_pct_of_dense']:+.1f} [{p['ci95'][0]:+.1f}, {p['ci95'][1]:+.1f}] |")
    return out


def same_point_table(entries: List[dict]) -> List[str]:
    """Each option minus another Dyna-Pruner variant at the same targets, paired per seed."""
    rows = [(e, p) for e in entries for p in e.get("same_point", [])]
    if not rows:
        return []
    out = ["| backbone | method | against | pair | seeds | MAC reduction %: method / against | "
           "method - against at the same targets (% of dense MSE) [95% bootstrap CI] |",
           "|---|---|---|---|---|---|---|"]
    for e, p in rows:
        m, b = e["method"], e["against"]
        out.append(f"| {e['backbone']} | {m} | {b} | {p['point']} | {len(p['seeds'])} | "
                   f"{100 * p[m + '_mac_reduction']:.1f} / {100 * p[b + '_mac_reduction']:.1f} | "
                   f"{p['diff_pct_of_dense']:+.1f} [{p['ci95'][0]:+.1f}, {p['ci95'][1]:+.1f}] |")
    return out


def own_point_table(entries: List[dict]) -> List[str]:
    """Each option's point minus the other method's curve at the point's own MAC reduction."""
    rows = [(e, p) for e in entries for p in e.get("own_point", [])]
    if not rows:
        return []
    out = ["| backbone | method | against | pair | seeds | MAC reduction % per seed | method vs dense % | "
           "against vs dense % | method - against's curve (% of dense MSE) [95% bootstrap CI] |",
           "|---|---|---|---|---|---|---|---|---|"]
    for e, p in rows:
        m, b = e["method"], e["against"]
        reds = " / ".join(f"{100 * r:.1f}" for r in p["mac_reductions"])
        out.append(f"| {e['backbone']} | {m} | {b} | {p['point']} | {len(p['seeds'])} | {reds} | "
                   f"{p[m + '_vs_dense_pct']:+.1f} | {p[b + '_vs_dense_pct']:+.1f} | "
                   f"{p['diff_pct_of_dense']:+.1f} [{p['ci95'][0]:+.1f}, {p['ci95'][1]:+.1f}] |")
    return out


def calm_table(rows: List[dict]) -> List[str]:
    """The calm-regions split; a cell over fewer seeds than its row (earlier runs
    without a pixel split) says how many."""
    out = ["| backbone | method | targets | calm windows: MSE vs dense % | calm: MAC red. % | "
           "busy windows: MSE vs dense % | busy: MAC red. % | calm pixels: MSE vs dense % | calm px: mask on | "
           "busy pixels: MSE vs dense % | busy px: mask on |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    cells = (("windows_calm", "mse_vs_dense_pct"), ("windows_calm", "mac_reduction"),
             ("windows_busy", "mse_vs_dense_pct"), ("windows_busy", "mac_reduction"),
             ("pixels_calm", "mse_vs_dense_pct"), ("pixels_calm", "data_mask_active"),
             ("pixels_busy", "mse_vs_dense_pct"), ("pixels_busy", "data_mask_active"))
    for r in rows:
        if r["method"] == "dense":
            continue
        texts = []
        for key, f in cells:
            c = r["calm"][key][f]
            t = ci(c, fmt="{:.1f}", sign=True) if f == "mse_vs_dense_pct" else \
                ci(c, 100, "{:.1f}" if f == "mac_reduction" else "{:.0f}")
            n = c.get("n", len(r["seeds"])) if c else 0
            texts.append(f"{t} (n={n})" if t and n < len(r["seeds"]) else t)
        out.append(f"| {r['backbone']} | {r['method']} | {targets(r)} | " + " | ".join(texts) + " |")
    return out


def summary_markdown(s: dict) -> str:
    lines = [f"Runs: {s['runs']} of {s['planned']} planned. Means over seeds, [95% t-interval over seeds].", ""]
    lines += points_table(s["points"]) + [""] + matched_table(s["matched"]) + [""]
    opts = options_table(s.get("matched_options", []))
    lines += (opts + [""] if opts else [])
    for table in (same_point_table, own_point_table):
        t = table(s.get("matched_options", []))
        lines += (t + [""] if t else [])
    lines += calm_table(s["points"])
    return "\n".join(lines) + "\n"
