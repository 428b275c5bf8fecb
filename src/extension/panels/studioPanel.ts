/**
 * One Dyna-Pruner webview panel (or custom-editor webview) on the host side:
 * builds its HTML, validates every incoming message, answers the `ready`
 * handshake with `init` plus a replay of the data it shows (webviews are
 * recreated when hidden), and routes cancel / export requests.
 */
import * as vscode from 'vscode';
import type { PanelKind } from '../../shared/ids';
import { Commands, PANEL_TITLES } from '../../shared/ids';
import type { FromWebview, PanelSource, ToWebview } from '../../shared/protocol';
import { parseFromWebview } from '../../shared/validate';
import { Disposable } from '../dispose';
import type { Log } from '../log';
import { buildWebviewHtml, webviewOptions } from '../webviewHtml/html';
import { BootWatchdog } from './bootWatchdog';
import { saveCsv, saveFigure } from './exports';
import { showErrorNotice } from '../errorNotice';

/** What a panel needs from the rest of the extension. */
export interface PanelHost {
  extensionUri: vscode.Uri;
  log: Log;
  /** Cancels a job by id (no-op when it already ended). */
  cancelJob(jobId: string): void;
  /** Writes the engine's HTML report for a panel's source. */
  exportReport(source: PanelSource): Promise<void>;
  /** Runs the panel's work again. */
  rerun(panel: StudioPanel): void;
  /** Measures the per-layer latency of the panel's checkpoint (FLOPs panel). */
  measureLatency(panel: StudioPanel): void;
  /** Whether the workspace is trusted (untrusted: inspection only). */
  isTrusted(): boolean;
}

/** Host side of one webview showing one panel kind. */
export class StudioPanel extends Disposable {
  private ready = false;
  /** True for a panel its serializer brought back after a reload: loading it reads saved results and starts no job. */
  restored = false;
  /** Re-runs this panel's work instead of the host's `rerun` (kinds with their own controller). */
  rerunWith: ((panel: StudioPanel) => void) | null = null;
  /** Messages that rebuild the panel's contents (replayed after each `ready`). */
  private snapshot: ToWebview[] = [];
  /** Notices posted while no page was ready (before its boot, or while hidden): shown once by the next page that says `ready`. */
  private pendingNotices: ToWebview[] = [];
  private readonly onDidDisposeEmitter = this._register(new vscode.EventEmitter<void>());
  /** Fires when the webview closes. */
  readonly onDidDispose = this.onDidDisposeEmitter.event;
  /** Fires for every valid message (tests and owners may listen). */
  private readonly onMessageEmitter = this._register(new vscode.EventEmitter<FromWebview>());
  readonly onMessage = this.onMessageEmitter.event;
  /** Settles the promises of {@link whenReady} (true at `ready`, false when the panel closes first). */
  private readyWaiters: Array<(ready: boolean) => void> = [];
  /** Sets the html again when the visible webview stays blank (the code-server boot race). */
  private readonly watchdog: BootWatchdog;

  constructor(
    readonly kind: PanelKind,
    readonly webview: vscode.Webview,
    public source: PanelSource,
    private readonly host: PanelHost,
    /** The WebviewPanel or custom-editor panel that owns the webview. */
    private readonly owner: vscode.WebviewPanel,
  ) {
    super();
    webview.options = webviewOptions(host.extensionUri);
    this.watchdog = new BootWatchdog({ name: `${kind} panel (${this.title})`, visible: () => owner.visible, reload: () => this.setHtml(), warn: (t) => host.log.warn(t) });
    this._register({ dispose: () => this.watchdog.dispose() });
    this.setHtml();
    this._register(webview.onDidReceiveMessage((raw) => this.receive(raw)));
    // A hidden webview is destroyed (retainContextWhenHidden is off), and so is one moved to another group;
    // the one built on the next show says `ready` again.
    let column = owner.viewColumn;
    this._register(
      owner.onDidChangeViewState(() => {
        const moved = owner.viewColumn !== column;
        column = owner.viewColumn;
        if (!owner.visible || moved) this.ready = false;
        this.watchdog.viewStateChanged(moved);
      }),
    );
    this._register(owner.onDidDispose(() => this.dispose()));
  }

  /** Sets the page (a fresh nonce each time, so a second set reloads it) and starts the boot watchdog's wait. */
  private setHtml(): void {
    this.webview.html = buildWebviewHtml(this.webview, this.host.extensionUri, this.kind, this.title);
    this.watchdog.arm();
  }

  /** Brings the panel to the front. */
  reveal(column?: vscode.ViewColumn): void {
    this.owner.reveal(column);
  }

  /** True while the panel is the active editor tab (commands act on its checkpoint). */
  get active(): boolean {
    return this.owner.active;
  }

  /** Panel title for the tab. */
  get title(): string {
    const names = this.source.checkpoints.map((c) => c.split(/[\\/]/).pop() ?? c);
    // A trainer summary is named by its folder (storm_simvp/summary.json -> "Pareto summary storm_simvp").
    if (this.source.paretoSummary) names.push(`Pareto summary ${this.source.paretoSummary.split(/[\\/]/).slice(-2, -1)[0] ?? ''}`.trim());
    return `${PANEL_TITLES[this.kind]}${names.length ? `: ${names.join(' vs ')}` : ''}`;
  }

