/**
 * Hook for the remote-profiling part (`src/extension/remote/`, owned by the
 * remote engineer): `registerRemote(context, log)` registers
 * `dynapruner.profileOnRemoteDevice` (declared in package.json by the UI part,
 * with the explorer menu entry) and fills the Devices view (`dynapruner.devices`).
 * A failure there must not take the rest of the extension down.
 */
import * as vscode from 'vscode';
import type { Log } from './log';
import { registerRemote } from './remote/registerRemote';

export function registerRemoteIfPresent(context: vscode.ExtensionContext, log: Log): void {
  try {
    context.subscriptions.push(registerRemote(context, log));
  } catch (e) {
    log.error(`remote profiling could not start: ${(e as Error).message}`);
  }
}
