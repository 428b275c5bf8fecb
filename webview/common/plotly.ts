/**
 * Plotly for the panels, loaded on demand: the page names the bundle in
 * `<body data-plotly-src>` and the first figure that needs Plotly inserts it
 * (with the page's nonce), so panels whose first pictures are canvases (the
 * Masks maps) show them without waiting for Plotly to parse. Types only the
 * calls the panels use.
 */
import type { FigureSpec } from '../../src/core/figures/types';

export type { FigureSpec };

/** The Plotly calls the panels use. */
export interface PlotlyApi {
  react(el: HTMLElement, data: FigureSpec['data'], layout: FigureSpec['layout'], config?: Record<string, unknown>): Promise<HTMLElement>;
  toImage(el: HTMLElement, opts: { format: 'png' | 'svg'; width?: number; height?: number; scale?: number }): Promise<string>;
}

// Captured while the panel's bundle runs (document.currentScript is only set then).
const NONCE = (document.currentScript as HTMLScriptElement | null)?.nonce ?? '';
let loading: Promise<PlotlyApi> | null = null;

function loaded(): PlotlyApi | undefined {
  return (globalThis as unknown as { Plotly?: PlotlyApi }).Plotly;
}

/** Plotly, loading `dist/webview/plotly.js` on first use. */
export function loadPlotly(): Promise<PlotlyApi> {
  const ready = loaded();
  if (ready) return Promise.resolve(ready);
  loading ??= new Promise<PlotlyApi>((resolve, reject) => {
    const src = document.body.dataset.plotlySrc;
    if (!src) {
      reject(new Error('Plotly is not available: the page has no data-plotly-src'));
      return;
    }
    const script = document.createElement('script');
    script.nonce = NONCE;
    script.src = src;
    script.addEventListener('load', () => {
      const p = loaded();
      if (p) resolve(p);
      else reject(new Error(`${src} loaded but did not define Plotly`));
    });
    script.addEventListener('error', () => reject(new Error(`could not load ${src}`)));
    document.body.append(script);
  });
  return loading;
}
