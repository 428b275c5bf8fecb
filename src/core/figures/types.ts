/** Plotly figure specs as plain JSON (no plotly import, no DOM): what the webviews and the report both render. */
import { HOVER_FORMAT } from './format';
import type { Colorscale } from './raster';

export type { Colorscale } from './raster';

/** A Plotly figure: traces and layout, passed as-is to `Plotly.newPlot(el, data, layout)`. */
export interface FigureSpec {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
}

/** Colours a figure uses; webviews pass `--vscode-*` theme values, the report its own palette. */
export interface FigureTheme {
  foreground: string;
  background: string;
  grid: string;
  /** Font family for all text. */
  font: string;
  /** Series colours in order: Dyna-Pruner, dense, random, static L1, extra... */
  series: string[];
  /** Colour scale for sequential maps (S, |Delta|, error): a Plotly name or `[fraction, colour]` stops. */
  sequential: Colorscale;
  /** Colour scale for signed fields (inputs, predictions). */
  diverging: Colorscale;
  /** Colour scale of the 0/1 data mask (default `Greys`). */
  mask?: Colorscale;
  /** Draw plot and paper backgrounds transparent (webviews: the editor background shows through). */
  transparent?: boolean;
}

/** A neutral light palette (report default). */
export const LIGHT_THEME: FigureTheme = {
  foreground: '#1f2328',
  background: '#ffffff',
  grid: '#d0d7de',
  font: 'system-ui, -apple-system, Segoe UI, sans-serif',
  series: ['#0969da', '#6e7781', '#cf222e', '#8250df', '#1a7f37', '#bc4c00'],
  sequential: 'Viridis',
  diverging: 'RdBu',
};


/** Common layout for a theme; every axis without its own `hoverformat` hovers with 4 significant digits. */
export function baseLayout(theme: FigureTheme, title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const layout = themedLayout(theme, title, extra);
  for (const [key, axis] of Object.entries(layout)) {
    if (/^[xy]axis\d*$/.test(key) && typeof axis === 'object' && axis !== null && !('hoverformat' in axis)) layout[key] = { hoverformat: HOVER_FORMAT, ...axis };
  }
  return layout;
}

function themedLayout(theme: FigureTheme, title: string, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    title: { text: title, font: { size: 13 } },
    paper_bgcolor: theme.transparent ? 'rgba(0,0,0,0)' : theme.background,
    plot_bgcolor: theme.transparent ? 'rgba(0,0,0,0)' : theme.background,
    font: { color: theme.foreground, family: theme.font, size: 11 },
    margin: { l: 56, r: 16, t: 36, b: 44 },
    xaxis: { gridcolor: theme.grid, zerolinecolor: theme.grid },
    yaxis: { gridcolor: theme.grid, zerolinecolor: theme.grid },
    legend: { orientation: 'h', y: -0.2 },
    ...extra,
  };
}
