/** The Devices tree view: configured hosts (settings and ~/.ssh/config) with their state. */
import * as vscode from 'vscode';
import { knownAliases } from '../../core/remote/device/remoteEnvironment';
import type { HostSettings } from '../../core/remote/ssh/hostConfig';

/** What the view shows next to a host. */
export interface DeviceState {
  text: string;
  busy?: boolean;
  error?: boolean;
}

/** Tree data provider for `dynapruner.devices`. */
export class DevicesProvider implements vscode.TreeDataProvider<string> {
  private readonly changed = new vscode.EventEmitter<string | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly states = new Map<string, DeviceState>();

  constructor(private readonly hosts: () => HostSettings[]) {}

  /** Updates one host's state. */
  setState(alias: string, state: DeviceState): void {
    this.states.set(alias, state);
    this.changed.fire(undefined);
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  async getChildren(element?: string): Promise<string[]> {
    if (element) return [];
    try {
      return await knownAliases(this.hosts());
    } catch {
      return this.hosts().map((h) => h.alias);
    }
  }

  getTreeItem(alias: string): vscode.TreeItem {
    const item = new vscode.TreeItem(alias, vscode.TreeItemCollapsibleState.None);
    const s = this.states.get(alias);
    const configured = this.hosts().some((h) => h.alias === alias);
    item.description = s?.text ?? (configured ? 'configured' : '~/.ssh/config');
    item.iconPath = new vscode.ThemeIcon(s?.busy ? 'sync~spin' : s?.error ? 'error' : 'vm');
    item.contextValue = 'dynapruner.device';
    item.tooltip = `${alias}: ${item.description}`;
    return item;
  }
}
