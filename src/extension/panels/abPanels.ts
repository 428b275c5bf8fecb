/**
 * Host side of the A/B panel (*Compare Maps (A/B)...*): two samples of one
 * checkpoint, or two checkpoints, side by side with their difference map.
 * Each pane's analysis is the newest saved analysis run of its checkpoint;
 * a checkpoint without one is analysed in a {@link JobRunner} job (progress
 * in the panel, cancellable) and saved as a run. The panel's source records
 * both run folders, so a restored panel reads them back and runs nothing.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Analysis } from '../../core/schema/results';
import { Commands } from '../../shared/ids';
import type { AbSideData, PanelSource } from '../../shared/protocol';
import { pickCheckpoint, pickCheckpoints } from '../commands/pickCheckpoint';
import { dataSplit, maxSamples, resolveDataFiles, runsFolder, workerCount } from '../config';
import type { EngineClient } from '../engine/engineClient';
import type { JobRunner } from '../jobs';
import { userProgress } from '../progressText';
import { saveRun } from '../runStore';
import { newestSavedAnalysis, readSavedAnalysis, secondSample, type SavedAnalysis } from './abSources';
import type { PanelManager } from './panelManager';
import { endPanelJob, runPanelJob } from './panelJob';
import type { StudioPanel } from './studioPanel';

/** What the A/B panels need from the rest of the extension. */
export interface AbHost {
  panels: () => PanelManager;
  engine: EngineClient;
  jobs: JobRunner;
  /** The checkpoint of the active Dyna-Pruner panel (the pickers preselect it). */
  activeCheckpoint(): string | undefined;
  /** Data files named by a checkpoint's data set description. */
  describedData(ckpt: string): Promise<string[] | null>;
  /** Tells the Runs view that a run was saved. */
  savedRun(): void;
}

/** The command's argument from the Masks panel's "Open A/B". */
interface OpenArgument {
  checkpoint: string;
  sample: number;
}

function isOpenArgument(arg: unknown): arg is OpenArgument {
  return typeof arg === 'object' && arg !== null && typeof (arg as OpenArgument).checkpoint === 'string' && Number.isInteger((arg as OpenArgument).sample);
}

/** A/B panels of the session. */
export class AbPanels {
  /** Pane A's first sample of a panel opened from the Masks panel. */
  private readonly firstSample = new WeakMap<StudioPanel, number>();

  constructor(private readonly host: AbHost) {}

  /** The command. */
  register(): vscode.Disposable[] {
    return [vscode.commands.registerCommand(Commands.compareMaps, (arg?: unknown) => this.command(arg))];
  }

  private async command(arg?: unknown): Promise<StudioPanel | undefined> {
    const title = vscode.l10n.t('Compare Maps (A/B)');
    const a = isOpenArgument(arg) ? arg.checkpoint : (await pickCheckpoint(arg, vscode.l10n.t('{0}: checkpoint A', title), this.host.activeCheckpoint()))?.fsPath;
    if (!a) return undefined;
    const b = (await pickCheckpoints(vscode.l10n.t('{0}: checkpoint B (pick A again to compare two of its samples)', title), false, [a]))?.[0]?.fsPath;
    if (!b) return undefined;
    return this.show(a, b, isOpenArgument(arg) ? arg.sample : 0);
  }

  /** Opens (or reveals) the A/B panel of two checkpoints (the same one twice: two samples). */
  show(a: string, b: string, sampleA = 0): StudioPanel {
    const source: PanelSource = { checkpoints: [a, b], runDir: null };
    const { panel, created } = this.host.panels().open('ab', source);
    this.firstSample.set(panel, sampleA);
    if (created) this.load(panel);
    return panel;
  }

  /** Fills a panel: from the saved runs its source names, else (not after a reload) from the run store or a new analysis. */
  load(panel: StudioPanel): void {
    const dirs = panel.source.runDirs;
    if (dirs?.length === 2) void this.fromRuns(panel, dirs);
    else if (panel.restored) panel.post({ type: 'notice', level: 'info', text: vscode.l10n.t('No saved analyses for this comparison (it did not finish before the reload). Run it again to fill the panel.'), action: 'rerun' });
    else void this.rerun(panel);
  }

