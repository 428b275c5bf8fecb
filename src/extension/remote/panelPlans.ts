/**
 * The sparse plans of a run, for the Orin panel: the plan the run's own
 * `sparse` variant was built with (saved with the result; calibrated on the
 * profiled host), and the plan a profiled model file records (`export
 * --variant sparse --calibrate`, metadata 'dynapruner.sparse_plan'): the
 * checkpoint itself, or a `--compare-with` model beside it (the run names it
 * by file name and sha256; a file that is not there, or whose bytes differ
 * from what ran, gives nothing).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readSparsePlan, type SparsePlan } from '../../core/export/sparsePlan';
import { decodeModel } from '../../core/onnx/reader';
import type { ProfileResult, VariantProfile } from '../../core/schema/profileResult';
import type { PanelSparsePlan } from '../../shared/remoteProtocol';

/** The local file a variant ran from, when the run names one. */
function localFile(r: ProfileResult, v: VariantProfile): string | null {
  if (v.id === 'ckpt') return r.checkpoint.path;
  if (v.id.startsWith('cmp-')) return path.join(path.dirname(r.checkpoint.path), path.basename(v.label));
  return null;
}

/** What the panel shows of a plan. */
function summary(plan: SparsePlan, source: PanelSparsePlan['source']): PanelSparsePlan {
  const m = plan.measured;
  return {
    source,
    measuredOn: m.calibrate === 'none' ? 'not calibrated' : `${m.calibrate} (${m.device}, ${m.runtime})`,
    gatheredUnits: plan.units.filter((u) => u.form === 'gathered').length,
    units: plan.units.length,
    denseUnits: plan.units.filter((u) => u.form === 'dense').map((u) => u.unit),
    ratio: plan.endToEnd?.ratio ?? null,
    verdict: plan.verdict,
  };
}

/** Variant id -> its sparse plan: saved with the run, or recorded in its model file when that is here and unchanged. */
export async function recordedSparsePlans(r: ProfileResult): Promise<Map<string, PanelSparsePlan>> {
  const out = new Map<string, PanelSparsePlan>();
  for (const v of r.variants) {
    if (v.sparsePlan) {
      out.set(v.id, summary(v.sparsePlan, 'run'));
      continue;
    }
    const file = localFile(r, v);
    const bytes = file ? await readFile(file).catch(() => null) : null;
    if (!file || !bytes || createHash('sha256').update(bytes).digest('hex') !== v.sha256) continue;
    const plan = readSparsePlan(decodeModel(file, bytes));
    if (plan) out.set(v.id, summary(plan, 'file'));
  }
  return out;
}
