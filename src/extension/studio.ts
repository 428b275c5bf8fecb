/**
 * The controller: turns commands into panels and jobs. Analyses and sweeps
 * run through the {@link EngineClient} (worker threads) inside
 * {@link JobRunner} jobs; results stream into the open panel and are saved as
 * runs only when complete.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Analysis, SweepResult } from '../core/schema/results';
import { CUSTOM_EDITOR_VIEW_TYPE, type PanelKind } from '../shared/ids';
import type { CompareEntry } from '../shared/models';
import type { PanelSource } from '../shared/protocol';
import { describedFiles } from '../core/samples/describedSources';
import { dataSplit, maxSamples, resolveDataFiles, runsFolder, sweepGrids, workerCount } from './config';
import type { EngineClient } from './engine/engineClient';
import type { Inspections } from './inspections';
import type { JobRunner } from './jobs';
import type { Log } from './log';
import { overviewModel } from './overviewModel';
import type { PanelManager } from './panels/panelManager';
import type { StudioPanel } from './panels/studioPanel';
import { compareEntry, compareGroups, failedCompareEntry } from './compareEntries';
import { loadParetoSummary } from './paretoSummaryPanel';
import { compareReportName, isCompareSource, writeCompareReport } from './compareReport';
import { planLoad } from './panels/loadPlan';
import { userProgress } from './progressText';
import { readRun, saveRun } from './runStore';
import { showErrorNotice } from './errorNotice';
import { endPanelJob, runPanelJob } from './panels/panelJob';

/** Kinds that show an analysis. */
const ANALYSIS_KINDS: PanelKind[] = ['masks', 'filters', 'flops'];

export class Studio {
  /** Last complete analysis / sweep per checkpoint (for exports and panels opened later). */
  private readonly analyses = new Map<string, Analysis>();
  private readonly sweeps = new Map<string, SweepResult>();
  /** Saved analysis run folder per checkpoint (what a Compare panel records for its restore). */
  private readonly savedAnalyses = new Map<string, string>();
  /** Fires when a run was saved (the Runs tree refreshes). */
  readonly onDidSaveRun = new vscode.EventEmitter<void>();

  constructor(
    private readonly panels: () => PanelManager,
    private readonly engine: EngineClient,
    private readonly jobs: JobRunner,
    private readonly inspections: Inspections,
    private readonly log: Log,
  ) {}

  private requireTrust(what: string): boolean {
    if (vscode.workspace.isTrusted) return true;
    void vscode.window.showWarningMessage(vscode.l10n.t('Dyna-Pruner: {0} needs a trusted workspace; in Restricted Mode only inspection is available.', what), vscode.l10n.t('Manage Workspace Trust')).then((a) => {
      if (a) void vscode.commands.executeCommand('workbench.trust.manage');
    });
    return false;
  }

  /** Loads (or reloads) whatever a panel shows: used by commands and the serializers (a restored panel starts no job). */
  load(panel: StudioPanel): void {
    const ckpt = panel.source.checkpoints[0];
    const cached = panel.kind === 'robustness' ? this.sweeps.get(ckpt) : this.analyses.get(ckpt);
    const plan = planLoad(panel.kind, panel.source, panel.restored ? 'restore' : 'open', cached !== undefined);
    switch (plan.action) {
      case 'nothing':
        panel.post({ type: 'notice', level: 'info', text: plan.text });
        break;
      case 'offerRun':
        panel.post({ type: 'notice', level: 'info', text: plan.text, action: 'rerun' });
        break;
      case 'overview':
        void this.loadOverview(panel, plan.checkpoint);
        break;
      case 'readRun':
        void this.loadRun(panel, plan.runDir);
        break;
      case 'readRuns':
        void this.loadCompareRuns(panel, plan.runDirs);
        break;
      case 'readParetoSummary':
        void loadParetoSummary(panel, plan.file);
        break;
      case 'cached':
        if (panel.kind === 'robustness') panel.post({ type: 'sweep', jobId: null, sweep: this.sweeps.get(plan.checkpoint)! });
        else panel.post({ type: 'analysis', jobId: null, analysis: this.analyses.get(plan.checkpoint)! });
        break;
      case 'run':
        this.rerun(panel);
        break;
    }
  }

