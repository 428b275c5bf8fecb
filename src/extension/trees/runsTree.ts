/** Runs view: saved results under `.dynapruner/runs/`, newest first, re-openable. */
import * as vscode from 'vscode';
import { Commands } from '../../shared/ids';
import { runsFolder } from '../config';
import { listRuns, type SavedRun } from '../runStore';

/** Tree of saved runs. */
export class RunsTree implements vscode.TreeDataProvider<SavedRun>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<SavedRun | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly watcher = vscode.workspace.createFileSystemWatcher('**/.dynapruner/runs/*/run.json');

  constructor() {
    this.watcher.onDidCreate(() => this.refresh());
    this.watcher.onDidDelete(() => this.refresh());
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  async getChildren(element?: SavedRun): Promise<SavedRun[]> {
    if (element) return [];
    const dir = runsFolder();
    return dir ? listRuns(dir) : [];
  }

  getTreeItem(run: SavedRun): vscode.TreeItem {
    const r = run.record;
    const item = new vscode.TreeItem(`${r.model.name} · ${r.command}`, vscode.TreeItemCollapsibleState.None);
    item.id = run.dir;
    item.contextValue = 'run';
    item.iconPath = new vscode.ThemeIcon(r.command === 'sweep' ? 'graph-line' : r.command === 'profile' ? 'remote' : 'pulse');
    const s = r.summary;
    const bits = [new Date(r.createdAt).toLocaleString()];
    if (s.meanEffectiveMacs !== null) bits.push(`${((1 - s.meanEffectiveMacs / s.denseMacs) * 100).toFixed(0)}% MACs saved`);
    if (s.mse !== null) bits.push(`MSE ${s.mse.toPrecision(3)}`);
    item.description = bits.join(' · ');
    item.tooltip = `${run.dir}\n${r.args.join(' ')}\n${r.durationSeconds.toFixed(1)} s`;
    // A profile run opens in the Orin panel; analyses and sweeps in their panels.
    item.command = { command: r.command === 'profile' ? Commands.openProfileRun : Commands.openRun, title: vscode.l10n.t('Open Run'), arguments: [run] };
    return item;
  }

  dispose(): void {
    this.watcher.dispose();
    this.changed.dispose();
  }
}
