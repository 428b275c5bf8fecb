/** The remote-profiling webview panel (bundle dist/webview/remote.js). */
import * as vscode from 'vscode';
import { contentSecurityPolicy, webviewPage } from '../webviewHtml/htmlTemplate';
import { createNonce, webviewOptions } from '../webviewHtml/html';
import type { ProfileResult } from '../../core/schema/profileResult';
import { isFromRemoteWebview, type FromRemoteWebview, type ToRemoteWebview } from '../../shared/remoteProtocol';
import { toPanelRun } from './panelModel';

/** One panel, reused. */
export class RemotePanel {
  private static current: RemotePanel | undefined;
  private readonly panel: vscode.WebviewPanel;
  private ready = false;
  private queue: ToRemoteWebview[] = [];

  private constructor(extensionUri: vscode.Uri, onMessage: (m: FromRemoteWebview) => void) {
    this.panel = vscode.window.createWebviewPanel('dynapruner.panel.remote', 'Dyna-Pruner: Orin Profiling', vscode.ViewColumn.Active, webviewOptions(extensionUri));
    const nonce = createNonce();
    const asset = (...p: string[]) => this.panel.webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...p)).toString();
    this.panel.webview.html = webviewPage({
      csp: contentSecurityPolicy(this.panel.webview.cspSource, nonce),
      nonce,
      title: 'Orin Profiling',
      panel: 'remote',
      codiconCss: asset('media', 'vendor', 'codicons', 'codicon.css'),
      scripts: [asset('dist', 'webview', 'remote.js')],
      plotlySrc: asset('dist', 'webview', 'plotly.js'),
    });
    this.panel.webview.onDidReceiveMessage((m: unknown) => {
      if (!isFromRemoteWebview(m)) return; // validated: nothing else is trusted
      if (m.type === 'ready') {
        this.ready = true;
        for (const q of this.queue.splice(0)) void this.panel.webview.postMessage(q);
      }
      onMessage(m);
    });
    this.panel.onDidDispose(() => (RemotePanel.current = undefined));
  }

  /** Shows (or reveals) the panel. */
  static show(extensionUri: vscode.Uri, onMessage: (m: FromRemoteWebview) => void): RemotePanel {
    RemotePanel.current ??= new RemotePanel(extensionUri, onMessage);
    RemotePanel.current.panel.reveal();
    return RemotePanel.current;
  }

  /** Posts a message (queued until the webview said `ready`). */
  post(m: ToRemoteWebview): void {
    if (this.ready) void this.panel.webview.postMessage(m);
    else this.queue.push(m);
  }

  /** Sends the run history (newest first) and which runs to show. */
  showRuns(results: ProfileResult[], selected: string[] = []): void {
    this.post({ type: 'runs', runs: results.map(toPanelRun), selected });
  }
}
