/**
 * HTML shell of every webview (template in ./htmlTemplate.ts): strict CSP (`default-src 'none'`), scripts only
 * by nonce and only from the extension's `dist/webview` folder, styles and
 * fonts only from the extension's folders.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { PanelKind } from '../../shared/ids';
import { contentSecurityPolicy, webviewPage } from './htmlTemplate';

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
 * Builds the page for a panel kind: the panel's bundle first (it answers
 * `ready` at once; components upgrade when their bundle has run), then the
 * components bundle; Plotly is loaded by the panel on first use.
 */
export function buildWebviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, kind: PanelKind, title: string): string {
  const nonce = createNonce();
  const asset = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...p)).toString();
  return webviewPage({
    csp: contentSecurityPolicy(webview.cspSource, nonce),
    nonce,
    title,
    panel: kind,
    codiconCss: asset('media', 'vendor', 'codicons', 'codicon.css'),
    scripts: [asset('dist', 'webview', `${kind}.js`), asset('dist', 'webview', 'elements.js')],
    plotlySrc: asset('dist', 'webview', 'plotly.js'),
    // The webview's strings go through @vscode/l10n with the host's bundle (undefined for English).
    l10nBundle: vscode.l10n.bundle,
  });
}
