/** Typed access to the Plotly global the vendor bundle installs (only the calls the panels use). */

/** A Plotly trace (loosely typed: Plotly's own schema is huge). */
export type Trace = Record<string, unknown>;
/** A Plotly layout. */
export type Layout = Record<string, unknown>;
/** A figure: traces, layout, config. */
export interface FigureSpec {
  data: Trace[];
  layout: Layout;
  config?: Record<string, unknown>;
}

interface PlotlyApi {
  react(el: HTMLElement, data: Trace[], layout: Layout, config?: Record<string, unknown>): Promise<HTMLElement>;
  restyle(el: HTMLElement, update: Record<string, unknown>, traces?: number[]): Promise<HTMLElement>;
  relayout(el: HTMLElement, update: Record<string, unknown>): Promise<HTMLElement>;
  purge(el: HTMLElement): void;
  toImage(el: HTMLElement, opts: { format: 'png' | 'svg'; width?: number; height?: number; scale?: number }): Promise<string>;
  Plots: { resize(el: HTMLElement): void };
}

/** The Plotly API (throws a clear error if the vendor bundle did not load). */
export function plotly(): PlotlyApi {
  const p = (globalThis as unknown as { Plotly?: PlotlyApi }).Plotly;
  if (!p) throw new Error('Plotly is not loaded: dist/webview/vendor.js must load before the panel bundle');
  return p;
}
