/**
 * Opens, reuses and restores the Dyna-Pruner panels. One panel per (kind,
 * checkpoints) pair; a second request reveals it. Registers a
 * `WebviewPanelSerializer` per kind so panels come back after a reload: the
 * webview's persisted state names its source (checkpoints, saved run) and the
 * controller reloads the data.
 */
import * as vscode from 'vscode';
import { PANEL_KINDS, panelViewType, REMOTE_PANEL_KIND, REMOTE_PANEL_TITLE, type PanelKind } from '../../shared/ids';
import type { PanelSource } from '../../shared/protocol';
import type { RemotePanelState } from '../../shared/remoteProtocol';
import { readRemotePanelState } from '../../shared/remoteValidate';
import { readPersistedState } from '../../shared/state';
import { Disposable } from '../dispose';
import { RemotePanel } from '../remote/remotePanel';
import { webviewOptions } from '../webviewHtml/html';
import { StudioPanel, type PanelHost } from './studioPanel';

/** Called to (re)load a panel's data. */
export type PanelLoader = (panel: StudioPanel) => void;

/** Called to (re)load the Orin panel; `restored` is the persisted state of a panel that came back after a reload. */
export type RemotePanelLoader = (panel: RemotePanel, restored: RemotePanelState | null) => void;

/** How the panels of one kind load and re-run, when not through the default loader and the host's `rerun`. */
export interface KindHandler {
  load: PanelLoader;
  rerun: PanelLoader;
}

/** Panels by kind and source. */
export class PanelManager extends Disposable {
  private readonly panels = new Map<string, StudioPanel>();
  private readonly handlers = new Map<PanelKind, KindHandler>();
  /** The Orin profiling panel (one at most). */
  private remotePanel: RemotePanel | undefined;

  constructor(
    private readonly host: PanelHost,
    private readonly load: PanelLoader,
  ) {
    super();
    for (const kind of PANEL_KINDS) {
      this._register(
        vscode.window.registerWebviewPanelSerializer(panelViewType(kind), {
          deserializeWebviewPanel: async (webviewPanel, state) => {
            const persisted = readPersistedState(state);
            const source: PanelSource = persisted.source ?? { checkpoints: [], runDir: null };
            const panel = this.adopt(kind, webviewPanel, source);
            panel.restored = true;
            (this.handlers.get(kind)?.load ?? this.load)(panel);
          },
        }),
      );
    }
  }

  /** Hands the panels of a kind (restored ones too) to their own loader and re-run. */
  handleKind(kind: PanelKind, handler: KindHandler): void {
    this.handlers.set(kind, handler);
  }

  private key(kind: PanelKind, source: PanelSource): string {
    return `${kind}|${source.checkpoints.join('|')}${source.paretoSummary ? `|pareto:${source.paretoSummary}` : ''}`;
  }

  /** All open panels. */
  get all(): StudioPanel[] {
    return [...this.panels.values()];
  }

  /** The open panel of a kind and source, if any. */
  find(kind: PanelKind, source: PanelSource): StudioPanel | undefined {
    return this.panels.get(this.key(kind, source));
  }

  /** Opens (or reveals) a panel; returns it and whether it was created. */
  open(kind: PanelKind, source: PanelSource, column = vscode.ViewColumn.Active): { panel: StudioPanel; created: boolean } {
    const existing = this.find(kind, source);
    if (existing) {
      existing.source = { ...existing.source, runDir: source.runDir ?? existing.source.runDir };
      existing.reveal(column);
      return { panel: existing, created: false };
    }
    const webviewPanel = vscode.window.createWebviewPanel(panelViewType(kind), kind, column, webviewOptions(this.host.extensionUri));
    return { panel: this.adopt(kind, webviewPanel, source), created: true };
  }

  private adopt(kind: PanelKind, webviewPanel: vscode.WebviewPanel, source: PanelSource): StudioPanel {
    const panel = new StudioPanel(kind, webviewPanel.webview, source, this.host, webviewPanel);
    panel.rerunWith = this.handlers.get(kind)?.rerun ?? null;
    webviewPanel.title = panel.title;
    webviewPanel.iconPath = vscode.Uri.joinPath(this.host.extensionUri, 'media', 'activity.svg');
    const key = this.key(kind, source);
    this.panels.set(key, panel);
    panel.onDidDispose(() => {
      if (this.panels.get(key) === panel) this.panels.delete(key);
    });
    return panel;
  }

  /** The open Orin panel, if any. */
  get remote(): RemotePanel | undefined {
    return this.remotePanel;
  }

  /** Opens (or reveals) the Orin panel; returns it and whether it was created. */
  openRemote(column = vscode.ViewColumn.Active): { panel: RemotePanel; created: boolean } {
    if (this.remotePanel) {
      this.remotePanel.reveal(column);
      return { panel: this.remotePanel, created: false };
    }
    const webviewPanel = vscode.window.createWebviewPanel(panelViewType(REMOTE_PANEL_KIND), REMOTE_PANEL_TITLE, column, webviewOptions(this.host.extensionUri));
    return { panel: this.adoptRemote(webviewPanel), created: true };
  }

  /** Registers the Orin panel's serializer: a panel restored after a reload is adopted and handed to `load`. */
  restoreRemoteWith(load: RemotePanelLoader): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(panelViewType(REMOTE_PANEL_KIND), {
      deserializeWebviewPanel: async (webviewPanel, state) => load(this.adoptRemote(webviewPanel), readRemotePanelState(state)),
    });
  }

  private adoptRemote(webviewPanel: vscode.WebviewPanel): RemotePanel {
    const panel = new RemotePanel(webviewPanel, this.host);
    this.remotePanel = panel;
    panel.onDidDispose(() => {
      if (this.remotePanel === panel) this.remotePanel = undefined;
    });
    return panel;
  }

  override dispose(): void {
    this.remotePanel?.dispose();
    for (const p of this.panels.values()) p.dispose();
    this.panels.clear();
    super.dispose();
  }
}
