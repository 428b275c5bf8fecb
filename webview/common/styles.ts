/** Page styles of every panel, adopted as a constructed stylesheet (no inline <style>, CSP-friendly). */
const CSS = `
:root { color-scheme: light dark; }
[hidden] { display: none !important; }
body { padding: 0 16px 24px; color: var(--vscode-foreground); background: var(--vscode-editor-background);
  font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); }
h1 { font-size: 1.35em; font-weight: 600; margin: 14px 0 4px; }
h2 { font-size: 1.1em; font-weight: 600; margin: 18px 0 6px; }
.subtitle { color: var(--vscode-descriptionForeground); margin-bottom: 10px; }
.banner { display: flex; gap: 8px; align-items: center; padding: 8px 12px; margin: 10px 0;
  border: 1px solid var(--vscode-inputValidation-warningBorder, #b89500);
  background: var(--vscode-inputValidation-warningBackground, rgba(184,149,0,.15)); }
.banner.error { border-color: var(--vscode-inputValidation-errorBorder, #be1100); background: var(--vscode-inputValidation-errorBackground, rgba(190,17,0,.15)); }
.banner.info { border-color: var(--vscode-inputValidation-infoBorder, #007acc); background: var(--vscode-inputValidation-infoBackground, rgba(0,122,204,.12)); }
.progress { display: flex; gap: 10px; align-items: center; margin: 8px 0; }
.progress .bar { flex: 1; height: 4px; background: var(--vscode-editorWidget-border, #444); position: relative; }
.progress .bar > div { position: absolute; inset: 0 auto 0 0; background: var(--vscode-progressBar-background, #0e70c0); }
.toolbar { display: flex; flex-wrap: wrap; gap: 14px; align-items: center; margin: 8px 0 10px; }
.toolbar label { display: flex; gap: 6px; align-items: center; }
.toolbar input[type=range] { width: 180px; accent-color: var(--vscode-focusBorder); }
.stats { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0; }
.stat { border: 1px solid var(--vscode-editorWidget-border, #444); padding: 6px 10px; min-width: 110px; }
.stat .v { font-size: 1.25em; font-weight: 600; font-variant-numeric: tabular-nums; }
.stat .k { color: var(--vscode-descriptionForeground); font-size: .9em; }
.grid { display: grid; gap: 8px; grid-template-columns: repeat(auto-fill, minmax(min(100%, 240px), 1fr)); align-items: start; }
.grid > * { min-width: 0; }
.grid.wide { grid-template-columns: repeat(auto-fill, minmax(min(100%, 420px), 1fr)); }
.figure { position: relative; border: 1px solid var(--vscode-editorWidget-border, #444); min-height: 120px; }
.figure .fig-title { padding: 4px 8px 0; font-weight: 600; }
.figure .fig-actions { position: absolute; top: 2px; right: 4px; display: flex; gap: 2px; z-index: 2; opacity: .55; }
.figure:hover .fig-actions { opacity: 1; }
.figure .plot { width: 100%; }
.map-figure .fig-title { padding-right: 56px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.map-figure .map-body { display: grid; grid-template-columns: minmax(0, 1fr) 52px; gap: 6px; align-items: start; padding: 4px 8px 8px; }
.map-figure .map-view { overflow: hidden; position: relative; cursor: crosshair; touch-action: none; }
.map-figure .map-view[data-zoom]:not([data-zoom="1.00"]) { cursor: grab; }
.map-figure canvas.map { display: block; width: 100%; height: auto; image-rendering: pixelated; transform-origin: 0 0; }
.map-figure .geo-overlay { position: absolute; inset: 0; pointer-events: none; transform-origin: 0 0; }
.map-figure .geo-lines { position: absolute; inset: 0; width: 100%; height: 100%; overflow: visible; filter: drop-shadow(0 0 1px var(--vscode-editor-background, #fff)); }
.map-figure .geo-lines .coastline { fill: none; stroke: var(--vscode-editor-foreground, #222); stroke-width: 1.2px; stroke-linejoin: round; }
.map-figure .geo-lines .graticule { fill: none; stroke: var(--vscode-editor-foreground, #222); stroke-opacity: .45; stroke-width: .8px; stroke-dasharray: 2 3; }
.map-figure .geo-label { position: absolute; font-size: 9px; line-height: 1; color: var(--vscode-editor-foreground, #222); text-shadow: 0 0 2px var(--vscode-editor-background, #fff), 0 0 2px var(--vscode-editor-background, #fff); white-space: nowrap; }
.map-figure .geo-label.lat { transform: translate(2px, -50%); }
.map-figure .geo-label.lon { transform: translate(-50%, -110%); }
.grid.maps { grid-template-columns: repeat(auto-fill, minmax(min(100%, 300px), 1fr)); }
.readout { min-height: 1.4em; font-variant-numeric: tabular-nums; color: var(--vscode-descriptionForeground); margin: 4px 0; }
.map-figure .scale { position: relative; align-self: stretch; font-size: .85em; color: var(--vscode-descriptionForeground); font-variant-numeric: tabular-nums; }
.map-figure .scale .tick { position: absolute; left: 14px; line-height: 16px; font-size: .9em; }
.map-figure .scale .tick::before { content: ''; position: absolute; left: -4px; top: 8px; width: 3px; border-top: 1px solid currentColor; }
.map-figure canvas.colorbar { position: absolute; top: 16px; bottom: 16px; left: 0; width: 10px; height: calc(100% - 32px); image-rendering: pixelated; border: 1px solid var(--vscode-editorWidget-border, #444); box-sizing: border-box; }
table.data { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
table.data th, table.data td { text-align: right; padding: 3px 8px; border-bottom: 1px solid var(--vscode-editorWidget-border, #444); }
table.data th:first-child, table.data td:first-child { text-align: left; }
table.data th { cursor: default; color: var(--vscode-descriptionForeground); font-weight: 600; }
table.data th.sortable { cursor: pointer; }
table.data tr.overhead td { color: var(--vscode-descriptionForeground); font-style: italic; }
table.data tr.focused td { background: var(--vscode-list-activeSelectionBackground, rgba(0,122,204,.25)); color: var(--vscode-list-activeSelectionForeground, inherit); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 3px 14px; margin: 0; }
dl.facts dt { color: var(--vscode-descriptionForeground); }
dl.facts dd { margin: 0; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.cards { display: grid; gap: 12px; grid-template-columns: repeat(auto-fill, minmax(min(100%, 560px), 1fr)); align-items: start; }
.card { border: 1px solid var(--vscode-editorWidget-border, #444); padding: 8px 12px; min-width: 0; }
.table-scroll { overflow-x: auto; max-width: 100%; }
.table-scroll table.data th { white-space: normal; min-width: 4.5em; }
.table-scroll table.data td { white-space: nowrap; }
.muted { color: var(--vscode-descriptionForeground); }
.empty { padding: 24px; color: var(--vscode-descriptionForeground); }
`;

/** Adopts the panel stylesheet (call once). */
export function installStyles(extra = ''): void {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(CSS + extra);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}
