/**
 * Hook for the remote-profiling part (`src/extension/remote/`, owned by the
 * remote engineer): it exports `registerRemote(context, log)`, which registers
 * `dynapruner.profileOnRemoteDevice` and fills the Devices view. Until that
 * module lands, the command explains that remote profiling is not installed.
 */
import * as vscode from 'vscode';
import { Commands } from '../shared/ids';
import type { Log } from './log';

export function registerRemoteIfPresent(context: vscode.ExtensionContext, log: Log): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.profileOnRemoteDevice, () => {
      void vscode.window.showWarningMessage('Dyna-Pruner: remote profiling is not part of this build.');
    }),
  );
  log.info('remote profiling: not in this build');
}
