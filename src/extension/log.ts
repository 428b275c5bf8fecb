/** The extension's log: one `LogOutputChannel` ("Dyna-Pruner") shared by every part. */
import * as vscode from 'vscode';
import { LOG_CHANNEL } from '../shared/ids';

/** Minimal logging surface handed to the parts (also to `registerRemote`). */
export interface Log {
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error): void;
  show(): void;
}

/** Creates the output channel and a {@link Log} over it. */
export function createLog(context: vscode.ExtensionContext): Log & { channel: vscode.LogOutputChannel } {
  const channel = vscode.window.createOutputChannel(LOG_CHANNEL, { log: true });
  context.subscriptions.push(channel);
  return {
    channel,
    info: (m) => channel.info(m),
    warn: (m) => channel.warn(m),
    error: (m) => channel.error(m instanceof Error ? (m.stack ?? m.message) : m),
    show: () => channel.show(true),
  };
}
