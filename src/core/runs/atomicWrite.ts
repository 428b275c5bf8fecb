/**
 * The one write path for every output: a temp file beside the target, then a
 * rename, so a failed or cancelled write leaves an earlier file byte-identical.
 * Targets that are not regular files (a terminal, a pipe, /dev/null, /dev/full)
 * are written in place: renaming over them would replace the device itself.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { chmod, mkdir, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { OutputError, outputErrorOf } from './outputError';

/** Contents of one output file. */
export type FileData = string | Uint8Array;

/** Temp files being written; removed if the process exits before they are renamed (a forced exit). */
const inFlight = new Set<string>();
process.once('exit', () => inFlight.forEach((t) => rmSync(t, { force: true })));

/** A name beside `file` that no other writer uses. */
export function tempPathBeside(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** Writes `data` to `file` atomically (creates its folder; a link is followed). Throws {@link OutputError}. */
export async function writeFileAtomic(file: string, data: FileData): Promise<void> {
  const existing = await stat(file).catch(() => null);
  if (existing?.isDirectory()) throw new OutputError(file, 'is a folder, expected a file');
  if (existing && !existing.isFile()) return writeInPlace(file, data);
  const target = existing ? await realpath(file) : path.resolve(file);
  try {
    await mkdir(path.dirname(target), { recursive: true });
    const tmp = await writeTemp(target, data, existing?.mode);
    await renameInto(tmp, target);
  } catch (error) {
    throw error instanceof OutputError ? new OutputError(file, error.reason) : outputErrorOf(file, error);
  }
}

/** Writes `data` into a temp file beside `file` (with `mode` if given); returns its path. */
export async function writeTemp(file: string, data: FileData, mode?: number): Promise<string> {
  const tmp = tempPathBeside(file);
  inFlight.add(tmp);
  try {
    await writeFile(tmp, data, { flag: 'wx' });
    if (mode !== undefined) await chmod(tmp, mode & 0o7777);
    return tmp;
  } catch (error) {
    await rm(tmp, { force: true });
    inFlight.delete(tmp);
    throw outputErrorOf(file, error);
  }
}

/** Renames a finished temp file onto `file` (the temp is removed on failure). */
export async function renameInto(tmp: string, file: string): Promise<void> {
  try {
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw outputErrorOf(file, error);
  } finally {
    inFlight.delete(tmp);
  }
}

async function writeInPlace(file: string, data: FileData): Promise<void> {
  try {
    await writeFile(file, data);
  } catch (error) {
    throw outputErrorOf(file, error);
  }
}
