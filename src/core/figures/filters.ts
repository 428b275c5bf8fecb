/** Filter activity: units x filters activation frequency, and a per-sample raster for one unit. */
import type { Analysis } from '../engine/results';
import { baseLayout, type FigureSpec, type FigureTheme } from './types';

/** Heatmap of activation frequency (rows: units, columns: filters; shorter units padded with blanks). */
export function filterFrequencyFigure(analysis: Analysis, theme: FigureTheme, sortByFrequency = false): FigureSpec {
  const freqs = analysis.aggregates.filterFrequency;
  const width = Math.max(1, ...freqs.map((f) => f.frequency.length));
  const z = freqs.map((f) => {
    const row: (number | null)[] = sortByFrequency ? [...f.frequency].sort((a, b) => b - a) : [...f.frequency];
    while (row.length < width) row.push(null);
    return row;
  });
  const names = freqs.map((f) => analysis.units.find((u) => u.id === f.unit)?.name ?? `unit ${f.unit}`);
  return {
    data: [{ type: 'heatmap', z, y: names, colorscale: theme.sequential, zmin: 0, zmax: 1, colorbar: { thickness: 10, title: { text: 'freq' } } }],
    layout: baseLayout(theme, `Filter activation frequency over ${analysis.samples.length} samples`, {
      xaxis: { title: { text: sortByFrequency ? 'filter (sorted by frequency)' : 'filter' }, gridcolor: theme.grid },
      yaxis: { automargin: true, gridcolor: theme.grid },
    }),
  };
}

/** Samples x filters raster of one unit's hard gate. */
export function unitRasterFigure(analysis: Analysis, unitIndex: number, theme: FigureTheme): FigureSpec {
  const unit = analysis.units[unitIndex];
  const z = analysis.samples.map((s) => s.gates[unitIndex]?.mask ?? []);
  return {
    data: [{ type: 'heatmap', z, y: analysis.samples.map((s) => String(s.windowStart ?? s.index)), colorscale: 'Greys', reversescale: true, zmin: 0, zmax: 1, showscale: false }],
    layout: baseLayout(theme, `Active filters per sample: ${unit?.name ?? unitIndex}`, {
      xaxis: { title: { text: 'filter' }, gridcolor: theme.grid },
      yaxis: { title: { text: 'sample' }, type: 'category', gridcolor: theme.grid },
    }),
  };
}
