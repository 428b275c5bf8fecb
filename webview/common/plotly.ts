/** Typed access to the Plotly global the vendor bundle installs (only the calls the panels use). */
import type { FigureSpec } from '../../src/core/figures/types';

export type { FigureSpec };

interface PlotlyApi {
  react(el: HTMLElement, data: FigureSpec['data'], layout: FigureSpec['layout'], config?: Record<string, unknown>): Promise<HTMLElement>;
  relayout(el: HTMLElement, update: Record<string, unknown>): Promise<HTMLElement>;
  purge(el: HTMLElement): void;
  toImage(el: HTMLElement, opts: { format: 'png' | 'svg'; width?: number; height?: number; scale?: number }): Promise<string>;
}

/** The Plotly API (throws a clear error if the vendor bundle did not load). */
export function plotly(): PlotlyApi {
  const p = (globalThis as unknown as { Plotly?: PlotlyApi }).Plotly;
  if (!p) throw new Error('Plotly is not loaded: dist/webview/vendor.js must load before the panel bundle');
  return p;
}
