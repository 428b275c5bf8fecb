/**
 * Plotly's strict build (no `eval` / `new Function`, so it runs under a
 * nonce-only CSP) as `window.Plotly` (`dist/webview/plotly.js`), loaded on
 * demand by webview/common/plotly.ts.
 */
// @ts-expect-error plotly.js-strict-dist-min ships no type declarations; webview/common/plotly.ts types what we use.
import Plotly from 'plotly.js-strict-dist-min';

(globalThis as unknown as { Plotly: unknown }).Plotly = Plotly;
