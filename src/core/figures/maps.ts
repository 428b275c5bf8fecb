/** Map figures of one sample: input, S, data mask, |Delta|, prediction, error (Masks panel and report). */
import { decodeF32, toRows } from '../engine/encoding';
import type { Analysis, SampleAnalysis } from '../engine/results';
import { baseLayout, type FigureSpec, type FigureTheme } from './types';

/** Which frame of a sample to show. */
export interface MapSelection {
  sample: number;
  /** Output time step for prediction / target. */
  t: number;
  channel: number;
}

/** A heatmap of an `[H, W]` map (row 0 = first latitude of the file, drawn at the bottom). */
export function heatmap(title: string, values: ArrayLike<number>, h: number, w: number, theme: FigureTheme, opts: { colorscale?: string; zmin?: number; zmax?: number; offset?: number } = {}): FigureSpec {
  return {
    data: [{ type: 'heatmap', z: toRows(values, h, w, opts.offset ?? 0), colorscale: opts.colorscale ?? theme.sequential, zmin: opts.zmin, zmax: opts.zmax, showscale: true, colorbar: { thickness: 10 } }],
    layout: baseLayout(theme, title, { xaxis: { visible: false }, yaxis: { visible: false, scaleanchor: 'x' }, margin: { l: 8, r: 8, t: 32, b: 8 } }),
  };
}

function range(values: ArrayLike<number>[], symmetric: boolean): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) for (let i = 0; i < v.length; i++) {
    lo = Math.min(lo, v[i]);
    hi = Math.max(hi, v[i]);
  }
  if (symmetric) {
    const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    return [-m, m];
  }
  return [lo, hi > lo ? hi : lo + 1];
}

/** The map figures of one sample, in display order, with shared colour scales for input/prediction/target. */
export function sampleMapFigures(analysis: Analysis, sel: MapSelection, theme: FigureTheme): { key: string; figure: FigureSpec }[] {
  const s: SampleAnalysis = analysis.samples[sel.sample];
  const [H, W] = analysis.model.grid;
  const plane = H * W;
  const ch = analysis.model.channels[sel.channel] ?? `c${sel.channel}`;
  const C = analysis.model.channels.length;
  const input = decodeF32(s.inputLast).subarray(sel.channel * plane, (sel.channel + 1) * plane);
  const frame = (sel.t * C + sel.channel) * plane;
  const pred = decodeF32(s.prediction).subarray(frame, frame + plane);
  const target = s.target ? decodeF32(s.target).subarray(frame, frame + plane) : null;
  const [lo, hi] = range([input, pred, ...(target ? [target] : [])], true);
  const figs: { key: string; figure: FigureSpec }[] = [
    { key: 'input', figure: heatmap(`Input (last frame), ${ch}`, input, H, W, theme, { colorscale: theme.diverging, zmin: lo, zmax: hi }) },
  ];
  if (s.importance) figs.push({ key: 'importance', figure: heatmap('Importance S', decodeF32(s.importance), H, W, theme, { zmin: 0, zmax: 1 }) });
  if (s.dataMask) figs.push({ key: 'dataMask', figure: heatmap(`Data mask (${(s.activeFraction * 100).toFixed(1)}% active)`, decodeF32(s.dataMask), H, W, theme, { colorscale: 'Greys', zmin: 0, zmax: 1 }) });
  if (s.absDelta) figs.push({ key: 'absDelta', figure: heatmap('|Delta| (future change)', decodeF32(s.absDelta), H, W, theme) });
  figs.push({ key: 'prediction', figure: heatmap(`Prediction t+${sel.t + 1}, ${ch}`, pred, H, W, theme, { colorscale: theme.diverging, zmin: lo, zmax: hi }) });
  if (target) figs.push({ key: 'target', figure: heatmap(`Target t+${sel.t + 1}, ${ch}`, target, H, W, theme, { colorscale: theme.diverging, zmin: lo, zmax: hi }) });
  if (s.errorMap) figs.push({ key: 'error', figure: heatmap('|Prediction - target| (mean over t, c)', decodeF32(s.errorMap), H, W, theme) });
  return figs;
}

/** Per-sample active fraction, effective MACs and alignment AUC (scrubbing overview). */
export function perSampleFigure(analysis: Analysis, theme: FigureTheme): FigureSpec {
  const x = analysis.samples.map((s) => s.windowStart ?? s.index);
  return {
    data: [
      { type: 'bar', name: 'effective GMACs', x, y: analysis.samples.map((s) => s.macs.total / 1e9), marker: { color: theme.series[0] } },
      { type: 'scatter', mode: 'lines+markers', name: 'active pixels', x, y: analysis.samples.map((s) => s.activeFraction), yaxis: 'y2', line: { color: theme.series[4] } },
      { type: 'scatter', mode: 'lines+markers', name: 'alignment AUC', x, y: analysis.samples.map((s) => s.alignment?.auc ?? null), yaxis: 'y2', line: { color: theme.series[5], dash: 'dot' } },
    ],
    layout: baseLayout(theme, 'Per sample: effective MACs, active pixels, alignment AUC', {
      xaxis: { title: { text: analysis.samples[0]?.windowStart !== null ? 'window start (time step)' : 'sample' }, gridcolor: theme.grid },
      yaxis: { title: { text: 'GMACs' }, gridcolor: theme.grid },
      yaxis2: { overlaying: 'y', side: 'right', range: [0, 1], title: { text: 'fraction / AUC' } },
    }),
  };
}
