/**
 * Saved runs under `.dynapruner/runs/<id>/`: `run.json` (the engine's
 * {@link RunRecord}) plus result files, saved by the core run store
 * (src/core/runs/runStore.ts: a hidden temporary folder renamed into place,
 * so a cancelled or failed job never leaves a partial run behind).
 */
import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Analysis, RunRecord, SweepResult } from '../core/schema/results';
import { RESULTS_SCHEMA_VERSION } from '../core/schema/results';
import { saveRunIn } from '../core/runs/runStore';

/** A run as listed in the Runs tree. */
export interface SavedRun {
  dir: string;
  record: RunRecord;
}

/** Saves an analysis or sweep as a run (the core run store: atomic, collision-safe ids); returns its folder. */
export async function saveRun(
  runsDir: string,
  command: 'run' | 'sweep',
  result: Analysis | SweepResult,
  durationSeconds: number,
  args: string[],
): Promise<SavedRun> {
  const fileName = command === 'run' ? 'analysis.json' : 'sweep.json';
  const analysis = result.kind === 'analysis' ? result : null;
  const summary: RunRecord['summary'] = {
    samples: analysis ? analysis.samples.length : 0,
    denseMacs: result.denseMacs,
    meanEffectiveMacs: analysis ? analysis.aggregates.effectiveMacs.mean : null,
    mse: analysis?.aggregates.mse?.mean ?? null,
    auc: analysis?.aggregates.auc?.mean ?? null,
  };
  const saved = await saveRunIn(runsDir, { command, model: result.model, data: result.data, args, durationSeconds, summary }, { [fileName]: JSON.stringify(result) });
  return { dir: saved.folder, record: saved.record };
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
