/**
 * A private system temp folder for one test file: `os.tmpdir()` (which
 * reads TMPDIR on every call) points into a fresh folder, so what the
 * tests leave behind there can be listed exactly, even while other test
 * processes use the real temp folder at the same time.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface PrivateTmp {
  /** The folder os.tmpdir() now returns. */
  dir: string;
  /** Entries named `dynapruner-*` still in it. */
  leftovers(): string[];
  /** Restores TMPDIR and removes the folder. */
  restore(): void;
}

/** Points os.tmpdir() at a new folder under the current temp folder until `restore()`. */
export function usePrivateTmp(): PrivateTmp {
  const previous = process.env.TMPDIR;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dynapruner-private-tmp-'));
  process.env.TMPDIR = dir;
  return {
    dir,
    leftovers: () => readdirSync(dir).filter((name) => name.startsWith('dynapruner-')),
    restore: () => {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
