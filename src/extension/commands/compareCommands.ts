/** Compare-panel commands: the Pareto view's grouping picked with the checkpoints, and "Open Pareto Summary...". */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { runsFolder } from '../config';
import { listRuns } from '../runStore';
import type { Studio } from '../studio';

/** The parent folder of each checkpoint (one training run or method per folder is a common layout). */
export function folderGroups(files: string[]): string[] {
  return files.map((f) => path.basename(path.dirname(f)));
}

/**
 * Asks how the Pareto view groups the checkpoints: by the method in each
 * contract (null: no override), by folder, or by names the user types.
 * Undefined when the user cancels.
 */
export async function pickParetoGrouping(files: string[]): Promise<string[] | null | undefined> {
  const choice = await vscode.window.showQuickPick(
    [
      { label: 'By method', detail: "Each checkpoint's training method from its contract (dense, mp_l1, dynapruner, ...)", grouping: 'method' as const },
      { label: 'By folder', detail: 'The folder each checkpoint is in', grouping: 'folder' as const },
      { label: 'Name the groups...', detail: 'Type a group name for each checkpoint', grouping: 'named' as const },
    ],
    { title: vscode.l10n.t('Compare Checkpoints: group the Pareto fronts'), placeHolder: vscode.l10n.t('One front per backbone and group') },
  );
  if (!choice) return undefined;
  if (choice.grouping === 'method') return null;
  const folders = folderGroups(files);
  if (choice.grouping === 'folder') return folders;
  const names: string[] = [];
  for (const [i, f] of files.entries()) {
    const name = await vscode.window.showInputBox({
      title: vscode.l10n.t('Pareto group of {0} ({1}/{2})', path.basename(f), i + 1, files.length), value: folders[i],
      validateInput: (v) => (v.trim() === '' ? 'A group name (checkpoints with the same name share a front)' : v.length > 80 ? 'At most 80 characters' : undefined),
    });
    if (name === undefined) return undefined;
    names.push(name.trim());
  }
  return names;
}

/** Picks a summary.json (trainer/results/pareto first) and opens it in a Compare panel. */
export async function openParetoSummary(studio: Studio, file?: string): Promise<void> {
  let target = file;
  if (!target) {
    const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const results = root ? path.join(root, 'trainer', 'results', 'pareto') : undefined;
    const picked = await vscode.window.showOpenDialog({
      title: vscode.l10n.t('Open Pareto Summary'), canSelectMany: false, openLabel: vscode.l10n.t('Open Summary'), filters: { 'Pareto summary': ['json'] },
      ...(results && existsSync(results) ? { defaultUri: vscode.Uri.file(results) } : {}),
    });
    target = picked?.[0]?.fsPath;
  }
  if (target) studio.show('compare', [], null, { paretoSummary: path.resolve(target) });
}

/** Saved analysis runs of the run store picked (two or more) and compared from their saved results, no engine run. */
export async function compareSavedRuns(studio: Studio): Promise<void> {
  const dir = runsFolder();
  const runs = dir ? (await listRuns(dir)).filter((r) => r.record.command === 'run' || r.record.command === 'report') : [];
  if (runs.length < 2) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Dyna-Pruner: comparing saved runs needs at least two saved analyses in {0}, found {1}.', dir ?? vscode.l10n.t('the runs folder (open a workspace folder)'), runs.length));
    return;
  }
  const picked = await vscode.window.showQuickPick(
    runs.map((run) => ({ label: run.record.model.name, description: `${run.record.model.backbone ?? '?'} / ${run.record.model.variant ?? '?'}`, detail: `${run.record.createdAt} · ${path.basename(run.dir)}`, run })),
    { title: vscode.l10n.t('Compare Saved Runs'), placeHolder: vscode.l10n.t('Pick two or more saved analyses'), canPickMany: true, matchOnDescription: true },
  );
  if (!picked) return;
  if (picked.length < 2) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Dyna-Pruner: choose at least two saved runs to compare.'));
    return;
  }
  const files = picked.map((p) => p.run.record.model.path);
  const groups = await pickParetoGrouping(files);
  if (groups === undefined) return;
  studio.show('compare', files, null, { runDirs: picked.map((p) => p.run.dir), ...(groups ? { groups } : {}) });
}
