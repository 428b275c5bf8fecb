/**
 * A folder output (e.g. `sweep --csv DIR`) writes only the files it owns: a
 * new or empty folder, or one holding nothing but files of the same names from
 * an earlier run. Anything else in it is the user's and the folder is refused.
 * Every file is written to a temp beside it first; they are renamed in only
 * when all were written, so a failure changes none of them.
 */
import { mkdir, readdir, rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { renameInto, writeTemp, type FileData } from './atomicWrite';
import { OutputError, outputErrorOf } from './outputError';

/** How many foreign entries a refusal names. */
const NAMED_ENTRIES = 3;

function checkNames(names: string[]): void {
  const bad = names.find((n) => n !== path.basename(n) || n === '.' || n === '..' || n === '');
  if (bad !== undefined) throw new Error(`output folder file names must be plain names, got '${bad}'`);
}

/** Throws {@link OutputError} unless `dir` may receive `names` without touching anything else. */
export async function checkOutputFolder(dir: string, names: string[]): Promise<void> {
  checkNames(names);
  const info = await stat(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw outputErrorOf(dir, error);
  });
  if (!info) return;
  if (!info.isDirectory()) throw new OutputError(dir, 'exists and is not a folder (give a new or empty folder)');
  const owned = new Set(names);
  const entries = await readdir(dir, { withFileTypes: true }).catch((error) => {
    throw outputErrorOf(dir, error);
  });
  const foreign = entries.filter((e) => !(owned.has(e.name) && e.isFile())).map((e) => e.name).sort();
  if (foreign.length === 0) return;
  const shown = foreign.slice(0, NAMED_ENTRIES).join(', ') + (foreign.length > NAMED_ENTRIES ? `, ... (${foreign.length} in all)` : '');
  throw new OutputError(dir, `the folder already holds other files (${shown}); give a new or empty folder`);
}

/** Writes `files` (plain names) into `dir` after {@link checkOutputFolder}; nothing else in it is touched. */
export async function writeOutputFolder(dir: string, files: Record<string, FileData>): Promise<void> {
  const names = Object.keys(files);
  await checkOutputFolder(dir, names);
  const created = await mkdir(dir, { recursive: true }).catch((error) => {
    throw outputErrorOf(dir, error);
  });
  const temps: string[] = [];
  try {
    for (const name of names) temps.push(await writeTemp(path.join(dir, name), files[name]));
    for (const [i, name] of names.entries()) await renameInto(temps[i], path.join(dir, name));
  } catch (error) {
    await Promise.all(temps.map((t) => rm(t, { force: true })));
    if (created !== undefined) await rmdir(dir).catch(() => undefined);
    throw error;
  }
}