  private async loadRun(panel: StudioPanel, dir: string): Promise<void> {
    try {
      const run = await readRun(dir);
      if (run.analysis) {
        this.analyses.set(run.record.model.path, run.analysis);
        this.savedAnalyses.set(run.record.model.path, dir);
        panel.post({ type: 'analysis', jobId: null, analysis: run.analysis });
      }
      if (run.sweep) {
        this.sweeps.set(run.record.model.path, run.sweep);
        panel.post({ type: 'sweep', jobId: null, sweep: run.sweep });
      }
    } catch (e) {
      panel.post({ type: 'notice', level: 'error', text: (e as Error).message, action: 'rerun' });
    }
  }

  /** Rebuilds a Compare panel from the saved analysis run of each checkpoint. */
  private async loadCompareRuns(panel: StudioPanel, dirs: string[]): Promise<void> {
    const entries: CompareEntry[] = [];
    let data: string[] = [];
    for (const [i, dir] of dirs.entries()) {
      const ckpt = panel.source.checkpoints[i];
      try {
        const run = await readRun(dir);
        if (!run.analysis) throw new Error(`${dir}: the run holds no analysis`);
        this.analyses.set(ckpt, run.analysis);
        this.savedAnalyses.set(ckpt, dir);
        data = run.analysis.data.files.map((f) => path.basename(f));
        entries.push(compareEntry(ckpt, run.analysis));
      } catch (e) {
        entries.push(failedCompareEntry(ckpt, (e as Error).message));
      }
    }
    panel.post({ type: 'compare', compare: { data, entries, ...compareGroups(panel.source) } });
  }

  /** Inspection only: allowed in untrusted workspaces. */
  async loadOverview(panel: StudioPanel, ckpt: string): Promise<void> {
    try {
      const report = await this.inspections.get(ckpt);
      panel.post({ type: 'overview', overview: overviewModel(report) });
    } catch (e) {
      this.log.error(e as Error);
      panel.post({ type: 'notice', level: 'error', text: (e as Error).message });
    }
  }

