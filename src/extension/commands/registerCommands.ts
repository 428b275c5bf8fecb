/** Registers the palette, menu and tree commands. */
import { rm } from 'node:fs/promises';
import * as vscode from 'vscode';
import { Commands, CUSTOM_EDITOR_VIEW_TYPE } from '../../shared/ids';
import type { Log } from '../log';
import type { SavedRun } from '../runStore';
import type { Studio } from '../studio';
import type { CheckpointsTree } from '../trees/checkpointsTree';
import type { RunsTree } from '../trees/runsTree';
import { pickCheckpoint, pickCheckpoints } from './pickCheckpoint';
import { compareSavedRuns, openParetoSummary, pickParetoGrouping } from './compareCommands';
import { activePanelReportSource } from './reportSource';
import { showErrorNotice } from '../errorNotice';

/** Everything the commands use. */
export interface CommandDeps {
  studio: Studio;
  checkpoints: CheckpointsTree;
  runs: RunsTree;
  log: Log;
  /** Opens a saved latency run (FLOPs panel's Latency view). */
  openLatencyRun?: (run: SavedRun) => void;
}

/** Registers every command except `profileOnRemoteDevice` (the remote part's). */
export function registerCommands(d: CommandDeps): vscode.Disposable[] {
  // Every command's failure is one notification (first line, Show Log), never VS Code's generic trace.
  const on = (id: string, fn: (...args: unknown[]) => unknown) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await fn(...args);
      } catch (error) {
        d.log.error(error as Error);
        showErrorNotice(error);
        return undefined;
      }
    });
  const withCheckpoint = (title: string, fn: (uri: vscode.Uri) => unknown) => async (arg: unknown) => {
    const uri = await pickCheckpoint(arg, title, d.studio.activeCheckpoint());
    if (uri) await fn(uri);
  };
  /** Commands that run the masks: a plain ONNX model gets a message offering what works for it, not an empty panel. */
  const withContract = (title: string, kind: 'masks' | 'robustness' | 'filters') =>
    withCheckpoint(title, async (uri) => {
      if (await d.studio.requireContract(uri.fsPath, title)) d.studio.show(kind, [uri.fsPath]);
    });
  return [
    on(Commands.inspectCheckpoint, withCheckpoint('Inspect Checkpoint', (uri) => vscode.commands.executeCommand('vscode.openWith', uri, CUSTOM_EDITOR_VIEW_TYPE))),
    on(Commands.analyzeCheckpoint, withContract('Analyze Checkpoint', 'masks')),
    // The former palette name of Analyze Checkpoint (kept for links and keybindings).
    on(Commands.analyzeSamples, withContract('Analyze Checkpoint', 'masks')),
    on(Commands.runRobustnessSweep, withContract('Run Robustness Sweep', 'robustness')),
    on(Commands.showFlopsBreakdown, withCheckpoint('Show FLOPs Breakdown', (uri) => d.studio.show('flops', [uri.fsPath]))),
    on(Commands.showFilterActivity, withContract('Show Filter Activity', 'filters')),
    on(Commands.compareCheckpoints, async () => {
      const open = d.studio.activeCheckpoint();
      const picked = await pickCheckpoints('Compare Checkpoints', true, open ? [open] : []);
      if (!picked) return;
      if (picked.length < 2) {
        void vscode.window.showWarningMessage(vscode.l10n.t('Dyna-Pruner: choose at least two checkpoints to compare.'));
        return;
      }
      const files = picked.map((u) => u.fsPath);
      const groups = await pickParetoGrouping(files);
      if (groups === undefined) return;
      d.studio.show('compare', files, null, groups ? { groups } : {});
    }),
    on(Commands.compareSavedRuns, () => compareSavedRuns(d.studio)),
    on(Commands.openParetoSummary, (arg) => openParetoSummary(d.studio, arg instanceof vscode.Uri ? arg.fsPath : undefined)),
    on(Commands.exportReport, async (arg) => {
      // From the palette (no argument) with a Compare panel active: that panel's report, as its own button writes.
      const active = d.studio.activePanel();
      const source = activePanelReportSource(active && { kind: active.kind, source: active.source }, arg === undefined);
      if (source) return d.studio.exportReport(source);
      return withCheckpoint('Export Report', (uri) => d.studio.exportReport({ checkpoints: [uri.fsPath], runDir: null }))(arg);
    }),
    on(Commands.openRun, (arg) => {
      const run = arg as SavedRun | undefined;
      if (!run?.record) return;
      if (run.record.command === 'profile') return vscode.commands.executeCommand(Commands.openProfileRun, run);
      if (run.record.command === 'latency') return d.openLatencyRun?.(run);
      d.studio.show(run.record.command === 'sweep' ? 'robustness' : 'masks', [run.record.model.path], run.dir);
    }),
    on(Commands.deleteRun, async (arg) => {
      const run = arg as SavedRun | undefined;
      if (!run?.dir) return;
      const remove = vscode.l10n.t('Delete');
      const ok = await vscode.window.showWarningMessage(vscode.l10n.t('Delete the saved run {0}?', run.record.id), { modal: true }, remove);
      if (ok !== remove) return;
      await rm(run.dir, { recursive: true, force: true });
      d.runs.refresh();
    }),
    on(Commands.revealRun, (arg) => {
      const run = arg as SavedRun | undefined;
      if (run?.dir) return vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(run.dir));
    }),
    on(Commands.compareRunWith, async (arg) => {
      const run = arg as SavedRun | undefined;
      if (!run?.record) return;
      const base = run.record.model.path;
      const others = await pickCheckpoints(`Compare ${run.record.model.name} With...`, true);
      const rest = others?.map((u) => u.fsPath).filter((p) => p !== base) ?? [];
      if (rest.length > 0) d.studio.show('compare', [base, ...rest]);
    }),
    on(Commands.refreshCheckpoints, () => d.checkpoints.refresh()),
    on(Commands.refreshRuns, () => d.runs.refresh()),
    on(Commands.showLog, () => d.log.show()),
  ];
}
