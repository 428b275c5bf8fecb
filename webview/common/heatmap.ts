/** Plotly specs for the map figures (one field on the H x W grid). */
import { toRows } from '../../src/core/engine/encoding';
import type { FigureSpec, Trace } from './plotly';
import type { ThemeColors } from './theme';
import { baseLayout } from './theme';

/** Options of a map figure. */
export interface MapOptions {
  zmin: number;
  zmax: number;
  colorscale: [number, string][];
  /** Hover label of the value. */
  label: string;
  /** A 0/1 mask drawn as a contour on top (overlay toggle). */
  overlay?: { values: ArrayLike<number>; offset?: number } | null;
  /** Show the colour bar. */
  colorbar?: boolean;
}

/** Heatmap of `values[offset .. offset + h*w)` as an `[H, W]` map. */
export function mapSpec(values: ArrayLike<number>, h: number, w: number, offset: number, o: MapOptions, c: ThemeColors): FigureSpec {
  const data: Trace[] = [
    {
      type: 'heatmap',
      z: toRows(values, h, w, offset),
      zmin: o.zmin,
      zmax: o.zmax,
      colorscale: o.colorscale,
      showscale: o.colorbar !== false,
      colorbar: { thickness: 8, len: 0.9, outlinewidth: 0, tickfont: { color: c.foreground, size: 9 } },
      hovertemplate: `x %{x}, y %{y}<br>${o.label} %{z:.3f}<extra></extra>`,
    },
  ];
  if (o.overlay) {
    data.push({
      type: 'contour',
      z: toRows(o.overlay.values, h, w, o.overlay.offset ?? 0),
      showscale: false,
      hoverinfo: 'skip',
      contours: { start: 0.5, end: 0.5, size: 1, coloring: 'none' },
      line: { color: c.accent, width: 1.5 },
    });
  }
  return {
    data,
    layout: baseLayout(c, {
      margin: { l: 24, r: 8, t: 6, b: 20 },
      xaxis: { visible: true, showgrid: false, zeroline: false, tickfont: { size: 9 }, color: c.muted, constrain: 'domain' },
      yaxis: { visible: true, showgrid: false, zeroline: false, tickfont: { size: 9 }, color: c.muted, scaleanchor: 'x' },
    }),
  };
}

/** Min and max of the finite values in some ranges of arrays. */
export function extent(parts: { values: ArrayLike<number>; offset: number; length: number }[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of parts) {
    for (let i = p.offset; i < p.offset + p.length; i++) {
      const v = p.values[i];
      if (Number.isFinite(v)) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
  }
  if (!Number.isFinite(lo)) return [0, 1];
  if (lo === hi) return [lo - 0.5, hi + 0.5];
  return [lo, hi];
}
