/** Robustness curves with 95% CI bands (noise, mask failure) and the sensitivity Pareto plot. */
import type { MaskMethod, SweepPoint, SweepResult } from '../schema/results';
import { HOVER_FORMAT } from './format';
import { baseLayout, type FigureSpec, type FigureTheme } from './types';

const ORDER: MaskMethod[] = ['dynapruner', 'dense', 'random', 'l1', 'dp_only', 'mp_only'];
/** Legend names; "dense" is this checkpoint's own graph with every mask off, not the separately trained dense model. */
export const METHOD_NAMES: Record<MaskMethod, string> = { dynapruner: 'Dyna-Pruner', dense: 'Clean dense (same weights, masks off)', random: 'Random pruning', l1: 'Static L1', dp_only: 'DP only', mp_only: 'MP only' };
const NAMES = METHOD_NAMES;

/** Log scale when the plotted values span more than this ratio (one curve at 24.8, the rest near 0.58). */
const LOG_RATIO = 20;

/** A y axis for MSE values: logarithmic when they differ by orders of magnitude, so no curve is flattened. */
export function mseAxis(values: number[], theme: FigureTheme): Record<string, unknown> {
  const xs = values.filter((v) => Number.isFinite(v) && v > 0);
  const log = xs.length > 1 && Math.max(...xs) / Math.min(...xs) > LOG_RATIO;
  if (!log) return { title: { text: 'MSE' }, gridcolor: theme.grid, type: 'linear' };
  return { title: { text: 'MSE (log scale)' }, gridcolor: theme.grid, type: 'log', tickvals: logTicks(Math.min(...xs), Math.max(...xs)), tickformat: '~g' };
}

/** 1-2-5 ticks covering [lo, hi] (0.5, 1, 2, 5, 10, 20): readable labels on a log axis. */
function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= lo / 2.5 && v <= hi * 2.5) out.push(Number(v.toPrecision(1)));
    }
  }
  return out;
}

/** Legend above the plot (it wraps in narrow panels) so it never runs into the x-axis title. */
function legendOnTop(title: string): Record<string, unknown> {
  return { title: { text: title, font: { size: 13 }, y: 0.99, yref: 'container', yanchor: 'top' }, legend: { orientation: 'h', x: 0, y: 1.0, yanchor: 'bottom' }, margin: { l: 56, r: 16, t: 96, b: 44 } };
}

/** The trained dense checkpoint's clean MSE as a reference line (Table I's second dense reference), when the sweep has one. */
function trainedDenseLine(sweep: SweepResult, x: number[], theme: FigureTheme): Record<string, unknown>[] {
  const t = sweep.trainedDense;
  if (!t || x.length === 0) return [];
  const lo = Math.min(...x);
  const hi = Math.max(...x);
  return [{ type: 'scatter', mode: 'lines', x: [lo, hi], y: [t.mse.mean, t.mse.mean], name: `Trained dense (${t.model.name})`, line: { color: theme.foreground, dash: 'dash', width: 1 }, hovertemplate: `trained dense ${t.model.name}: MSE %{y:${HOVER_FORMAT}}<extra></extra>` }];
}

