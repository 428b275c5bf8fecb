/** Checkpoints side by side (Table I / Table IV companions): per-sample cost and accuracy vs cost. */
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
    data: series.map((e, i) => ({ type: 'box', name: e.name, y: e.perSampleMacs.map((v) => v / 1e6), marker: { color: theme.series[i % theme.series.length] }, boxmean: true, hovertemplate: '%{y:.2f} MMACs<extra></extra>' })),
    layout: baseLayout(theme, 'Effective MACs per sample', { yaxis: { title: { text: 'MMACs per sample' }, gridcolor: theme.grid, rangemode: 'tozero' }, showlegend: false }),
  };
}

/** MSE against mean effective GMACs, one marker per checkpoint. */
export function compareAccuracyFigure(series: CompareSeries[], theme: FigureTheme): FigureSpec {
  return {
    data: [{ type: 'scatter', mode: 'text+markers', x: series.map((e) => (e.meanEffectiveMacs ?? 0) / 1e9), y: series.map((e) => e.mse), text: series.map((e) => e.variant ?? e.name), textposition: 'top center', marker: { size: 10, color: series.map((_, i) => theme.series[i % theme.series.length]) }, hovertemplate: '%{text}: %{x:.4f} GMACs, MSE %{y:.4f}<extra></extra>' }],
    layout: baseLayout(theme, 'MSE vs mean effective GMACs', { xaxis: { title: { text: 'mean effective GMACs' }, gridcolor: theme.grid }, yaxis: { title: { text: 'MSE' }, gridcolor: theme.grid } }),
  };
}
