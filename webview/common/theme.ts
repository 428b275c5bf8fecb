/**
 * Colours from the `--vscode-*` theme variables, so figures read well in
 * light, dark and high-contrast themes. Re-read when the theme changes (VS
 * Code swaps the body class `vscode-light` / `vscode-dark` / `vscode-high-contrast`).
 */

/** Colours a figure uses. */
export interface ThemeColors {
  foreground: string;
  muted: string;
  background: string;
  grid: string;
  accent: string;
  /** Series colours: Dyna-Pruner, dense, random, static L1, extra. */
  series: string[];
  /** Sequential colour scale for maps (importance, frequency). */
  sequential: [number, string][];
  /** Diverging colour scale for signed fields (input, prediction). */
  diverging: [number, string][];
  dark: boolean;
}

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v || fallback;
}

/** Reads the current theme's colours. */
export function themeColors(): ThemeColors {
  const dark = document.body.classList.contains('vscode-dark') || document.body.classList.contains('vscode-high-contrast');
  const fg = cssVar('--vscode-editor-foreground', dark ? '#cccccc' : '#333333');
  return {
    foreground: fg,
    muted: cssVar('--vscode-descriptionForeground', dark ? '#9d9d9d' : '#717171'),
    background: cssVar('--vscode-editor-background', dark ? '#1e1e1e' : '#ffffff'),
    grid: cssVar('--vscode-editorWidget-border', dark ? '#454545' : '#c8c8c8'),
    accent: cssVar('--vscode-focusBorder', '#007fd4'),
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
    dark,
  };
}

/** Base Plotly layout in the theme's colours. */
export function baseLayout(c: ThemeColors, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const axis = { gridcolor: c.grid, zerolinecolor: c.grid, linecolor: c.grid, tickcolor: c.grid, color: c.foreground };
  return {
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    font: { color: c.foreground, family: cssVar('--vscode-font-family', 'sans-serif'), size: 11 },
    margin: { l: 48, r: 16, t: 28, b: 36 },
    xaxis: { ...axis },
    yaxis: { ...axis },
    legend: { orientation: 'h', y: -0.2, font: { color: c.foreground } },
    hoverlabel: { bgcolor: c.background, font: { color: c.foreground } },
    colorway: c.series,
    ...extra,
  };
}

/** Calls `fn` whenever VS Code switches the theme. */
export function onThemeChange(fn: () => void): void {
  new MutationObserver(() => fn()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}