  /**
   * True when the checkpoint follows the Dyna-Pruner contract; otherwise says
   * so in one message offering what works for a plain model (Overview, dense
   * FLOPs breakdown) and returns false.
   */
  async requireContract(ckpt: string, what: string): Promise<boolean> {
    let plain: boolean;
    try {
      plain = await this.inspections.isPlainModel(ckpt);
    } catch {
      return true; // Unreadable: the command reports the file's error itself.
    }
    if (!plain) return true;
    const flops = vscode.l10n.t('Show FLOPs Breakdown');
    const overview = vscode.l10n.t('Open Overview');
    const choice = await vscode.window.showInformationMessage(vscode.l10n.t('{0}: {1} is a plain ONNX model (no Dyna-Pruner contract), so it has no masks or gates to analyse. Its structure and dense per-layer MACs are available.', what, path.basename(ckpt)), flops, overview);
    if (choice === flops) this.show('flops', [ckpt]);
    if (choice === overview) void vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(ckpt), CUSTOM_EDITOR_VIEW_TYPE);
    return false;
  }

  /** Fills a FLOPs panel: a plain model's dense per-layer numbers from inspection, else the mask-aware analysis. */
  private async flopsOrDense(panel: StudioPanel): Promise<void> {
    const ckpt = panel.source.checkpoints[0];
    let plain = false;
    try {
      plain = await this.inspections.isPlainModel(ckpt);
    } catch {
      // The analysis reports the file's error.
    }
    if (plain) await this.loadOverview(panel, ckpt);
    else await this.runAnalysis(panel);
  }

  /** The active Dyna-Pruner panel, if one is the active tab. */
  activePanel(): StudioPanel | undefined {
    return this.panels().all.find((p) => p.active);
  }

  /** The checkpoint of the active Dyna-Pruner panel, if one is the active tab (commands and pickers act on it). */
  activeCheckpoint(): string | undefined {
    return this.activePanel()?.source.checkpoints[0];
  }

  /** Opens a checkpoint and its first sessions in the engine worker ahead of a command (trusted workspaces only). */
  prepare(ckpt: string): void {
    if (vscode.workspace.isTrusted) this.engine.prepare(ckpt, workerCount(vscode.Uri.file(ckpt)));
  }

  /** Opens a panel kind for a checkpoint and loads it. */
  show(kind: PanelKind, checkpoints: string[], runDir: string | null = null, extra: Pick<PanelSource, 'paretoSummary' | 'groups' | 'runDirs'> = {}): StudioPanel | undefined {
    if (kind !== 'overview' && !this.requireTrust('Running a checkpoint')) return undefined;
    const source: PanelSource = { checkpoints, runDir, ...extra };
    const { panel, created } = this.panels().open(kind, source);
    if (created || runDir) this.load(panel);
    return panel;
  }

  /** Re-runs what a panel shows (its "Run again" button). */
  rerun(panel: StudioPanel): void {
    if (panel.kind === 'overview') this.load(panel);
    else if (panel.kind === 'robustness') void this.runSweep(panel);
    else if (panel.kind === 'compare' && panel.source.paretoSummary) this.load(panel);
    else if (panel.kind === 'compare') void this.runCompare(panel);
    else if (panel.kind === 'flops') void this.flopsOrDense(panel);
    else void this.runAnalysis(panel);
  }

  /**
   * The files the checkpoint's data set description names (paths relative to
   * the checkpoint), from the engine's cached inspection; null without one.
   * A description naming a file outside its root is shown as an error.
   */
  async describedData(ckpt: string): Promise<string[] | null> {
    const report = await this.engine.inspect(ckpt).catch(() => null);
    const description = report?.contract?.dataset?.description;
    if (!description) return null;
    try {
      return describedFiles(description, ckpt);
    } catch (error) {
      showErrorNotice(error);
      return null;
    }
  }

  /** Runs the per-sample analysis, streaming into the panel (and any other analysis panel of the checkpoint). */
  async runAnalysis(panel: StudioPanel): Promise<Analysis | null> {
    if (!this.requireTrust('Analysing samples')) return null;
    const ckpt = panel.source.checkpoints[0];
    const uri = vscode.Uri.file(ckpt);
    // Open the checkpoint and its sessions in the engine worker while the data files are resolved and the webview loads.
    this.engine.prepare(ckpt, workerCount(uri));
    const dataFiles = await resolveDataFiles(uri, true, () => this.describedData(ckpt));
    if (!dataFiles) return null;
    const viewers = () => this.panels().all.filter((p) => ANALYSIS_KINDS.includes(p.kind) && p.source.checkpoints[0] === ckpt);
    const started = Date.now();
    const done = await runPanelJob(this.jobs, {
      title: vscode.l10n.t('Analyzing {0}', path.basename(ckpt)),
      panel,
      viewers,
      work: (job, progress) =>
        this.engine.analyze({
          checkpoint: ckpt,
          dataFiles,
          split: dataSplit(uri),
          maxSamples: maxSamples(uri),
          workers: workerCount(uri),
          signal: job.controller.signal,
          onProgress: (f, m) => progress(f, userProgress(m)),
          onStart: (s) => viewers().forEach((p) => p.post({ type: 'analysisStart', jobId: job.id, ...s })),
          onSamples: (samples) => viewers().forEach((p) => p.post({ type: 'analysisSamples', jobId: job.id, samples })),
        }),
    });
    if (!done) return null;
    const { value: analysis, jobId } = done;
    this.analyses.set(ckpt, analysis);
    let runId: string | undefined;
    const dir = runsFolder(uri);
    if (dir) {
      const saved = await saveRun(dir, 'run', analysis, (Date.now() - started) / 1000, ['run', ckpt, '--data', ...dataFiles]);
      runId = saved.record.id;
      this.savedAnalyses.set(ckpt, saved.dir);
      viewers().forEach((p) => (p.source = { ...p.source, runDir: saved.dir }));
      this.onDidSaveRun.fire();
    }
    viewers().forEach((p) => p.post({ type: 'analysis', jobId, analysis }));
    endPanelJob(viewers(), jobId, runId);
    return analysis;
  }

  /** Runs the robustness / sensitivity sweep into a Robustness panel. */
  async runSweep(panel: StudioPanel): Promise<SweepResult | null> {
    if (!this.requireTrust('A robustness sweep')) return null;
    const ckpt = panel.source.checkpoints[0];
    const uri = vscode.Uri.file(ckpt);
    const dataFiles = await resolveDataFiles(uri, true, () => this.describedData(ckpt));
    if (!dataFiles) return null;
    const started = Date.now();
    const done = await runPanelJob(this.jobs, {
      title: vscode.l10n.t('Robustness sweep of {0}', path.basename(ckpt)),
      panel,
      work: (job, progress) => this.engine.sweep({
        checkpoint: ckpt, dataFiles, split: dataSplit(uri), maxSamples: maxSamples(uri), workers: workerCount(uri), signal: job.controller.signal, onProgress: (f, m) => progress(f, userProgress(m)), grids: sweepGrids(uri),
        onPartial: (sweep, samples) => panel.post({ type: 'sweepPartial', jobId: job.id, sweep, samples }),
      }),
    });
    if (!done) return null;
    const { value: sweep, jobId } = done;
    this.sweeps.set(ckpt, sweep);
    let runId: string | undefined;
    const dir = runsFolder(uri);
    if (dir) {
      const saved = await saveRun(dir, 'sweep', sweep, (Date.now() - started) / 1000, ['sweep', ckpt, '--data', ...dataFiles]);
      runId = saved.record.id;
      panel.source = { ...panel.source, runDir: saved.dir };
      this.onDidSaveRun.fire();
    }
    panel.post({ type: 'sweep', jobId, sweep });
    endPanelJob([panel], jobId, runId);
    return sweep;
  }

  /** Analyses several checkpoints on the same data and fills a Compare panel. */
  async runCompare(panel: StudioPanel): Promise<void> {
    if (!this.requireTrust('Comparing checkpoints')) return;
    const ckpts = panel.source.checkpoints;
    const dataFiles = await resolveDataFiles(vscode.Uri.file(ckpts[0]), true, () => this.describedData(ckpts[0]));
    if (!dataFiles) return;
    const done = await runPanelJob(this.jobs, {
      title: vscode.l10n.t('Comparing {0} checkpoints', ckpts.length),
      panel,
      work: async (job, progress) => {
        const entries: CompareEntry[] = [];
        for (const [i, ckpt] of ckpts.entries()) {
          job.controller.signal.throwIfAborted();
          const name = path.basename(ckpt);
          try {
            const a =
              this.analyses.get(ckpt) ??
              (await this.engine.analyze({
                checkpoint: ckpt,
                dataFiles,
                split: dataSplit(),
                maxSamples: maxSamples(),
                workers: workerCount(),
                signal: job.controller.signal,
                onProgress: (f, m) => progress((i + f) / ckpts.length, `${name}: ${userProgress(m)}`),
                onStart: () => undefined,
                onSamples: () => undefined,
              }));
            if (!this.analyses.has(ckpt)) await this.saveAnalysisRun(ckpt, a, dataFiles);
            this.analyses.set(ckpt, a);
            entries.push(compareEntry(ckpt, a));
          } catch (e) {
            if (job.controller.signal.aborted) throw e;
            entries.push(failedCompareEntry(ckpt, (e as Error).message));
          }
          panel.post({ type: 'compare', compare: { data: dataFiles.map((f) => path.basename(f)), entries: [...entries], ...compareGroups(panel.source) } });
        }
        return entries;
      },
    });
    if (!done) return;
    const runDirs = ckpts.map((c) => this.savedAnalyses.get(c));
    if (runDirs.every((d): d is string => d !== undefined)) panel.source = { ...panel.source, runDirs };
    endPanelJob([panel], done.jobId);
  }

  /** Saves an analysis the Compare panel computed as a run, so a restored Compare panel reads it back. */
  private async saveAnalysisRun(ckpt: string, analysis: Analysis, dataFiles: string[]): Promise<void> {
    const dir = runsFolder(vscode.Uri.file(ckpt));
    if (!dir) return;
    const saved = await saveRun(dir, 'run', analysis, 0, ['run', ckpt, '--data', ...dataFiles]);
    this.savedAnalyses.set(ckpt, saved.dir);
    this.onDidSaveRun.fire();
  }

  /** Writes the engine's HTML report for a checkpoint (analysing first when needed); a Compare panel's is the page of its Pareto view. */
  async exportReport(source: PanelSource): Promise<void> {
    if (!this.requireTrust('Exporting a report')) return;
    const compare = isCompareSource(source);
    const ckpt = source.checkpoints[0];
    if (!ckpt && !compare) throw new Error('no checkpoint to report on');
    let analysis = compare ? null : (this.analyses.get(ckpt) ?? null);
    if (!analysis && !compare) {
      const panel = this.show('masks', [ckpt]);
      analysis = panel ? await this.runAnalysis(panel) : null;
      if (!analysis) return;
    }
    const folder = source.runDir ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? path.dirname(ckpt ?? source.paretoSummary!);
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.file(path.join(folder, compare ? compareReportName(source) : `${path.basename(ckpt, '.onnx')}-report.html`)),
      filters: { HTML: ['html'] },
      title: vscode.l10n.t('Export Dyna-Pruner report'),
    });
    if (!target) return;
    if (compare) await writeCompareReport(source, (c) => this.analyses.get(c), target.fsPath);
    else await this.engine.writeReport(analysis!, this.sweeps.get(ckpt) ?? null, target.fsPath);
    const open = await vscode.window.showInformationMessage(vscode.l10n.t('Report written to {0}.', path.basename(target.fsPath)), vscode.l10n.t('Open in Browser'));
    if (open) void vscode.env.openExternal(target);
  }
}
