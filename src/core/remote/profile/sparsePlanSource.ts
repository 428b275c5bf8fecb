/**
 * Where the profiled `sparse` variant gets its per-unit plan
 * (`profile --sparse-plan calibrate|none|FILE.onnx`): calibrated on each
 * profiled host before it is timed there (the default), every gatherable unit
 * gathered without timing (`none`), or the plan recorded in an already
 * exported sparse model of the same checkpoint (`FILE.onnx`).
 */
import { promises as fs } from 'node:fs';
import type { Checkpoint } from '../../checkpoint/checkpoint';
import { EXPORT_METADATA_KEY, type ExportRecord } from '../../export/exportVariant';
import { readSparsePlan, type SparsePlan } from '../../export/sparsePlan';
import { gatherGatedChannels } from '../../graph/channelGather';
import { decodeModel } from '../../onnx/reader';

/** How the sparse variant's plan is found. */
export type SparsePlanSource = { kind: 'calibrate'; rounds: number } | { kind: 'none' } | { kind: 'file'; file: string };

/** Timed rounds over the calibration samples when not told otherwise (those of `export --calibrate`). */
export const SPARSE_PLAN_ROUNDS = 5;

/** `--sparse-plan` as given: 'calibrate', 'none', or a file ending in .onnx; throws naming the flag. */
export function parseSparsePlanSource(value: string, rounds = SPARSE_PLAN_ROUNDS): SparsePlanSource {
  const v = value.trim();
  if (v === 'calibrate') return { kind: 'calibrate', rounds };
  if (v === 'none') return { kind: 'none' };
  if (/\.onnx$/i.test(v)) return { kind: 'file', file: v };
  throw new Error(`--sparse-plan: expected 'calibrate', 'none' or an exported sparse model FILE.onnx, found '${value}'`);
}

/** The export record of a model, or null. */
function exportRecord(file: string, raw: string | undefined): ExportRecord | null {
  if (raw === undefined) return null;
  try {
    return JSON.parse(raw) as ExportRecord;
  } catch {
    throw new Error(`${file}: metadata '${EXPORT_METADATA_KEY}': expected JSON, found ${raw.slice(0, 60)}`);
  }
}

/**
 * The plan recorded in `file`, checked against `ck`: a sparse export
 * (`dynapruner export --variant sparse`) of this very checkpoint (same
 * sha256) whose plan names exactly the checkpoint's gatherable units.
 */
export async function recordedSparsePlan(ck: Checkpoint, file: string): Promise<SparsePlan> {
  const bytes = await fs.readFile(file).catch((error: unknown) => {
    throw new Error(`--sparse-plan ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  });
  const model = decodeModel(file, new Uint8Array(bytes));
  const record = exportRecord(file, model.metadata_props?.find((p) => p.key === EXPORT_METADATA_KEY)?.value);
  if (record?.variant !== 'sparse') throw new Error(`--sparse-plan ${file}: metadata '${EXPORT_METADATA_KEY}'.variant: expected 'sparse' (a dynapruner export --variant sparse file), found ${record ? `'${record.variant}'` : 'no export record'}`);
  if (record.sourceSha256 !== ck.ref.sha256) throw new Error(`--sparse-plan ${file}: metadata '${EXPORT_METADATA_KEY}'.sourceSha256: expected ${ck.ref.sha256} (${ck.ref.name}), found ${record.sourceSha256} (${record.source})`);
  const plan = readSparsePlan(model);
  if (!plan) throw new Error(`--sparse-plan ${file}: no plan in metadata 'dynapruner.sparse_plan' (exported by an older version?)`);
  const expected = gatherGatedChannels(ck).report.gatheredUnits.join(',');
  const found = plan.units.map((u) => u.unit).join(',');
  if (found !== expected) throw new Error(`--sparse-plan ${file}: plan units: expected ${expected}, found ${found}`);
  return plan;
}
