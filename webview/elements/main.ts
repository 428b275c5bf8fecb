/**
 * The `@vscode-elements/elements` web components (buttons, toolbar buttons)
 * for the Dyna-Pruner panels (`dist/webview/elements.js`), loaded before the
 * panel's bundle. Plotly is not in here: the panels load `dist/webview/plotly.js`
 * when they first draw a Plotly figure (webview/common/plotly.ts), so a
 * panel's first picture does not wait for Plotly to parse.
 */
import '@vscode-elements/elements/dist/bundled.js';
