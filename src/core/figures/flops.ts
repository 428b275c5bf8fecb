/** MAC / FLOP breakdown: per layer dense vs mean effective (overhead apart) and the distribution over samples. */
import type { Analysis } from '../schema/results';
import { baseLayout, type FigureSpec, type FigureTheme } from './types';

/** What the cost figures read (a streaming panel passes per-layer means computed so far). */
export type CostSource = Pick<Analysis, 'layers' | 'samples' | 'denseMacs'> & { aggregates: { perLayer: { mean: number }[] } };

/** `MACs` or `FLOPs` (= 2 x MACs). */
export type CostUnit = 'MACs' | 'FLOPs';

/** Per-layer bars: effective (mean over samples) stacked with the skipped part; overhead layers in their own colour. */
export function layerBreakdownFigure(analysis: CostSource, theme: FigureTheme, unit: CostUnit = 'MACs'): FigureSpec {
  const k = unit === 'FLOPs' ? 2 / 1e6 : 1 / 1e6;
  const names = analysis.layers.map((l) => l.node);
  const eff = analysis.aggregates.perLayer.map((d) => d.mean * k);
  const skipped = analysis.layers.map((l, i) => Math.max(0, l.denseMacs * k - eff[i]));
  const isOver = analysis.layers.map((l) => l.overhead);
  return {
    data: [
      { type: 'bar', name: 'effective (backbone)', x: names, y: eff.map((v, i) => (isOver[i] ? 0 : v)), marker: { color: theme.series[0] } },
      { type: 'bar', name: 'overhead (mask generator, gate heads)', x: names, y: eff.map((v, i) => (isOver[i] ? v : 0)), marker: { color: theme.series[5] } },
      { type: 'bar', name: 'skipped by masks', x: names, y: skipped, marker: { color: theme.grid } },
    ],
    layout: baseLayout(theme, `Per layer: dense vs effective M${unit} (mean over samples)`, {
      barmode: 'stack',
      // Legend between the title and the plot (it wraps in narrow panels): the rotated layer names below need the room.
      title: { text: `Per layer: dense vs effective M${unit} (mean over samples)`, font: { size: 13 }, y: 0.99, yref: 'container', yanchor: 'top' },
      legend: { orientation: 'h', x: 0, y: 1.02, yanchor: 'bottom' },
      margin: { l: 56, r: 16, t: 100, b: 44 },
      xaxis: { tickangle: -45, automargin: true, gridcolor: theme.grid },
      yaxis: { title: { text: `M${unit}` }, gridcolor: theme.grid },
    }),
  };
}

/** Histogram of per-sample effective cost with the dense total marked. */
export function costDistributionFigure(analysis: Pick<Analysis, 'samples' | 'denseMacs'>, theme: FigureTheme, unit: CostUnit = 'MACs'): FigureSpec {
  const k = unit === 'FLOPs' ? 2 / 1e9 : 1 / 1e9;
  const dense = analysis.denseMacs * k;
  return {
    data: [{ type: 'histogram', name: 'effective', x: analysis.samples.map((s) => s.macs.total * k), marker: { color: theme.series[0] }, nbinsx: 20 }],
    layout: baseLayout(theme, `Effective G${unit} per sample (dense ${dense.toFixed(4)})`, {
      xaxis: { title: { text: `G${unit}` }, gridcolor: theme.grid },
      yaxis: { title: { text: 'samples' }, gridcolor: theme.grid },
      shapes: [{ type: 'line', x0: dense, x1: dense, yref: 'paper', y0: 0, y1: 1, line: { color: theme.series[1], dash: 'dash' } }],
    }),
  };
}
