/**
 * The walkthrough's first step, *Open Demo Folder...*: opens the demo
 * workspace (checkpoints and storm data) that sits beside the extension in a
 * source checkout, or a folder the user picks (the packaged extension ships
 * without the data).
 */
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { Commands } from '../../shared/ids';

/** Registers the command. */
export function registerOpenDemo(extensionUri: vscode.Uri): vscode.Disposable {
  return vscode.commands.registerCommand(Commands.openDemo, async () => {
    const folder = await chooseDemoFolder(vscode.Uri.joinPath(extensionUri, 'demo'));
    if (folder) await vscode.commands.executeCommand('vscode.openFolder', folder, { forceNewWindow: false });
  });
}

async function chooseDemoFolder(bundled: vscode.Uri): Promise<vscode.Uri | undefined> {
  const pick = vscode.l10n.t('Choose a folder with .onnx checkpoints...');
  if (existsSync(vscode.Uri.joinPath(bundled, 'checkpoints').fsPath)) {
    const open = vscode.l10n.t('Open the demo folder ({0})', bundled.fsPath);
    const choice = await vscode.window.showQuickPick([open, pick], { title: vscode.l10n.t('Open Demo Folder'), placeHolder: vscode.l10n.t('The demo holds the bundled checkpoints and the storm data') });
    if (choice === open) return bundled;
    if (choice !== pick) return undefined;
  }
  const chosen = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: vscode.l10n.t('Open Folder'), title: vscode.l10n.t('Open a folder with .onnx checkpoints') });
  return chosen?.[0];
}
