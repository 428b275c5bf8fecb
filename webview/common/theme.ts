/**
 * The figure theme of a webview, read from the `--vscode-*` theme variables
 * so figures read well in light, dark and high-contrast themes, and re-read
 * when the theme changes (VS Code swaps the body class `vscode-light` /
 * `vscode-dark` / `vscode-high-contrast`). The figures themselves come from
 * the engine's builders in src/core/figures (the same ones the HTML report uses).
 */
import type { FigureTheme } from '../../src/core/figures/types';

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v || fallback;
}

/** True in dark and high-contrast themes. */
export function isDarkTheme(): boolean {
  return document.body.classList.contains('vscode-dark') || document.body.classList.contains('vscode-high-contrast');
}

/** The current theme as a {@link FigureTheme} for the engine's figure builders. */
export function figureTheme(): FigureTheme {
  const dark = isDarkTheme();
  const fg = cssVar('--vscode-editor-foreground', dark ? '#cccccc' : '#333333');
  const background = cssVar('--vscode-editor-background', dark ? '#1e1e1e' : '#ffffff');
  return {
    foreground: fg,
    background,
    grid: cssVar('--vscode-editorWidget-border', dark ? '#454545' : '#c8c8c8'),
    font: cssVar('--vscode-font-family', 'sans-serif'),
    series: [
      cssVar('--vscode-charts-blue', '#3794ff'),
      cssVar('--vscode-charts-foreground', fg),
      cssVar('--vscode-charts-orange', '#d18616'),
      cssVar('--vscode-charts-purple', '#b180d7'),
      cssVar('--vscode-charts-green', '#89d185'),
      cssVar('--vscode-charts-red', '#f14c4c'),
      cssVar('--vscode-charts-yellow', '#cca700'),
    ],
    sequential: dark
      ? [[0, '#0d0887'], [0.25, '#6a00a8'], [0.5, '#b12a90'], [0.75, '#e16462'], [1, '#fca636']]
      : [[0, '#f7fbff'], [0.25, '#c6dbef'], [0.5, '#6baed6'], [0.75, '#2171b5'], [1, '#08306b']],
    diverging: [[0, '#2166ac'], [0.25, '#67a9cf'], [0.5, dark ? '#3a3a3a' : '#f7f7f7'], [0.75, '#ef8a62'], [1, '#b2182b']],
    mask: [[0, background], [1, cssVar('--vscode-charts-blue', '#3794ff')]],
    transparent: true,
  };
}

/** Calls `fn` whenever VS Code switches the theme. */
export function onThemeChange(fn: () => void): void {
  new MutationObserver(() => fn()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}
