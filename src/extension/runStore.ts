/**
 * Saved runs under `.dynapruner/runs/<id>/`: `run.json` (the engine's
 * {@link RunRecord}) plus result files. A run is written into a hidden
 * temporary folder and renamed into place at the end, so a cancelled or
 * failed job never leaves a partial run behind.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Analysis, RunRecord, SweepResult } from '../core/schema/results';
import { RESULTS_SCHEMA_VERSION } from '../core/schema/results';

/** A run as listed in the Runs tree. */
export interface SavedRun {
  dir: string;
  record: RunRecord;
}

function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** Saves an analysis or sweep as a run; returns its folder. */
export async function saveRun(
  runsDir: string,
  command: 'run' | 'sweep',
  result: Analysis | SweepResult,
  durationSeconds: number,
  args: string[],
): Promise<SavedRun> {
  const created = new Date();
  const modelStem = result.model.name.replace(/\.onnx$/i, '').replace(/[^A-Za-z0-9_.-]/g, '_');
  let id = `${stamp(created)}-${command}-${modelStem}`;
  const fileName = command === 'run' ? 'analysis.json' : 'sweep.json';
  const analysis = result.kind === 'analysis' ? result : null;
  const record: RunRecord = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    kind: 'run',
    id,
    command,
    createdAt: created.toISOString(),
    durationSeconds,
    model: result.model,
    data: result.data,
    args,
    files: [fileName],
    summary: {
      samples: analysis ? analysis.samples.length : 0,
      denseMacs: result.denseMacs,
      meanEffectiveMacs: analysis ? analysis.aggregates.effectiveMacs.mean : null,
      mse: analysis?.aggregates.mse?.mean ?? null,
      auc: analysis?.aggregates.auc?.mean ?? null,
    },
  };
  await mkdir(runsDir, { recursive: true });
  const existing = new Set(await readdir(runsDir));
  for (let k = 2; existing.has(id); k++) id = `${record.id}-${k}`;
  record.id = id;
  const tmp = path.join(runsDir, `.${id}.partial`);
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp);
  try {
    await writeFile(path.join(tmp, fileName), JSON.stringify(result));
    await writeFile(path.join(tmp, 'run.json'), JSON.stringify(record, null, 2));
    const dir = path.join(runsDir, id);
    await rename(tmp, dir);
    return { dir, record };
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Lists the saved runs (newest first); unreadable folders are skipped. */
export async function listRuns(runsDir: string): Promise<SavedRun[]> {
  let names: string[];
  try {
    names = await readdir(runsDir);
  } catch {
    return [];
  }
  const runs: SavedRun[] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const dir = path.join(runsDir, name);
    try {
      const record = JSON.parse(await readFile(path.join(dir, 'run.json'), 'utf8')) as RunRecord;
      if (record.kind === 'run') runs.push({ dir, record });
    } catch {
      // Not a run folder (or being written).
    }
  }
  return runs.sort((a, b) => b.record.createdAt.localeCompare(a.record.createdAt));
}

/** Reads a run and its result file. */
export async function readRun(dir: string): Promise<{ record: RunRecord; analysis: Analysis | null; sweep: SweepResult | null }> {
  const file = path.join(dir, 'run.json');
  let record: RunRecord;
  try {
    record = JSON.parse(await readFile(file, 'utf8')) as RunRecord;
  } catch (e) {
    throw new Error(`${file}: not a readable run record (${(e as Error).message})`);
  }
  if (record.schemaVersion !== RESULTS_SCHEMA_VERSION) throw new Error(`${file}: schemaVersion ${record.schemaVersion}, this extension reads ${RESULTS_SCHEMA_VERSION}`);
  const read = async <T>(name: string): Promise<T | null> => (record.files.includes(name) ? (JSON.parse(await readFile(path.join(dir, name), 'utf8')) as T) : null);
  return { record, analysis: await read<Analysis>('analysis.json'), sweep: await read<SweepResult>('sweep.json') };
}
