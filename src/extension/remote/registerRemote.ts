/**
 * Entry of the remote-profiling part: registers its commands, the Devices
 * view, the Orin panel's serializer and a watcher that keeps the panel's run
 * list current, all around one {@link RemoteStudio}. Call it from activate().
 */
import * as vscode from 'vscode';
import { SshConnectionPool } from '../../core/remote/ssh/connectionPool';
import { Commands, Views } from '../../shared/ids';
import type { JobRunner } from '../jobs';
import type { Log } from '../log';
import type { PanelManager } from '../panels/panelManager';
import { DevicesProvider } from './devicesView';
import { remoteSettings } from './remoteSettings';
import { RemoteStudio } from './remoteStudio';
import { showErrorNotice } from '../errorNotice';

/** Quiet time after the last change under runs/ before the Orin panel re-reads its run list. */
const REFRESH_DELAY_MS = 300;

/** `fn` called once, `ms` after the last of a burst of calls. */
function debounced(ms: number, fn: () => void): { (): void; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const call = () => {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
  return Object.assign(call, { cancel: () => clearTimeout(timer) });
}

/** What the rest of the extension hands over. */
export interface RemoteParts {
  log: Log;
  panels: PanelManager;
  jobs: JobRunner;
}

function hostsOrNone(log: Log) {
  return () => {
    try {
      return remoteSettings().hosts;
    } catch (error) {
      log.error(error as Error);
      return [];
    }
  };
}

/** Registers the remote part; dispose to undo. */
export function registerRemote(context: vscode.ExtensionContext, parts: RemoteParts): vscode.Disposable {
  const { log, panels, jobs } = parts;
  const devices = new DevicesProvider(hostsOrNone(log));
  const pool = new SshConnectionPool();
  const remote = new RemoteStudio({ context, panels, jobs, log, devices, pool });
  const guarded = (fn: (arg: unknown) => Promise<void>) => async (arg: unknown) => {
    try {
      await fn(arg);
    } catch (error) {
      log.error(error as Error);
      showErrorNotice(error);
    }
  };
  // A run folder appears by a rename (no event for the files inside it): watch every path under runs/.
  const runs = vscode.workspace.createFileSystemWatcher('**/.dynapruner/runs/**');
  const refresh = debounced(REFRESH_DELAY_MS, () => void remote.refreshPanel().catch((e: unknown) => log.error(e as Error)));
  log.info('remote profiling: registered');
  return vscode.Disposable.from(
    vscode.commands.registerCommand(Commands.profileOnRemoteDevice, guarded((arg) => remote.profileCommand(arg))),
    vscode.commands.registerCommand(Commands.addDevice, guarded(() => remote.addDeviceCommand())),
    vscode.commands.registerCommand(Commands.openProfileRun, guarded((arg) => remote.openSavedRun(arg))),
    panels.restoreRemoteWith((panel, state) => remote.restore(panel, state)),
    vscode.window.createTreeView(Views.devices, { treeDataProvider: devices }),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('dynapruner.remote') && devices.refresh()),
    runs,
    runs.onDidCreate(refresh),
    runs.onDidDelete(refresh),
    { dispose: () => refresh.cancel() },
    { dispose: () => pool.dispose() },
  );
}
