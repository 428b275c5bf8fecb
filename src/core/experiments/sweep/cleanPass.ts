/** The clean pass: the checkpoint's own masks on every sample (for matched baselines, ablation and sensitivity). */
import type { ProgressFn } from '../../runtime/modelRunner';
import { runRows, type RowJob } from '../../runtime/rowBatches';
import type { SweepContext } from './context';

/** The checkpoint's own outputs on one clean sample. */
export interface OwnSample {
  prediction: Float32Array;
  dataMask: Float32Array | null;
  importance: Float32Array | null;
  gates: Float32Array[];
}

/** The clean pass's per-sample outputs and their means. */
export interface CleanPass {
  own: OwnSample[];
  /** Mean active pixels per sample (the whole plane without a data mask). */
  meanActive: number;
  /** Mean active channels of each gate tensor. */
  meanUnitActive: number[];
  /** Mean effective MACs of the checkpoint's own masks. */
  ownMacs: number;
}

/** Runs every clean sample through the exported model and averages its masks and MACs. */
export async function runCleanPass(ctx: SweepContext, onProgress?: ProgressFn): Promise<CleanPass> {
  const { ck, count } = ctx;
  onProgress?.(0, 'clean pass');
  const own: OwnSample[] = new Array(count);
  const cleanJobs: RowJob[] = Array.from({ length: count }, (_, k) => ({
    fillInput: ctx.inputOf(k, 0, 0),
    done: (o) => (own[k] = { prediction: o.prediction, dataMask: o.dataMask, importance: o.importance, gates: o.gates }),
  }));
  await runRows(ctx.runner, 'full', cleanJobs, { rowsPerCall: ctx.rowsPerCall, signal: ctx.signal });
  let activeSum = 0;
  const unitActive = ck.gateTensors.map(() => 0);
  let ownMacs = 0;
  for (const o of own) {
    if (o.dataMask) for (const v of o.dataMask) activeSum += v;
    o.gates.forEach((m, i) => m.forEach((v) => (unitActive[i] += v)));
    ownMacs += ctx.macsOf(o.dataMask, o.gates);
  }
  return {
    own,
    meanActive: ck.hasDataMask ? activeSum / count : ctx.plane,
    meanUnitActive: unitActive.map((v) => v / count),
    ownMacs: ownMacs / count,
  };
}