  /** True after the webview's `ready`. */
  get isReady(): boolean {
    return this.ready;
  }

  /** Resolves true once the webview has sent `ready`, false after `timeoutMs` or when the panel closes first. */
  whenReady(timeoutMs: number): Promise<boolean> {
    if (this.ready) return Promise.resolve(true);
    if (this.isDisposed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle(false), timeoutMs);
      const settle = (ready: boolean) => {
        clearTimeout(timer);
        this.readyWaiters = this.readyWaiters.filter((w) => w !== settle);
        resolve(ready);
      };
      this.readyWaiters.push(settle);
    });
  }

  private settleReady(ready: boolean): void {
    for (const w of [...this.readyWaiters]) w(ready);
  }

  /**
   * Sends a message. Data messages also become the panel's snapshot (a full
   * result replaces the streamed pieces) so a recreated webview shows the same.
   */
  post(message: ToWebview): void {
    this.remember(message);
    if (this.ready) void this.webview.postMessage(message);
    else if (message.type === 'notice') this.pendingNotices.push(message);
  }

  private remember(m: ToWebview): void {
    switch (m.type) {
      case 'analysisStart':
        // A new analysis replaces the old one's pieces; the layer the Graph panel asked to show stays.
        this.snapshot = this.snapshot.filter((s) => s.type === 'overview' || s.type === 'focusLayer');
        this.snapshot.push(m);
        break;
      case 'analysisSamples':
        this.snapshot.push(m);
        break;
      case 'analysis':
      case 'sweep':
      case 'compare':
      case 'graph':
      case 'overview':
        this.snapshot = this.snapshot.filter((s) => s.type !== m.type && s.type !== 'analysisStart' && s.type !== 'analysisSamples' && s.type !== 'sweepPartial' && s.type !== 'jobEnd');
        this.snapshot.push(m);
        break;
      case 'sweepPartial':
      case 'paretoSummary':
        this.snapshot = this.snapshot.filter((s) => s.type !== m.type);
        this.snapshot.push(m);
        break;
      case 'jobEnd':
        this.snapshot = this.snapshot.filter((s) => s.type !== 'progress');
        this.snapshot.push(m);
        break;
      case 'latency':
        this.snapshot = this.snapshot.filter((s) => s.type !== 'latency');
        this.snapshot.push(m);
        break;
      case 'ab':
        this.snapshot = this.snapshot.filter((s) => s.type !== 'ab' && s.type !== 'jobEnd');
        this.snapshot.push(m);
        break;
      case 'focusLayer':
        this.snapshot = this.snapshot.filter((s) => s.type !== 'focusLayer');
        this.snapshot.push(m);
        break;
      case 'progress':
        this.snapshot = this.snapshot.filter((s) => s.type !== 'progress');
        this.snapshot.push(m);
        break;
      default:
        break;
    }
  }

  private receive(raw: unknown): void {
    const parsed = parseFromWebview(raw);
    if (!parsed.ok) {
      this.host.log.warn(`${this.kind} webview: rejected message: ${parsed.error}`);
      return;
    }
    const m = parsed.message;
    this.onMessageEmitter.fire(m);
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.watchdog.ready();
        void this.webview.postMessage({ type: 'init', panel: this.kind, trusted: this.host.isTrusted(), title: this.title, source: this.source } satisfies ToWebview);
        for (const s of [...this.snapshot, ...this.pendingNotices]) void this.webview.postMessage(s);
        this.pendingNotices = [];
        this.settleReady(true);
        break;
      case 'cancel':
        this.host.cancelJob(m.jobId);
        break;
      case 'exportFigure':
        void saveFigure(m, this.source).catch((e) => this.fail('Export figure', e));
        break;
      case 'exportCsv':
        void saveCsv(m, this.source).catch((e) => this.fail('Export CSV', e));
        break;
      case 'exportReport':
        void this.host.exportReport(this.source).catch((e) => this.fail('Export report', e));
        break;
      case 'rerun':
        if (this.rerunWith) this.rerunWith(this);
        else this.host.rerun(this);
        break;
      case 'openAb':
        void vscode.commands.executeCommand(Commands.compareMaps, { checkpoint: this.source.checkpoints[0], sample: m.sample });
        break;
      case 'measureLatency':
        if (this.kind === 'flops') this.host.measureLatency(this);
        break;
      case 'log':
        (m.level === 'error' ? this.host.log.error : m.level === 'warning' ? this.host.log.warn : this.host.log.info)(`${this.kind} webview: ${m.text}`);
        break;
    }
  }

  private fail(what: string, e: unknown): void {
    const text = e instanceof Error ? e.message : String(e);
    this.host.log.error(`${what}: ${text}`);
    showErrorNotice(text, `Dyna-Pruner: ${what} failed`);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.settleReady(false);
    this.onDidDisposeEmitter.fire();
    super.dispose();
  }
}
