/**
 * The one store of saved runs (run, sweep, report and profile records):
 * `<runs folder>/<id>/run.json` plus the result files, listed by the Runs view.
 * A run folder is written under a hidden temporary name and renamed into place,
 * so it appears complete or not at all; an id already taken (two saves in the
 * same second) gets a `-2`, `-3`, ... suffix instead of replacing that run.
 */
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DataRef, ModelRef, RunRecord } from '../schema/results';
import { RESULTS_SCHEMA_VERSION } from '../schema/results';
import type { FileData } from './atomicWrite';
import { outputErrorOf } from './outputError';

/** How many suffixed ids a save tries before it gives up. */
const MAX_ID_ATTEMPTS = 1000;

/** Folder of saved runs below a workspace root. */
export function runsFolder(root: string): string {
  return path.join(root, '.dynapruner', 'runs');
}

/** `yyyymmdd-hhmmss` in local time. */
export function runStamp(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}${p(date.getMonth() + 1)}${p(date.getDate())}-${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`;
}

/** A run id: `<yyyymmdd-hhmmss>-<command>-<model stem>`. */
export function runId(command: string, model: Pick<ModelRef, 'name'>, date = new Date()): string {
  return `${runStamp(date)}-${command}-${model.name.replace(/\.onnx$/i, '').replace(/[^A-Za-z0-9_.-]/g, '_')}`;
}

/** What a caller knows about a run before it is saved. */
export interface RunInit {
  command: string;
  model: ModelRef;
  data: DataRef | null;
  args: string[];
  durationSeconds: number;
  summary: RunRecord['summary'];
  /** Preferred id (default {@link runId}); a taken one gets a suffix. */
  id?: string;
  createdAt?: Date;
}

/** The files of a run, or a function of its final record (for files that embed the id). */
export type RunFiles = Record<string, FileData> | ((record: RunRecord) => Record<string, FileData>);

/** Saves a run below a workspace root; returns its folder and record. */
export async function saveRun(root: string, init: RunInit, files: RunFiles): Promise<{ folder: string; record: RunRecord }> {
  return saveRunIn(runsFolder(root), init, files);
}

/** Saves a run into a runs folder; never replaces an existing run. */
export async function saveRunIn(runsDir: string, init: RunInit, files: RunFiles): Promise<{ folder: string; record: RunRecord }> {
  const created = init.createdAt ?? new Date();
  const base = init.id ?? runId(init.command, init.model, created);
  await mkdir(runsDir, { recursive: true }).catch((error) => {
    throw outputErrorOf(runsDir, error);
  });
  const taken = new Set(await readdir(runsDir));
  for (let k = 1; k <= MAX_ID_ATTEMPTS; k++) {
    const id = k === 1 ? base : `${base}-${k}`;
    if (taken.has(id)) continue;
    const record = recordOf(init, id, created);
    const contents = typeof files === 'function' ? files(record) : files;
    record.files = Object.keys(contents);
    const folder = path.join(runsDir, id);
    if (await placeFolder(folder, { ...contents, 'run.json': JSON.stringify(record, null, 2) })) return { folder, record };
    taken.add(id);
  }
  throw outputErrorOf(path.join(runsDir, base), new Error(`${MAX_ID_ATTEMPTS} runs with this id already exist`));
}

function recordOf(init: RunInit, id: string, created: Date): RunRecord {
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    kind: 'run',
    id,
    command: init.command,
    createdAt: created.toISOString(),
    durationSeconds: init.durationSeconds,
    model: init.model,
    data: init.data,
    args: init.args,
    files: [],
    summary: init.summary,
  };
}

/**
 * Writes `files` into a hidden folder beside `folder` and renames it into
 * place. Resolves false (nothing left behind) when `folder` was taken meanwhile.
 */
async function placeFolder(folder: string, files: Record<string, FileData>): Promise<boolean> {
  const tmp = path.join(path.dirname(folder), `.${path.basename(folder)}.partial-${process.pid}-${Date.now()}`);
  try {
    await mkdir(tmp, { recursive: true });
    for (const [name, data] of Object.entries(files)) {
      const target = path.join(tmp, name);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, data, { flag: 'wx' });
    }
    await rename(tmp, folder);
    return true;
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    const code = (error as { code?: string }).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
    throw outputErrorOf(folder, error);
  }
}
