/** MAC / FLOP breakdown: per layer dense vs mean effective (overhead apart) and the distribution over samples. */
import type { Analysis } from '../schema/results';
import { denseBackboneMacs, formatSig, HOVER_FORMAT } from './format';
import { baseLayout, type FigureSpec, type FigureTheme } from './types';

/** What the cost figures read (a streaming panel passes per-layer means computed so far). */
export type CostSource = Pick<Analysis, 'layers' | 'samples' | 'denseMacs'> & { aggregates: { perLayer: { mean: number }[] } };

/** `MACs` or `FLOPs` (= 2 x MACs). */
export type CostUnit = 'MACs' | 'FLOPs';

/** A layer name short enough for an axis ("/m/backbone/enc0/conv_1/Conv" -> "enc0/conv_1"); the hover shows the full name. */
export function shortLayerName(node: string, max = 28): string {
  const parts = node.replace(/^\/?m\//, '').replace(/^backbone\//, '').split('/').filter(Boolean);
  if (parts.length > 1 && /^[A-Z][A-Za-z]*$/.test(parts[parts.length - 1])) parts.pop();
  const short = parts.join('/') || node;
  return short.length > max ? `…${short.slice(short.length - max + 1)}` : short;
}

/** Per-layer horizontal bars (graph order, top to bottom): effective (mean over samples) stacked with the skipped part; overhead layers in their own colour. */
export function layerBreakdownFigure(analysis: CostSource, theme: FigureTheme, unit: CostUnit = 'MACs'): FigureSpec {
  const k = unit === 'FLOPs' ? 2 / 1e6 : 1 / 1e6;
  const names = analysis.layers.map((l) => shortLayerName(l.node));
  const full = analysis.layers.map((l) => l.node);
  const eff = analysis.aggregates.perLayer.map((d) => d.mean * k);
  const skipped = analysis.layers.map((l, i) => Math.max(0, l.denseMacs * k - eff[i]));
  const isOver = analysis.layers.map((l) => l.overhead);
  const hover = `%{customdata}<br>%{fullData.name}: %{x:${HOVER_FORMAT}} M${unit}<extra></extra>`;
  const bar = (name: string, x: number[], color: string) => ({ type: 'bar', orientation: 'h', name, y: names, x, customdata: full, marker: { color }, hovertemplate: hover });
  const title = `Per layer: dense vs effective M${unit} (mean over samples)`;
  return {
    data: [
      bar('effective (backbone)', eff.map((v, i) => (isOver[i] ? 0 : v)), theme.series[0]),
      bar('overhead (mask generator, gate heads)', eff.map((v, i) => (isOver[i] ? v : 0)), theme.series[5]),
      bar('skipped by masks', skipped, theme.grid),
    ],
    layout: baseLayout(theme, title, {
      barmode: 'stack',
      // Legend between the title and the plot (it wraps in narrow panels).
      title: { text: title, font: { size: 13 }, y: 0.99, yref: 'container', yanchor: 'top' },
      legend: { orientation: 'h', x: 0, y: 1.0, yanchor: 'bottom' },
      margin: { l: 8, r: 16, t: 84, b: 40 },
      // Graph order from the top; names horizontal, as wide as they need.
      yaxis: { type: 'category', autorange: 'reversed', automargin: true, tickfont: { size: 10 }, gridcolor: theme.grid },
      xaxis: { title: { text: `M${unit}` }, gridcolor: theme.grid, rangemode: 'tozero' },
      height: Math.max(300, 120 + names.length * 16),
    }),
  };
}

/** Histogram of per-sample effective cost; the dense backbone is named in the title and on a line only when it is near the samples (else it would squeeze them into one edge). */
export function costDistributionFigure(analysis: Pick<Analysis, 'samples' | 'denseMacs' | 'layers'>, theme: FigureTheme, unit: CostUnit = 'MACs'): FigureSpec {
  const k = unit === 'FLOPs' ? 2 / 1e9 : 1 / 1e9;
  const dense = denseBackboneMacs(analysis) * k;
  const xs = analysis.samples.map((s) => s.macs.total * k);
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  const pad = Math.max((hi - lo) * 0.15, hi * 0.01, 1e-12);
  const showDense = dense <= hi + (hi - lo + pad) * 1.5;
  const xmax = showDense ? Math.max(hi + pad, dense * 1.02) : hi + pad;
  return {
    data: [{ type: 'histogram', name: 'effective', x: xs, marker: { color: theme.series[0] }, nbinsx: Math.min(20, Math.max(5, xs.length)), hovertemplate: `%{x:${HOVER_FORMAT}} G${unit}: %{y} samples<extra></extra>` }],
    layout: baseLayout(theme, `Effective G${unit} per sample (dense backbone ${formatSig(dense, 3)})`, {
      xaxis: { title: { text: `G${unit} per sample` }, gridcolor: theme.grid, range: [Math.max(0, lo - pad), xmax] },
      // Counts are whole samples: integer ticks only.
      yaxis: { title: { text: 'samples' }, gridcolor: theme.grid, tickformat: 'd', rangemode: 'tozero', ...(xs.length <= 12 ? { dtick: 1 } : {}) },
      bargap: 0.05,
      shapes: showDense ? [{ type: 'line', x0: dense, x1: dense, yref: 'paper', y0: 0, y1: 1, line: { color: theme.series[1], dash: 'dash' } }] : [],
    }),
  };
}

/** Dense cost per compute layer of a plain ONNX model (no masks: nothing is skipped), horizontal bars in graph order. */
export function denseLayersFigure(layers: { node: string; denseMacs: number }[], theme: FigureTheme, unit: CostUnit = 'MACs'): FigureSpec {
  const k = unit === 'FLOPs' ? 2 / 1e6 : 1 / 1e6;
  const shown = layers.filter((l) => l.denseMacs > 0);
  const title = `Dense M${unit} per compute layer`;
  return {
    data: [{ type: 'bar', orientation: 'h', name: 'dense', y: shown.map((l) => shortLayerName(l.node)), x: shown.map((l) => l.denseMacs * k), customdata: shown.map((l) => l.node), marker: { color: theme.series[0] }, hovertemplate: `%{customdata}<br>%{x:${HOVER_FORMAT}} M${unit}<extra></extra>` }],
    layout: baseLayout(theme, title, {
      margin: { l: 8, r: 16, t: 36, b: 40 },
      yaxis: { type: 'category', autorange: 'reversed', automargin: true, tickfont: { size: 10 }, gridcolor: theme.grid },
      xaxis: { title: { text: `M${unit}` }, gridcolor: theme.grid, rangemode: 'tozero' },
      showlegend: false,
      height: Math.max(300, 80 + shown.length * 16),
    }),
  };
}
