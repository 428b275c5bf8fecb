/**
 * Host side of the Graph panel: the *Show Model Graph* command, filling a
 * panel with the checkpoint's graph (inspection only, allowed in untrusted
 * workspaces) plus the overlay of its latest saved analysis and the
 * per-layer times of its latest latency run, refreshing open
 * panels when a run is saved, and answering a clicked layer by revealing the
 * FLOPs and Filter activity panels of the checkpoint beside it.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { graphOverlay, type GraphOverlay } from '../../core/figures/graphOverlay';
import { graphLatency, type GraphLatency } from '../../core/figures/graphLatency';
import { Commands } from '../../shared/ids';
import type { PanelSource, RevealLayerMessage } from '../../shared/protocol';
import { pickCheckpoint } from '../commands/pickCheckpoint';
import { runsFolder } from '../config';
import type { Inspections } from '../inspections';
import type { Log } from '../log';
import type { PanelManager } from '../panels/panelManager';
import { readLatencyRun } from '../panels/latencyRuns';
import type { StudioPanel } from '../panels/studioPanel';
import { listRuns, readRun } from '../runStore';
import type { Studio } from '../studio';
import { readGraphSource } from './graphSource';

/** How long a panel the Graph panel opens may take to boot before the next one is opened. */
const WEBVIEW_READY_MS = 15_000;

/** Graph panels of the session. */
export class GraphPanels {
  private readonly wired = new WeakSet<StudioPanel>();

  constructor(
    private readonly panels: () => PanelManager,
    private readonly studio: Studio,
    private readonly inspections: Inspections,
    private readonly log: Log,
  ) {}

  /** The command and the refresh on saved runs. */
  register(): vscode.Disposable[] {
    return [
      vscode.commands.registerCommand(Commands.showModelGraph, async (arg?: unknown) => {
        const uri = await pickCheckpoint(arg, vscode.l10n.t('Show Model Graph'));
        if (uri) this.show(uri.fsPath);
      }),
      this.studio.onDidSaveRun.event(() => this.refreshAll()),
    ];
  }

  /** Opens (or reveals) the Graph panel of a checkpoint. */
  show(checkpoint: string): StudioPanel {
    const source: PanelSource = { checkpoints: [checkpoint], runDir: null };
    const { panel, created } = this.panels().open('graph', source);
    if (created) this.load(panel);
    return panel;
  }

  /** Fills a Graph panel (also a panel restored after a reload: nothing is run). */
  load(panel: StudioPanel): void {
    if (!this.wired.has(panel)) {
      this.wired.add(panel);
      panel.onMessage((m) => {
        if (m.type === 'revealLayer') void this.reveal(panel, m);
      });
    }
    void this.fill(panel);
  }

  private async fill(panel: StudioPanel): Promise<void> {
    const ckpt = panel.source.checkpoints[0];
    if (!ckpt) {
      panel.post({ type: 'notice', level: 'info', text: vscode.l10n.t('Nothing to show: open a checkpoint.') });
      return;
    }
    try {
      const report = await this.inspections.get(ckpt);
      const source = await readGraphSource(ckpt, report);
      const [overlay, latency] = await Promise.all([this.latestOverlay(panel), this.latestLatency(ckpt)]);
      panel.post({ type: 'graph', source, overlay, latency });
    } catch (e) {
      this.log.error(e as Error);
      panel.post({ type: 'notice', level: 'error', text: (e as Error).message });
    }
  }

  /** The overlay of the panel's run, else of the newest saved analysis of its checkpoint; null when there is none. */
  private async latestOverlay(panel: StudioPanel): Promise<GraphOverlay | null> {
    const ckpt = panel.source.checkpoints[0];
    const dir = panel.source.runDir ?? (await this.newestRun(ckpt, 'run'));
    if (!dir) return null;
    try {
      const { analysis } = await readRun(dir);
      return analysis ? graphOverlay(analysis) : null;
    } catch (e) {
      this.log.warn(`Graph: saved run ${dir} not read: ${(e as Error).message}`);
      return null;
    }
  }

  /** The per-layer latency of the checkpoint's newest latency run (FLOPs panel's "Measure latency"), null when there is none. */
  private async latestLatency(ckpt: string): Promise<GraphLatency | null> {
    const dir = await this.newestRun(ckpt, 'latency');
    if (!dir) return null;
    try {
      return graphLatency(await readLatencyRun(dir));
    } catch (e) {
      this.log.warn(`Graph: latency run ${dir} not read: ${(e as Error).message}`);
      return null;
    }
  }

  /** Folder of the checkpoint's newest saved run of a command (`run`: analysis, `latency`), null when there is none. */
  private async newestRun(ckpt: string, command: string): Promise<string | null> {
    const runs = runsFolder(vscode.Uri.file(ckpt));
    const newest = runs ? (await listRuns(runs)).find((r) => r.record.command === command && path.resolve(r.record.model.path) === path.resolve(ckpt)) : undefined;
    return newest?.dir ?? null;
  }

  private refreshAll(): void {
    for (const p of this.panels().all) if (p.kind === 'graph') void this.fill(p);
  }

  /**
   * Reveals the FLOPs panel and, for a gated layer, the Filter activity panel
   * of the checkpoint, beside the graph. New panels read the checkpoint's
   * newest saved analysis; without one, only the first new panel starts the
   * analysis (it streams into both), so one click never runs the checkpoint
   * twice. A new panel's webview is given up to {@link WEBVIEW_READY_MS} to
   * boot before the next one is created: in VS Code for the Web (code-server)
   * two webviews created in the same tick race for the webview service
   * worker, and the loser's scripts never load (a blank panel, seen in
   * test/e2e/graphAndAb.test.ts).
   */
  private async reveal(panel: StudioPanel, m: RevealLayerMessage): Promise<void> {
    const ckpt = panel.source.checkpoints[0];
    if (!ckpt) return;
    this.log.info(`Graph: reveal ${m.node}${m.unit === null ? '' : ` (unit ${m.unit})`}`);
    const kinds = m.unit === null ? (['flops'] as const) : (['flops', 'filters'] as const);
    const saved = await this.newestRun(ckpt, 'run');
    let loading = false;
    for (const kind of kinds) {
      // An open panel keeps the run it shows; a new one reads the saved analysis.
      const open = this.panels().find(kind, { checkpoints: [ckpt], runDir: null }) !== undefined;
      const { panel: target, created } = this.panels().open(kind, { checkpoints: [ckpt], runDir: open ? null : saved }, vscode.ViewColumn.Beside);
      if (created && (saved !== null || !loading)) {
        this.studio.load(target);
        loading = true;
      }
      target.post({ type: 'focusLayer', node: m.node, unit: m.unit });
      if (created) await target.whenReady(WEBVIEW_READY_MS);
    }
  }
}
