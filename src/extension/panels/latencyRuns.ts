/**
 * Latency measurements as saved runs (`command: 'latency'`, result in
 * `latency.json`, schema `dynapruner.layer-latency`), through the core run
 * store (atomic, never replaces a run), and read back for a restored FLOPs
 * panel without measuring again.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { saveRunIn } from '../../core/runs/runStore';
import { LAYER_LATENCY_SCHEMA, LAYER_LATENCY_SCHEMA_VERSION, type LayerLatencyResult } from '../../core/schema/layerLatency';
import type { RunRecord } from '../../core/schema/results';
import type { LatencyRun } from '../engine/engineClient';

/** Result file of a latency run. */
export const LATENCY_FILE = 'latency.json';

/** Saves a measurement as a run; returns its folder. */
export async function saveLatencyRun(runsDir: string, run: LatencyRun, durationSeconds: number, args: string[]): Promise<{ dir: string; record: RunRecord }> {
  const ckpt = run.latency.variants.find((v) => v.variant === 'ckpt');
  const mean = ckpt && ckpt.perSampleMacs.length ? ckpt.perSampleMacs.reduce((a, b) => a + b, 0) / ckpt.perSampleMacs.length : null;
  const summary: RunRecord['summary'] = { samples: run.latency.samples.count, denseMacs: run.denseMacs, meanEffectiveMacs: mean, mse: null, auc: null };
  const saved = await saveRunIn(runsDir, { command: 'latency', model: run.model, data: run.data, args, durationSeconds, summary }, { [LATENCY_FILE]: JSON.stringify(run.latency) });
  return { dir: saved.folder, record: saved.record };
}

/** Reads a latency run's result; the error names the file and what it expected. */
export async function readLatencyRun(dir: string): Promise<LayerLatencyResult> {
  const file = path.join(dir, LATENCY_FILE);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: not a readable latency result (${(e as Error).message})`);
  }
  const r = parsed as Partial<LayerLatencyResult> | null;
  if (r?.schema !== LAYER_LATENCY_SCHEMA || r.schemaVersion !== LAYER_LATENCY_SCHEMA_VERSION) {
    throw new Error(`${file}: expected schema '${LAYER_LATENCY_SCHEMA}' version ${LAYER_LATENCY_SCHEMA_VERSION}, found '${String(r?.schema)}' version ${String(r?.schemaVersion)}`);
  }
  if (!Array.isArray(r.variants) || !Array.isArray(r.model)) throw new Error(`${file}: expected arrays 'variants' and 'model', found ${typeof r.variants} and ${typeof r.model}`);
  return r as LayerLatencyResult;
}
