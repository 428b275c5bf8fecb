/** Filter activity: units x filters activation frequency, and a per-sample raster for one unit. */
import type { Analysis, DatasetAggregates } from '../schema/results';
import { baseLayout, type FigureSpec, type FigureTheme } from './types';

/** What the filter figures read (a streaming panel passes frequencies counted so far). */
export type FilterSource = Pick<Analysis, 'units' | 'samples'> & { aggregates: Pick<DatasetAggregates, 'filterFrequency'> };

/** Heatmap of activation frequency (rows: units, columns: filters; shorter units padded with blanks). */
export function filterFrequencyFigure(analysis: FilterSource, theme: FigureTheme, sortByFrequency = false): FigureSpec {
  const freqs = analysis.aggregates.filterFrequency;
  const width = Math.max(1, ...freqs.map((f) => f.frequency.length));
  const z = freqs.map((f) => {
    const row: (number | null)[] = sortByFrequency ? [...f.frequency].sort((a, b) => b - a) : [...f.frequency];
    while (row.length < width) row.push(null);
    return row;
  });
  const names = freqs.map((f) => analysis.units.find((u) => u.id === f.unit)?.name ?? `unit ${f.unit}`);
  return {
    data: [{ type: 'heatmap', z, y: names, colorscale: theme.sequential, zmin: 0, zmax: 1, colorbar: { thickness: 10, title: { text: 'active in' }, tickformat: '.0%' }, hovertemplate: `%{y}, filter %{x}: active in %{z:.0%} of the samples<extra></extra>` }],
    layout: baseLayout(theme, `Filter activation frequency over ${analysis.samples.length} samples`, {
      xaxis: { title: { text: sortByFrequency ? 'filter (sorted by frequency)' : 'filter' }, gridcolor: theme.grid },
      yaxis: { automargin: true, gridcolor: theme.grid },
    }),
  };
}

/** Samples x filters raster of one unit's hard gate; `sortByFrequency` orders the filters as the frequency heatmap does. */
export function unitRasterFigure(analysis: Pick<Analysis, 'units' | 'samples'>, unitIndex: number, theme: FigureTheme, options: { sortByFrequency?: boolean } = {}): FigureSpec {
  const unit = analysis.units[unitIndex];
  const masks = analysis.samples.map((s) => s.gates[unitIndex]?.mask ?? []);
  const k = unit?.channels ?? Math.max(0, ...masks.map((m) => m.length));
  const freq = Array.from({ length: k }, (_, i) => masks.reduce((a, m) => a + (m[i] ?? 0), 0));
  const order = Array.from({ length: k }, (_, i) => i);
  if (options.sortByFrequency) order.sort((a, b) => freq[b] - freq[a]);
  const z = masks.map((m) => order.map((i) => m[i] ?? null));
  const name = unit?.name ?? `unit ${unitIndex}`;
  const steps = analysis.samples.every((s) => s.windowStart !== null);
  const rows = analysis.samples.map((s) => String(s.windowStart ?? s.index));
  const text = masks.map((m, r) => order.map((i) => `filter ${i} of ${name} at ${steps ? 'step' : 'sample'} ${rows[r]}: ${m[i] === undefined ? 'no gate' : m[i] ? 'active' : 'skipped'}`));
  // Two colours of the theme (no white block on a dark page): skipped = the grid colour, active = the first series colour.
  const colorscale = [[0, theme.grid], [0.5, theme.grid], [0.5, theme.series[0]], [1, theme.series[0]]];
  return {
    data: [{ type: 'heatmap', z, y: rows, text, hovertemplate: '%{text}<extra></extra>', colorscale, zmin: 0, zmax: 1, xgap: 1, ygap: 1, colorbar: { thickness: 10, tickvals: [0.25, 0.75], ticktext: ['skipped', 'active'], len: 0.5, y: 1, yanchor: 'top' } }],
    layout: baseLayout(theme, `Active filters per sample: ${name}`, {
      xaxis: { title: { text: options.sortByFrequency ? 'filter (sorted by frequency)' : 'filter' }, gridcolor: theme.grid },
      yaxis: { title: { text: steps ? 'window start (time step)' : 'sample' }, type: 'category', gridcolor: theme.grid },
    }),
  };
}
