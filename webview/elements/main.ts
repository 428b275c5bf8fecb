/**
 * The `@vscode-elements/elements` web components (buttons, toolbar buttons)
 * for the Dyna-Pruner panels (`dist/webview/elements.js`), loaded after the
 * panel's bundle (elements the panel already created upgrade when it runs). Plotly is not in here: the panels load `dist/webview/plotly.js`
 * when they first draw a Plotly figure (webview/common/plotly.ts), so a
 * panel's first picture does not wait for Plotly to parse.
 */
import '@vscode-elements/elements/dist/bundled.js';