  private async fromRuns(panel: StudioPanel, dirs: string[]): Promise<void> {
    try {
      const [a, b] = await Promise.all(dirs.map(readSavedAnalysis));
      this.post(panel, a, b);
    } catch (e) {
      panel.post({ type: 'notice', level: 'error', text: (e as Error).message, action: 'rerun' });
    }
  }

  private post(panel: StudioPanel, a: SavedAnalysis, b: SavedAnalysis): void {
    const [ca, cb] = panel.source.checkpoints;
    const sampleA = Math.min(this.firstSample.get(panel) ?? 0, Math.max(0, a.analysis.samples.length - 1));
    const side = (checkpoint: string, s: SavedAnalysis, sample: number): AbSideData => ({ checkpoint, runDir: s.dir || null, analysis: s.analysis, sample });
    // Without a runs folder nothing was saved: a reload then offers to run again.
    if (a.dir && b.dir) panel.source = { ...panel.source, runDirs: [a.dir, b.dir] };
    panel.post({ type: 'ab', sides: [side(ca, a, sampleA), side(cb, b, secondSample(ca, cb, sampleA, b.analysis.samples.length))] });
  }

  /** Finds or computes both analyses in one job, then fills the panel (its "Run again" button too). */
  async rerun(panel: StudioPanel): Promise<void> {
    const checkpoints = [...new Set(panel.source.checkpoints)];
    const done = await runPanelJob(this.host.jobs, {
      title: vscode.l10n.t('A/B maps of {0}', checkpoints.map((c) => path.basename(c)).join(' vs ')),
      panel,
      work: async (job, progress) => {
        const found = new Map<string, SavedAnalysis>();
        for (const [i, ckpt] of checkpoints.entries()) {
          job.controller.signal.throwIfAborted();
          const saved = await this.savedOrAnalysed(ckpt, job.controller.signal, (f, m) => progress((i + f) / checkpoints.length, `${path.basename(ckpt)}: ${m}`));
          if (!saved) throw new Error(`no data files for ${path.basename(ckpt)}: set dynapruner.data.files`);
          found.set(ckpt, saved);
        }
        return found;
      },
    });
    if (!done) return;
    this.post(panel, done.value.get(panel.source.checkpoints[0])!, done.value.get(panel.source.checkpoints[1])!);
    endPanelJob([panel], done.jobId);
  }

  /** The checkpoint's newest saved analysis, else a new one (needs a trusted workspace), saved as a run. */
  private async savedOrAnalysed(ckpt: string, signal: AbortSignal, progress: (fraction: number, message: string) => void): Promise<SavedAnalysis | null> {
    const uri = vscode.Uri.file(ckpt);
    const runs = runsFolder(uri);
    const saved = runs ? await newestSavedAnalysis(runs, ckpt) : null;
    if (saved) return saved;
    if (!vscode.workspace.isTrusted) throw new Error(`${path.basename(ckpt)} has no saved analysis, and analysing it needs a trusted workspace`);
    const dataFiles = await resolveDataFiles(uri, true, () => this.host.describedData(ckpt));
    if (!dataFiles) return null;
    const started = Date.now();
    const analysis: Analysis = await this.host.engine.analyze({
      checkpoint: ckpt, dataFiles, split: dataSplit(uri), maxSamples: maxSamples(uri), workers: workerCount(uri), signal,
      onProgress: (f, m) => progress(f, userProgress(m)), onStart: () => undefined, onSamples: () => undefined,
    });
    if (!runs) return { dir: '', analysis };
    const run = await saveRun(runs, 'run', analysis, (Date.now() - started) / 1000, ['run', ckpt, '--data', ...dataFiles]);
    this.host.savedRun();
    return { dir: run.dir, analysis };
  }
}