function withAlpha(color: string, alpha: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(color.trim());
  if (!m) return color;
  const n = parseInt(m[1], 16);
  return `rgba(${n >> 16}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

/** MSE vs noise sigma or failure rate, one line per method with a shaded 95% CI band. */
export function robustnessFigure(sweep: SweepResult, kind: 'noise' | 'failure', theme: FigureTheme): FigureSpec {
  const points = kind === 'noise' ? sweep.noise : sweep.failure;
  const xOf = (p: SweepPoint) => (kind === 'noise' ? p.config.noiseSigma : p.config.failureRate * 100);
  const data: Record<string, unknown>[] = [];
  const plotted: number[] = [];
  ORDER.forEach((m, i) => {
    // Points without a recorded row yet (a running sweep's partial result) are left out: the curves grow as rows finish.
    const ps = points.filter((p) => p.config.method === m && p.mse.n > 0).sort((a, b) => xOf(a) - xOf(b));
    if (ps.length === 0) return;
    const color = theme.series[i % theme.series.length];
    const x = ps.map(xOf);
    data.push({ type: 'scatter', mode: 'lines', x: [...x, ...[...x].reverse()], y: [...ps.map((p) => p.mse.ci95[1]), ...ps.map((p) => p.mse.ci95[0]).reverse()], fill: 'toself', fillcolor: withAlpha(color, 0.18), line: { width: 0 }, hoverinfo: 'skip', showlegend: false, name: `${NAMES[m]} 95% CI` });
    data.push({ type: 'scatter', mode: 'lines+markers', x, y: ps.map((p) => p.mse.mean), name: NAMES[m], line: { color }, hovertemplate: `${NAMES[m]}: MSE %{y:${HOVER_FORMAT}} at %{x}<extra></extra>` });
    plotted.push(...ps.map((p) => p.mse.mean));
  });
  data.push(...trainedDenseLine(sweep, points.map(xOf), theme));
  if (sweep.trainedDense) plotted.push(sweep.trainedDense.mse.mean);
  return {
    data,
    layout: baseLayout(theme, kind === 'noise' ? 'MSE under Gaussian input noise (95% CI)' : 'MSE under data-mask failures (95% CI)', {
      ...legendOnTop(kind === 'noise' ? 'MSE under Gaussian input noise (95% CI)' : 'MSE under data-mask failures (95% CI)'),
      xaxis: { title: { text: kind === 'noise' ? 'noise sigma (normalised units)' : 'flipped active pixels (%)' }, gridcolor: theme.grid },
      yaxis: mseAxis(plotted, theme),
    }),
  };
}

/** Accuracy vs effective GMACs over the sensitivity sweep, Pareto front joined. */
export function paretoFigure(sweep: SweepResult, theme: FigureTheme): FigureSpec {
  const pts = sweep.sensitivity.points.filter((p) => p.mse.n > 0);
  const front = pts.filter((p) => sweep.sensitivity.pareto.includes(p.id)).sort((a, b) => a.effectiveMacs.mean - b.effectiveMacs.mean);
  const label = (p: SweepPoint) => `thr ${p.config.dataThreshold ?? 'own'}, tau ${p.config.tauOffset >= 0 ? '+' : ''}${p.config.tauOffset}`;
  const refs = sweep.ablation.filter((p) => (p.config.method === 'dense' || p.config.method === 'dynapruner') && p.mse.n > 0);
  return {
    data: [
      { type: 'scatter', mode: 'markers', name: 'sensitivity points', x: pts.map((p) => p.effectiveMacs.mean / 1e9), y: pts.map((p) => p.mse.mean), text: pts.map(label), marker: { color: theme.series[2], size: 7 } },
      { type: 'scatter', mode: 'lines+markers', name: 'Pareto front', x: front.map((p) => p.effectiveMacs.mean / 1e9), y: front.map((p) => p.mse.mean), text: front.map(label), line: { color: theme.series[0] } },
      { type: 'scatter', mode: 'markers+text', name: 'checkpoint / clean dense', x: refs.map((p) => p.effectiveMacs.mean / 1e9), y: refs.map((p) => p.mse.mean), text: refs.map((p) => (p.config.method === 'dense' ? 'clean dense' : NAMES[p.config.method])), textposition: 'top center', cliponaxis: false, marker: { color: theme.series[1], size: 10, symbol: 'diamond' } },
      ...(sweep.trainedDense ? [{ type: 'scatter', mode: 'markers+text', name: `Trained dense (${sweep.trainedDense.model.name})`, x: [sweep.trainedDense.denseMacs / 1e9], y: [sweep.trainedDense.mse.mean], text: ['trained dense'], textposition: 'bottom center', cliponaxis: false, marker: { color: theme.foreground, size: 10, symbol: 'square-open' } }] : []),
    ],
    layout: baseLayout(theme, 'Sensitivity: MSE vs effective GMACs (data threshold x tau offset)', {
      ...legendOnTop('Sensitivity: MSE vs effective GMACs (data threshold x tau offset)'),
      xaxis: { title: { text: 'effective GMACs per sample' }, gridcolor: theme.grid },
      yaxis: mseAxis([...pts, ...refs].map((p) => p.mse.mean).concat(sweep.trainedDense ? [sweep.trainedDense.mse.mean] : []), theme),
    }),
  };
}
