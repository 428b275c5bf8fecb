/** Styles of the Graph panel, adopted as a constructed stylesheet (CSP-friendly, like the shared panel styles). */
export const GRAPH_CSS = `
.graph-canvas { position: relative; height: calc(100vh - 190px); min-height: 360px; border: 1px solid var(--vscode-editorWidget-border, #444); overflow: hidden; }
.graph-svg { width: 100%; height: 100%; display: block; cursor: grab; user-select: none; }
.graph-svg.dragging { cursor: grabbing; }
.graph-legend { margin: 0 0 6px; }
.graph-svg .edge { fill: none; stroke: var(--vscode-editor-foreground, #888); stroke-opacity: .55; stroke-width: 1.2; }
.graph-svg .edge.mask { stroke: var(--vscode-descriptionForeground, #999); stroke-opacity: .35; stroke-dasharray: 4 3; }
.graph-svg .arrow-head { fill: var(--vscode-editor-foreground, #888); fill-opacity: .6; }
.graph-svg .node.compute { cursor: pointer; }
.graph-svg .node .box { stroke: var(--vscode-editorWidget-border, #777); stroke-width: 1; }
.graph-svg .node.overhead .box { stroke: var(--vscode-charts-orange, #d18616); stroke-width: 1.5; stroke-dasharray: 5 3; }
.graph-svg .node.selected .box, .graph-svg .node:focus .box { stroke: var(--vscode-focusBorder, #007fd4); stroke-width: 2.5; stroke-dasharray: none; }
.graph-svg .node:focus { outline: none; }
.graph-svg .label { font: 600 12px var(--vscode-font-family, sans-serif); }
.graph-svg .sub { font: 11px var(--vscode-font-family, sans-serif); }
.graph-svg .terminal { fill: var(--vscode-editorWidget-background, var(--vscode-editor-background)); stroke: var(--vscode-editorWidget-border, #777); }
.graph-svg .terminal-label { fill: var(--vscode-editor-foreground); font-weight: 400; }
.graph-svg .dot { fill: var(--vscode-descriptionForeground, #999); }
.graph-svg .gate.on { fill: var(--vscode-charts-green, #388a34); }
.graph-svg .gate.off { fill: var(--vscode-editor-background, #fff); fill-opacity: .6; stroke: var(--vscode-descriptionForeground, #999); stroke-width: .4; }
.graph-tooltip { position: absolute; z-index: 5; max-width: 460px; padding: 6px 10px; pointer-events: none;
  background: var(--vscode-editorHoverWidget-background, var(--vscode-editor-background)); color: var(--vscode-editorHoverWidget-foreground, var(--vscode-foreground));
  border: 1px solid var(--vscode-editorHoverWidget-border, var(--vscode-editorWidget-border, #454545)); box-shadow: 0 2px 8px rgba(0,0,0,.3); }
.graph-tooltip dl.facts dd { overflow-wrap: anywhere; }
.graph-tooltip dl.facts dt { color: var(--vscode-descriptionForeground); }
`;

/** Adopts the Graph panel's stylesheet. */
export function installGraphStyles(): void {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(GRAPH_CSS);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}
