/** Saved runs under `<root>/.dynapruner/runs/<id>/` (run.json plus result files), listed by the Runs view. */
import path from 'node:path';
import type { DataRef, ModelRef, RunRecord } from '../schema/results';
import { RESULTS_SCHEMA_VERSION } from '../schema/results';
import { writeFolderAtomic } from './atomicWrite';

/** Folder of saved runs below a workspace root. */
export function runsFolder(root: string): string {
  return path.join(root, '.dynapruner', 'runs');
}

/** A run id: `<yyyymmdd-hhmmss>-<command>-<model stem>`. */
export function runId(command: string, model: ModelRef, date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${date.getFullYear()}${p(date.getMonth() + 1)}${p(date.getDate())}-${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`;
  return `${stamp}-${command}-${model.name.replace(/\.onnx$/i, '').replace(/[^A-Za-z0-9_.-]/g, '_')}`;
}

/** Saves a run atomically; returns its folder. */
export async function saveRun(
  root: string,
  init: { command: string; model: ModelRef; data: DataRef | null; args: string[]; durationSeconds: number; summary: RunRecord['summary'] },
  files: Record<string, string | Uint8Array>,
): Promise<{ folder: string; record: RunRecord }> {
  const id = runId(init.command, init.model);
  const record: RunRecord = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    kind: 'run',
    id,
    command: init.command,
    createdAt: new Date().toISOString(),
    durationSeconds: init.durationSeconds,
    model: init.model,
    data: init.data,
    args: init.args,
    files: Object.keys(files),
    summary: init.summary,
  };
  const folder = path.join(runsFolder(root), id);
  await writeFolderAtomic(folder, { ...files, 'run.json': JSON.stringify(record, null, 2) });
  return { folder, record };
}
