/**
 * Latency figures from a layer-latency result (`dynapruner latency --json`):
 * per variant and compute layer, its share of MACs beside its share of
 * measured time; and the latency model's predicted vs measured per-sample
 * latency, with the MAC limit.
 */
import type { LayerLatencyResult, VariantLayerLatency } from '../schema/layerLatency';
import { shortLayerName } from './flops';
import { HOVER_FORMAT } from './format';
import { baseLayout, type FigureSpec, type FigureTheme } from './types';

/** Compute layers any variant spends MACs or time on, in the result's layer order. */
function shownLayers(variants: VariantLayerLatency[]): string[] {
  const names = variants[0]?.layers.map((l) => l.name) ?? [];
  for (const v of variants.slice(1)) for (const l of v.layers) if (!names.includes(l.name)) names.push(l.name);
  return names.filter((n) => variants.some((v) => v.layers.some((l) => l.name === n && (l.macs > 0 || l.timeUs > 0))));
}

/**
 * Horizontal bars per layer: for each variant, share of MACs (hatched) and
 * share of measured time (solid) in the variant's colour, plus one "other
 * ops" row (time of nodes that map to no compute layer).
 */
export function layerShareFigure(result: LayerLatencyResult, theme: FigureTheme): FigureSpec {
  const names = shownLayers(result.variants);
  const rows = [...names.map((n) => shortLayerName(n)), 'other ops'];
  const full = [...names, 'nodes mapped to no compute layer'];
  const data = result.variants.flatMap((v, i) => {
    const color = theme.series[i % theme.series.length];
    const by = new Map(v.layers.map((l) => [l.name, l]));
    const other = v.otherOps.reduce((a, o) => a + o.timeShare, 0);
    const mac = [...names.map((n) => 100 * (by.get(n)?.macShare ?? 0)), 0];
    const time = [...names.map((n) => 100 * (by.get(n)?.timeShare ?? 0)), 100 * other];
    const bar = (what: string, x: number[], pattern: Record<string, unknown>) => ({
      type: 'bar', orientation: 'h', name: `${v.variant}: ${what}`, legendgroup: v.variant, y: rows, x, customdata: full,
      marker: { color, pattern }, hovertemplate: `%{customdata}<br>${v.variant} ${what}: %{x:${HOVER_FORMAT}}%<extra></extra>`,
    });
    return [bar('share of MACs', mac, { shape: '/', fillmode: 'overlay', solidity: 0.4 }), bar('share of time', time, { shape: '' })];
  });
  const title = `Per layer: share of MACs vs share of measured time (${result.runtime.name} ${result.runtime.version}, 1 thread, batch 1)`;
  return {
    data,
    layout: baseLayout(theme, title, {
      barmode: 'group',
      title: { text: title, font: { size: 13 }, y: 0.99, yref: 'container', yanchor: 'top' },
      legend: { orientation: 'h', x: 0, y: 1.0, yanchor: 'bottom' },
      // Room above the plot for the title and a legend row per two variants.
      margin: { l: 8, r: 16, t: 40 + 44 * Math.ceil(result.variants.length / 2), b: 40 },
      yaxis: { type: 'category', autorange: 'reversed', automargin: true, tickfont: { size: 10 }, gridcolor: theme.grid },
      xaxis: { title: { text: '% of the variant' }, gridcolor: theme.grid, rangemode: 'tozero' },
      height: Math.max(320, 140 + rows.length * 10 * Math.max(1, result.variants.length)),
    }),
  };
}

/** Predicted vs measured per-sample latency (ms), one series per variant, the y = x line, and the MAC limit as open markers. */
export function predictedVsMeasuredFigure(result: LayerLatencyResult, theme: FigureTheme): FigureSpec {
  const all = result.model.flatMap((m) => m.samples.flatMap((s) => [s.measuredMs, s.predictedMs, s.macLimitMs ?? s.measuredMs]));
  const hi = all.length ? Math.max(...all) * 1.05 : 1;
  const data: Record<string, unknown>[] = result.model.flatMap((m, i) => {
    const color = theme.series[i % theme.series.length];
    const measured = m.samples.map((s) => s.measuredMs);
    const limits = m.samples.filter((s) => s.macLimitMs !== null);
    return [
      { type: 'scatter', mode: 'markers', name: `${m.variant} (mean |err| ${m.meanAbsPctError.toFixed(1)}%)`, legendgroup: m.variant, x: measured, y: m.samples.map((s) => s.predictedMs), marker: { color, size: 7 }, hovertemplate: `${m.variant}<br>measured %{x:${HOVER_FORMAT}} ms<br>predicted %{y:${HOVER_FORMAT}} ms<extra></extra>` },
      { type: 'scatter', mode: 'markers', name: `${m.variant}: MAC limit`, legendgroup: m.variant, x: limits.map((s) => s.measuredMs), y: limits.map((s) => s.macLimitMs), marker: { color, size: 7, symbol: 'circle-open' }, hovertemplate: `${m.variant}<br>measured %{x:${HOVER_FORMAT}} ms<br>MAC limit %{y:${HOVER_FORMAT}} ms<extra></extra>` },
    ];
  });
  data.push({ type: 'scatter', mode: 'lines', name: 'predicted = measured', x: [0, hi], y: [0, hi], line: { color: theme.grid, dash: 'dash' }, hoverinfo: 'skip' });
  return {
    data,
    layout: baseLayout(theme, 'Latency model: predicted vs measured per sample (MAC limit: clean dense time x MAC ratio)', {
      xaxis: { title: { text: 'measured ms' }, gridcolor: theme.grid, range: [0, hi] },
      yaxis: { title: { text: 'predicted ms' }, gridcolor: theme.grid, range: [0, hi] },
      legend: { orientation: 'h', x: 0, y: -0.2, yanchor: 'top' },
      height: 420,
    }),
  };
}
