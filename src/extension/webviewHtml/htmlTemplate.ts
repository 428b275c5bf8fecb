/**
 * The webview page template and its Content-Security-Policy, free of the
 * `vscode` API so the Chromium harness tests serve exactly the same page.
 */

/** The Content-Security-Policy of a webview: `default-src 'none'`, scripts only by nonce from `cspSource`. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}' ${cspSource}`,
    // Plotly and the Lit-based components set element styles at run time; CSS cannot run code.
    `style-src ${cspSource} 'unsafe-inline'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data: blob:`,
  ].join('; ');
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** Id of the page's translation bundle block, read by webview/common/l10n.ts. */
export const L10N_BLOCK_ID = 'dynapruner-l10n';

/**
 * JSON for the text of a `<script type="application/json">` element: `<`, `>`
 * and `&` become `\u003c`, `\u003e`, `\u0026` (and U+2028 / U+2029 their escapes),
 * so no value can close the element (`</script>`) or open a comment; `JSON.parse` reads it back unchanged.
 */
export function jsonScriptText(value: unknown): string {
  const escapes: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => escapes[c] as string);
}

/** Inputs of {@link webviewPage}. */
export interface PageParts {
  csp: string;
  nonce: string;
  title: string;
  panel: string;
  codiconCss: string;
  /** Scripts in load order (the panel's bundle, then the components bundle). */
  scripts: string[];
  /** The Plotly bundle, loaded by the panel on first use (`<body data-plotly-src>`). */
  plotlySrc?: string;
  /** Extra nonce'd scripts loaded first (the test harness's VS Code API shim). */
  preScripts?: string[];
  /** The extension's translation bundle (`vscode.l10n.bundle`; none for English), as inert JSON for the webview. */
  l10nBundle?: Record<string, string>;
}

/** The HTML of a webview page. */
export function webviewPage(p: PageParts): string {
  const script = (src: string) => `<script nonce="${p.nonce}" src="${escapeHtml(src)}"></script>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${p.csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(p.codiconCss)}" id="vscode-codicon-stylesheet">
<title>${escapeHtml(p.title)}</title>
${p.l10nBundle ? `<script type="application/json" id="${L10N_BLOCK_ID}">${jsonScriptText(p.l10nBundle)}</script>\n` : ''}</head>
<body data-panel="${escapeHtml(p.panel)}"${p.plotlySrc ? ` data-plotly-src="${escapeHtml(p.plotlySrc)}"` : ''}>
<div id="app" aria-busy="true"></div>
${[...(p.preScripts ?? []), ...p.scripts].map(script).join('\n')}
</body>
</html>`;
}
