/** Checkpoints side by side (Table I / Table IV companions): per-sample cost and accuracy vs cost. */
import { HOVER_FORMAT } from './format';
import { baseLayout, type FigureSpec, type FigureTheme } from './types';

/** One evaluated checkpoint. */
export interface CompareSeries {
  name: string;
  variant: string | null;
  /** Effective MACs of each sample. */
  perSampleMacs: number[];
  meanEffectiveMacs: number | null;
  mse: number | null;
}

/** Box plot of effective MMACs per sample, one box per checkpoint. */
export function compareCostFigure(series: CompareSeries[], theme: FigureTheme): FigureSpec {
  return {
    data: series.map((e, i) => ({ type: 'box', name: e.name, y: e.perSampleMacs.map((v) => v / 1e6), marker: { color: theme.series[i % theme.series.length] }, boxmean: true, hovertemplate: `%{y:${HOVER_FORMAT}} MMACs<extra></extra>` })),
    // Headroom above the largest box (a dense checkpoint's constant cost would sit on the plot's top edge).
    layout: baseLayout(theme, 'Effective MACs per sample', { yaxis: { title: { text: 'MMACs per sample' }, gridcolor: theme.grid, range: [0, 1.1 * Math.max(1e-9, ...series.flatMap((e) => e.perSampleMacs.map((v) => v / 1e6)))] }, showlegend: false }),
  };
}

/** MSE against mean effective GMACs, one marker per checkpoint. */
export function compareAccuracyFigure(series: CompareSeries[], theme: FigureTheme): FigureSpec {
  return {
    data: [{ type: 'scatter', mode: 'text+markers', x: series.map((e) => (e.meanEffectiveMacs ?? 0) / 1e9), y: series.map((e) => e.mse), text: series.map((e) => e.variant ?? e.name), textposition: 'top center', cliponaxis: false, marker: { size: 10, color: series.map((_, i) => theme.series[i % theme.series.length]) }, hovertemplate: `%{text}: %{x:${HOVER_FORMAT}} GMACs, MSE %{y:${HOVER_FORMAT}}<extra></extra>` }],
    // Room around the markers so the checkpoint labels are not clipped at the plot's edges.
    layout: baseLayout(theme, 'MSE vs mean effective GMACs', { margin: { l: 56, r: 40, t: 48, b: 44 }, xaxis: { title: { text: 'mean effective GMACs' }, gridcolor: theme.grid, range: padded(series.map((e) => (e.meanEffectiveMacs ?? 0) / 1e9), 0.12) }, yaxis: { title: { text: 'MSE' }, gridcolor: theme.grid, range: padded(series.map((e) => e.mse ?? NaN), 0.18) } }),
  };
}

/** An axis range around the finite values with `fraction` of their spread (or of their size) added on both sides. */
function padded(values: number[], fraction: number): [number, number] | undefined {
  const xs = values.filter(Number.isFinite);
  if (xs.length === 0) return undefined;
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  const pad = Math.max((hi - lo) * fraction, Math.abs(hi) * 0.05, 1e-9);
  return [lo - pad, hi + pad];
}
