/**
 * Hook for the remote-profiling part (`src/extension/remote/`):
 * `registerRemote(context, parts)` registers its commands (Profile on Remote
 * Device, Add Jetson..., open a profile run), the Devices view and the Orin
 * panel's serializer. A failure there must not take the rest of the
 * extension down.
 */
import * as vscode from 'vscode';
import { registerRemote, type RemoteParts } from './remote/registerRemote';

export function registerRemoteIfPresent(context: vscode.ExtensionContext, parts: RemoteParts): void {
  try {
    context.subscriptions.push(registerRemote(context, parts));
  } catch (e) {
    parts.log.error(`remote profiling could not start: ${(e as Error).message}`);
  }
}
