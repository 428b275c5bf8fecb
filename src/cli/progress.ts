/** A one-line progress bar on stderr when it is a terminal; silent otherwise (CI, pipes). */
import type { CliIO } from './command';

/** Progress reporter: `update(fraction, message)`, `done()` clears the line. */
export interface ProgressBar {
  update(fraction: number, message: string): void;
  done(): void;
}

/** A bar drawn at most every 100 ms, 30 cells wide, with percent and message. */
export function progressBar(io: CliIO, label: string): ProgressBar {
  if (!io.isTTY) return { update: () => {}, done: () => {} };
  let last = 0;
  let drawn = false;
  return {
    update(fraction, message) {
      const now = Date.now();
      if (now - last < 100 && fraction < 1) return;
      last = now;
      const f = Math.max(0, Math.min(1, fraction));
      const cells = Math.round(f * 30);
      const text = `\r${label} [${'#'.repeat(cells)}${'.'.repeat(30 - cells)}] ${(f * 100).toFixed(0).padStart(3)}% ${message}`;
      io.err(text.slice(0, (process.stderr.columns || 100) - 1).padEnd(Math.min(100, (process.stderr.columns || 100) - 1)));
      drawn = true;
    },
    done() {
      if (drawn) io.err('\r' + ' '.repeat(Math.min(100, (process.stderr.columns || 100) - 1)) + '\r');
    },
  };
}
