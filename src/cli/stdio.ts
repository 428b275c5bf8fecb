/**
 * The CLI's stdout and stderr as a CliIO that never throws: a reader that
 * goes away (`| head`, EPIPE) ends the command quietly, a full device
 * (ENOSPC) or another write error ends it with one line naming the stream.
 */
import type { CliIO } from './command';
import { outputErrorOf, type OutputError } from '../core/runs/outputError';

/** The process's streams, and what went wrong writing stdout (if anything). */
export interface GuardedIO extends CliIO {
  /** True once stdout's reader has gone away. */
  closed(): boolean;
  /** The stdout write error other than EPIPE, if one happened. */
  failure(): OutputError | null;
}

/** Wraps process.stdout/stderr; `onStop` is called once when stdout cannot be written any more. */
export function processIO(onStop: (why: Error) => void): GuardedIO {
  let closed = false;
  let failure: OutputError | null = null;
  const stop = (error: NodeJS.ErrnoException) => {
    if (closed || failure) return;
    if (error.code === 'EPIPE') closed = true;
    else failure = outputErrorOf('stdout', error);
    onStop(failure ?? new Error('stdout closed'));
  };
  process.stdout.on('error', stop);
  process.stderr.on('error', () => undefined);
  return {
    out: (t) => {
      if (closed || failure) return;
      try {
        process.stdout.write(t);
      } catch (error) {
        stop(error as NodeJS.ErrnoException);
      }
    },
    err: (t) => {
      try {
        process.stderr.write(t);
      } catch {
        /* stderr gone: nothing left to tell */
      }
    },
    isTTY: Boolean(process.stderr.isTTY),
    closed: () => closed,
    failure: () => failure,
  };
}
