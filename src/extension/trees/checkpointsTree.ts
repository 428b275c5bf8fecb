/** Checkpoints view: the workspace's `.onnx` files with dense GMACs and contract variant as descriptions. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatMacs } from '../../core/figures/format';
import { Contexts } from '../../shared/ids';
import type { Inspections } from '../inspections';
import type { Log } from '../log';

/** Tree of checkpoints. */
export class CheckpointsTree implements vscode.TreeDataProvider<vscode.Uri>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly watcher = vscode.workspace.createFileSystemWatcher('**/*.onnx');
  /** Inspected models without a contract, published as a context key for the menus' when-clauses. */
  private readonly plainModels = new Set<string>();

  constructor(
    private readonly inspections: Inspections,
    private readonly log: Log,
  ) {
    const refresh = (u: vscode.Uri) => {
      this.inspections.forget(u.fsPath);
      this.refresh();
    };
    this.watcher.onDidCreate(refresh);
    this.watcher.onDidChange(refresh);
    this.watcher.onDidDelete(refresh);
    this.inspections.onInspected((file, report) => {
      const plain = report.contract === null;
      if (plain === this.plainModels.has(file)) return;
      if (plain) this.plainModels.add(file);
      else this.plainModels.delete(file);
      void vscode.commands.executeCommand('setContext', Contexts.plainModels, [...this.plainModels]);
    });
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  async getChildren(element?: vscode.Uri): Promise<vscode.Uri[]> {
    if (element) return [];
    const files = await vscode.workspace.findFiles('**/*.onnx', '**/{node_modules,.dynapruner}/**', 500);
    return files.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
  }

  async getTreeItem(uri: vscode.Uri): Promise<vscode.TreeItem> {
    const item = new vscode.TreeItem(uri, vscode.TreeItemCollapsibleState.None);
    item.contextValue = 'checkpoint';
    item.iconPath = new vscode.ThemeIcon('circuit-board');
    item.command = { command: 'vscode.openWith', title: vscode.l10n.t('Open Overview'), arguments: [uri, 'dynapruner.checkpointOverview'] };
    const rel = vscode.workspace.asRelativePath(uri, false);
    try {
      const r = await this.inspections.get(uri.fsPath);
      item.description = `${formatMacs(r.totals.macs)} · ${r.contract ? r.contract.variant : 'no contract'}`;
      if (!r.contract) item.contextValue = 'plainModel';
      item.tooltip = new vscode.MarkdownString(
        `**${path.basename(uri.fsPath)}**  \n${rel}  \n${r.contract ? `${r.contract.backbone} / ${r.contract.variant}, contract v${r.contract.contract}` : 'plain ONNX model (no Dyna-Pruner contract)'}  \n${r.totals.params.toLocaleString('en-US')} params, ${formatMacs(r.totals.macs)} dense`,
      );
    } catch (e) {
      item.description = 'unreadable';
      item.tooltip = (e as Error).message;
      item.iconPath = new vscode.ThemeIcon('warning');
      this.log.warn(`checkpoints view: ${(e as Error).message}`);
    }
    return item;
  }

  dispose(): void {
    this.watcher.dispose();
    this.changed.dispose();
  }
}
