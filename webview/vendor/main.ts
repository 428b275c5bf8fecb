/**
 * Vendor bundle of the remote profiling panel (`dist/webview/vendor.js`),
 * loaded before its own bundle (the Dyna-Pruner panels load
 * `elements.js` and, on demand, `plotly.js` instead): Plotly's strict build (no `eval` / `new
 * Function`, so it runs under a nonce-only CSP) as `window.Plotly`, and the
 * `@vscode-elements/elements` web components.
 */
// @ts-expect-error plotly.js-strict-dist-min ships no type declarations; webview/common/plotly.ts types what we use.
import Plotly from 'plotly.js-strict-dist-min';
import '@vscode-elements/elements/dist/bundled.js';

(globalThis as unknown as { Plotly: unknown }).Plotly = Plotly;
