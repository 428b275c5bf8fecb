/**
 * Host side of the Orin profiling panel (bundle dist/webview/remote.js),
 * built like StudioPanel: validates every incoming message, keeps a snapshot
 * of what the panel shows (the run list, each host's progress row, the live
 * tegrastats points of the run in progress) and replays it on every `ready`,
 * because VS Code recreates a hidden webview. Compare and Re-run requests are
 * fired as events; the controller answers them with the current run list.
 */
import * as vscode from 'vscode';
import { REMOTE_PANEL_KIND, REMOTE_PANEL_TITLE } from '../../shared/ids';
import type { FromRemoteWebview, PanelLivePoint, PanelProgress, PanelRun, ToRemoteWebview } from '../../shared/remoteProtocol';
import { parseFromRemoteWebview } from '../../shared/remoteValidate';
import { Disposable } from '../dispose';
import type { Log } from '../log';
import { createNonce, webviewOptions } from '../webviewHtml/html';
import { contentSecurityPolicy, webviewPage } from '../webviewHtml/htmlTemplate';
import { BootWatchdog } from '../panels/bootWatchdog';

/** Live points kept per host for a replay (a long run at 50 ms intervals stays bounded). */
const MAX_LIVE_POINTS = 4000;

/** What the panel needs from the extension. */
export interface RemotePanelHost {
  extensionUri: vscode.Uri;
  log: Log;
}

/** Requests of the webview the controller answers (the `ready` handshake is the panel's own). */
export type RemotePanelRequest = Exclude<FromRemoteWebview, { type: 'ready' }>;

/** The panel's page: the shared template, CSP and nonce; Plotly loaded on first use. */
function remotePage(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = createNonce();
  const asset = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...p)).toString();
  return webviewPage({
    csp: contentSecurityPolicy(webview.cspSource, nonce),
    nonce,
    title: REMOTE_PANEL_TITLE,
    panel: REMOTE_PANEL_KIND,
    codiconCss: asset('media', 'vendor', 'codicons', 'codicon.css'),
    scripts: [asset('dist', 'webview', 'remote.js')],
    plotlySrc: asset('dist', 'webview', 'plotly.js'),
  });
}

/** One Orin panel (there is at most one; PanelManager owns it). */
export class RemotePanel extends Disposable {
  private ready = false;
  private runs: Extract<ToRemoteWebview, { type: 'runs' }> | null = null;
  private readonly progress = new Map<string, PanelProgress>();
  private readonly live = new Map<string, PanelLivePoint[]>();
  private readonly onDidDisposeEmitter = this._register(new vscode.EventEmitter<void>());
  /** Fires when the panel closes. */
  readonly onDidDispose = this.onDidDisposeEmitter.event;
  private readonly onRequestEmitter = this._register(new vscode.EventEmitter<RemotePanelRequest>());
  /** Fires for every valid Compare / Re-run request. */
  readonly onRequest = this.onRequestEmitter.event;
  /** Sets the html again when the visible webview stays blank (the code-server boot race). */
  private readonly watchdog: BootWatchdog;

  constructor(
    private readonly owner: vscode.WebviewPanel,
    private readonly host: RemotePanelHost,
  ) {
    super();
    owner.webview.options = webviewOptions(host.extensionUri);
    this.watchdog = new BootWatchdog({ name: `${REMOTE_PANEL_KIND} panel`, visible: () => owner.visible, reload: () => this.setHtml(), warn: (t) => host.log.warn(t) });
    this._register({ dispose: () => this.watchdog.dispose() });
    this.setHtml();
    owner.title = `Dyna-Pruner: ${REMOTE_PANEL_TITLE}`;
    owner.iconPath = vscode.Uri.joinPath(host.extensionUri, 'media', 'activity.svg');
    this._register(owner.webview.onDidReceiveMessage((raw) => this.receive(raw)));
    // A hidden webview is destroyed, and so is one moved to another group; the new one says `ready` and gets the whole snapshot.
    let column = owner.viewColumn;
    this._register(
      owner.onDidChangeViewState((e) => {
        const moved = e.webviewPanel.viewColumn !== column;
        column = e.webviewPanel.viewColumn;
        if (!e.webviewPanel.visible || moved) this.ready = false;
        this.watchdog.viewStateChanged(moved);
      }),
    );
    this._register(owner.onDidDispose(() => this.dispose()));
  }

  /** Sets the page (a fresh nonce each time, so a second set reloads it) and starts the boot watchdog's wait. */
  private setHtml(): void {
    this.owner.webview.html = remotePage(this.owner.webview, this.host.extensionUri);
    this.watchdog.arm();
  }

  /** The run ids the panel shows (the last `runs` message's selection). */
  get selected(): string[] {
    return this.runs?.selected ?? [];
  }

  /** Brings the panel to the front. */
  reveal(column?: vscode.ViewColumn): void {
    this.owner.reveal(column);
  }

  /** Sends the run history (newest first) and which runs to show. */
  showRuns(runs: PanelRun[], selected: string[]): void {
    this.post({ type: 'runs', runs, selected });
  }

  /** Sends a message (remembered in the snapshot; delivered once the webview is ready). */
  post(message: ToRemoteWebview): void {
    this.remember(message);
    if (this.ready) void this.owner.webview.postMessage(message);
  }

  private remember(m: ToRemoteWebview): void {
    if (m.type === 'runs') {
      this.runs = m;
      this.live.clear();
      for (const [alias, p] of this.progress) if (p.state === 'done') this.progress.delete(alias);
    } else if (m.type === 'progress') {
      this.progress.set(m.progress.alias, m.progress);
    } else {
      const points = this.live.get(m.alias) ?? [];
      points.push(m.point);
      if (points.length > MAX_LIVE_POINTS) points.shift();
      this.live.set(m.alias, points);
    }
  }

  /** The messages that rebuild the panel, in the order the webview needs them. */
  private snapshot(): ToRemoteWebview[] {
    const out: ToRemoteWebview[] = this.runs ? [this.runs] : [];
    for (const progress of this.progress.values()) out.push({ type: 'progress', progress });
    for (const [alias, points] of this.live) for (const point of points) out.push({ type: 'live', alias, point });
    return out;
  }

  private receive(raw: unknown): void {
    const parsed = parseFromRemoteWebview(raw);
    if (!parsed.ok) {
      this.host.log.warn(`${REMOTE_PANEL_KIND} webview: rejected message: ${parsed.error}`);
      return;
    }
    const m = parsed.message;
    if (m.type === 'ready') {
      this.ready = true;
      this.watchdog.ready();
      for (const s of this.snapshot()) void this.owner.webview.postMessage(s);
      return;
    }
    this.onRequestEmitter.fire(m);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.onDidDisposeEmitter.fire();
    super.dispose();
  }
}
