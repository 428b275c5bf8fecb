/**
 * The outputs a command will write, checked before it does any work: a file
 * output must not be a folder, a folder output must be one it may write into
 * (see writeOutputFolder), and none may name an input (checked by the caller
 * with the paths returned here, once the inputs are known).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { checkOutputFolder } from '../core/runs/outputFolder';
import { OutputError } from '../core/runs/outputError';
import type { RolePath } from '../core/runs/outputGuard';

/** One output of a command: what to check now, and the paths it will write (a folder output: the folder and its files). */
export interface PlannedOutput {
  check(): Promise<void>;
  files: RolePath[];
}

/** A file output (`--json out.json`). */
export function fileOutput(role: string, file: string): PlannedOutput {
  return {
    files: [{ role, path: file }],
    async check() {
      const info = await stat(file).catch(() => null);
      if (info?.isDirectory()) throw new OutputError(file, `${role} names a folder, expected a file`);
    },
  };
}

/** A folder output (`--csv DIR`) that writes `names` into `dir`. */
export function folderOutput(role: string, dir: string, names: string[]): PlannedOutput {
  return {
    files: [{ role, path: dir }, ...names.map((n) => ({ role, path: path.join(dir, n) }))],
    check: () => checkOutputFolder(dir, names),
  };
}

/** Runs every output's check; returns the files they will write (for the output-over-input guard). */
export async function checkOutputs(outputs: PlannedOutput[]): Promise<RolePath[]> {
  for (const o of outputs) await o.check();
  return outputs.flatMap((o) => o.files);
}
