/**
 * Ctrl-C (SIGINT), SIGTERM and SIGHUP cancel the running command through its
 * AbortSignal, so it closes its workers and writes no partial file; a second
 * signal forces the exit. The exit code is 128 + the signal's number.
 */
import os from 'node:os';

/** The signals that cancel a command. */
const CANCEL_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Exit code for a command ended by `signal` (SIGINT 130, SIGTERM 143). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (os.constants.signals[signal] ?? 2);
}

/** Cancellation of one command by signals; `dispose()` removes the handlers. */
export interface SignalCancel {
  signal: AbortSignal;
  /** The signal that cancelled the command, if any. */
  received(): NodeJS.Signals | null;
  /** Aborts for another reason (e.g. stdout was closed). */
  abort(reason: Error): void;
  dispose(): void;
}

/** Installs the handlers; `onFirst` is told about the first signal (to print a note). */
export function cancelOnSignals(onFirst: (signal: NodeJS.Signals) => void): SignalCancel {
  const controller = new AbortController();
  let got: NodeJS.Signals | null = null;
  const handler = (sig: NodeJS.Signals) => {
    if (got) process.exit(signalExitCode(got));
    got = sig;
    onFirst(sig);
    controller.abort(new Error(`cancelled by ${sig === 'SIGINT' ? 'user' : sig}`));
  };
  for (const s of CANCEL_SIGNALS) process.on(s, handler);
  return {
    signal: controller.signal,
    received: () => got,
    abort: (reason) => controller.abort(reason),
    dispose: () => CANCEL_SIGNALS.forEach((s) => process.off(s, handler)),
  };
}
