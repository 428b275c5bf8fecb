/**
 * Dyna-Pruner Studio extension entry point: registers the custom editor, the
 * commands, the activity-bar views, the panel serializers and (through the
 * remote part's `registerRemote`) remote profiling.
 */
import * as vscode from 'vscode';
import { Contexts, Views } from '../shared/ids';
import { registerCommands } from './commands/registerCommands';
import { workerCount } from './config';
import { CheckpointEditorProvider } from './editor/checkpointEditor';
import { CoreEngine } from './engine/coreEngine';
import { GraphPanels } from './graph/graphPanels';
import { AbPanels } from './panels/abPanels';
import { Inspections } from './inspections';
import { JobRunner } from './jobs';
import { createLog, type Log } from './log';
import { PanelManager } from './panels/panelManager';
import type { PanelHost } from './panels/studioPanel';
import { registerRemoteIfPresent } from './remoteHook';
import { Studio } from './studio';
import { CheckpointsTree } from './trees/checkpointsTree';
import { RunsTree } from './trees/runsTree';
import { registerOpenDemo } from './walkthrough/openDemo';
import { FlopsLatency } from './panels/flopsLatency';

/** What `activate` returns (used by the @vscode/test-cli suite). */
export interface StudioApi {
  studio: Studio;
  panels: PanelManager;
  jobs: JobRunner;
  log: Log;
}

export function activate(context: vscode.ExtensionContext): StudioApi {
  const log = createLog(context);
  log.info(`Dyna-Pruner Studio ${context.extension.packageJSON.version} activating (trusted: ${vscode.workspace.isTrusted})`);
  const jobs = new JobRunner(log);
  const engine = new CoreEngine({ info: (t) => log.info(t), error: (t) => log.error(t) });
  // Start the engine worker now, so the first command does not wait for the thread and its modules.
  engine.warmUp(workerCount());
  const inspections = new Inspections((file, signal) => engine.inspect(file, signal));
  const studio = new Studio(() => panels, engine, jobs, inspections, log);
  const latency = new FlopsLatency(engine, jobs, (ckpt) => studio.describedData(ckpt), () => studio.onDidSaveRun.fire());
  const host: PanelHost = {
    extensionUri: context.extensionUri,
    log,
    cancelJob: (id) => jobs.cancel(id),
    exportReport: (source) => studio.exportReport(source),
    rerun: (panel) => studio.rerun(panel),
    measureLatency: (panel) => void latency.measure(panel),
    isTrusted: () => vscode.workspace.isTrusted,
  };
  const graphs = new GraphPanels(() => panels, studio, inspections, log);
  const panels = new PanelManager(host, (panel) => (panel.kind === 'graph' ? graphs.load(panel) : (studio.load(panel), void latency.restore(panel))));
  const ab = new AbPanels({ panels: () => panels, engine, jobs, activeCheckpoint: () => studio.activeCheckpoint(), describedData: (c) => studio.describedData(c), savedRun: () => studio.onDidSaveRun.fire() });
  panels.handleKind('ab', { load: (p) => ab.load(p), rerun: (p) => void ab.rerun(p) });
  const checkpoints = new CheckpointsTree(inspections, log);
  const runs = new RunsTree();
  studio.onDidSaveRun.event(() => runs.refresh());
  void vscode.commands.executeCommand('setContext', Contexts.trusted, vscode.workspace.isTrusted);
  context.subscriptions.push(
    jobs,
    { dispose: () => engine.dispose() },
    panels,
    checkpoints,
    runs,
    studio.onDidSaveRun,
    CheckpointEditorProvider.register(host, studio),
    vscode.window.createTreeView(Views.checkpoints, { treeDataProvider: checkpoints, showCollapseAll: false }),
    vscode.window.createTreeView(Views.runs, { treeDataProvider: runs }),
    ...registerCommands({ studio, checkpoints, runs, log, openLatencyRun: (run) => latency.open(run, studio.show('flops', [run.record.model.path])) }),
    ...graphs.register(),
    ...ab.register(),
    registerOpenDemo(context.extensionUri),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      void vscode.commands.executeCommand('setContext', Contexts.trusted, true);
      for (const p of panels.all) p.post({ type: 'notice', level: 'info', text: 'The workspace is now trusted: reopen the panel to run the checkpoint.' });
    }),
  );
  registerRemoteIfPresent(context, { log, panels, jobs });
  return { studio, panels, jobs, log };
}

export function deactivate(): void {}
