/**
 * HTML shell of every webview: strict CSP (`default-src 'none'`), scripts only
 * by nonce and only from the extension's `dist/webview` folder, styles and
 * fonts only from the extension's folders.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { PanelKind } from '../../shared/ids';

/** Folders a webview may load from: the webview bundles and the codicon font. */
export function webviewRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media', 'vendor')];
}

/** Options every Dyna-Pruner webview is created with. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return { enableScripts: true, localResourceRoots: webviewRoots(extensionUri), retainContextWhenHidden: false, enableFindWidget: true };
}

/** 128 bits from `crypto.randomBytes`, base64. */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * The Content-Security-Policy of a webview. Plotly and the Lit-based
 * components set element styles at run time, so `style-src` allows inline
 * styles (CSS cannot run code); scripts stay nonce-only.
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}' ${cspSource}`,
    `style-src ${cspSource} 'unsafe-inline'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data: blob:`,
  ].join('; ');
}

/** Builds the page for a panel kind: shared scripts (Plotly, components) then the panel's bundle. */
export function buildWebviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, kind: PanelKind, title: string): string {
  const nonce = createNonce();
  const asset = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...p)).toString();
  const csp = contentSecurityPolicy(webview.cspSource, nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('media', 'vendor', 'codicons', 'codicon.css')}" id="vscode-codicon-stylesheet">
<title>${escapeHtml(title)}</title>
</head>
<body data-panel="${kind}">
<div id="app" aria-busy="true"></div>
<script nonce="${nonce}" src="${asset('dist', 'webview', 'vendor.js')}"></script>
<script nonce="${nonce}" src="${asset('dist', 'webview', `${kind}.js`)}"></script>
</body>
</html>`;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}
