/** Resolves the checkpoint a command acts on: the explorer / tree argument, the active custom editor, or a quick pick. */
import * as path from 'node:path';
import * as vscode from 'vscode';

function asUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (arg && typeof arg === 'object' && 'resourceUri' in arg && (arg as { resourceUri: unknown }).resourceUri instanceof vscode.Uri) return (arg as { resourceUri: vscode.Uri }).resourceUri;
  return undefined;
}

function activeCheckpoint(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputCustom && input.uri.fsPath.endsWith('.onnx')) return input.uri;
  return undefined;
}

/** One checkpoint, or undefined when the user cancels: the argument, the custom editor's checkpoint, else a pick with the active panel's checkpoint (`openPanel`) first and selected. */
export async function pickCheckpoint(arg: unknown, title: string, openPanel?: string): Promise<vscode.Uri | undefined> {
  const direct = asUri(arg) ?? activeCheckpoint();
  if (direct) return direct;
  const picked = await pickCheckpoints(title, false, openPanel ? [openPanel] : []);
  return picked?.[0];
}

/** Quick pick over the workspace's .onnx files; `preselect` (the open checkpoint) comes first (the selected row) and, for a multi-pick, is already ticked. */
export async function pickCheckpoints(title: string, many: boolean, preselect: string[] = []): Promise<vscode.Uri[] | undefined> {
  const active = activeCheckpoint()?.fsPath;
  const chosenFirst = new Set([...(active ? [active] : []), ...preselect]);
  const files = (await vscode.workspace.findFiles('**/*.onnx', '**/{node_modules,.dynapruner}/**', 500)).sort((a, b) => a.fsPath.localeCompare(b.fsPath));
  if (files.length === 0) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Dyna-Pruner: no .onnx checkpoints in this workspace.'));
    return undefined;
  }
  const items = files
    .map((uri) => {
      const open = chosenFirst.has(uri.fsPath);
      const folder = vscode.workspace.asRelativePath(path.dirname(uri.fsPath));
      return { label: path.basename(uri.fsPath), description: open ? `open · ${folder}` : folder, uri, picked: open };
    })
    .sort((a, b) => Number(b.picked) - Number(a.picked));
  if (many) {
    const chosen = await vscode.window.showQuickPick(items, { title, canPickMany: true, placeHolder: vscode.l10n.t('Choose two or more checkpoints') });
    return chosen?.map((c) => c.uri);
  }
  const chosen = await vscode.window.showQuickPick(items, { title, placeHolder: vscode.l10n.t('Choose a checkpoint') });
  return chosen ? [chosen.uri] : undefined;
}
