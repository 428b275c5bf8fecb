/**
 * The k of each gated unit for the TopK index of the sparse export
 * (src/core/graph/topkIndex.ts): the largest number of active filters of the
 * unit over the calibration samples (its gate run through the checkpoint),
 * rounded up to the runtime's vector width, capped at the unit's filter count.
 */
import type { Checkpoint } from '../checkpoint/checkpoint';
import type { GraphEvaluator } from '../graph/foldOnes';
import { calibratedK } from '../graph/topkIndex';
import type { WireTensor } from '../runtime/workerProtocol';

/** Default vector width: 8 float32 lanes, the AVX2 block onnxruntime's CPU conv kernels work in. */
export const DEFAULT_VECTOR_WIDTH = 8;

/** Per sample of `feeds`, the active filter count (gate > 0) of every gated unit, run through the checkpoint. */
export async function unitActiveCounts(ck: Checkpoint, feeds: Record<string, WireTensor>[], evaluate: GraphEvaluator): Promise<Map<number, number>[]> {
  const names = ck.gateTensors.map((g) => g.mask);
  const out: Map<number, number>[] = [];
  for (const f of feeds) {
    // A copy: an evaluator may transfer (detach) the buffers it is given.
    const copy = Object.fromEntries(Object.entries(f).map(([k, t]) => [k, { data: t.data.slice(), dims: [...t.dims] }]));
    const r = await evaluate(ck.variants.full, copy, names);
    out.push(new Map(ck.gateTensors.map((g) => {
      const d = r[g.mask].data;
      let active = 0;
      for (let i = 0; i < d.length; i++) active += d[i] > 0 ? 1 : 0;
      return [g.unit, active];
    })));
  }
  return out;
}

/** What the TopK calibration found per unit. */
export interface TopkUnitK {
  unit: number;
  channels: number;
  /** Largest active count over the calibration samples. */
  maxActive: number;
  k: number;
}

/** k per gated unit from the active counts of the calibration samples. */
export function topkKs(ck: Checkpoint, counts: Map<number, number>[], vectorWidth: number): TopkUnitK[] {
  return ck.gateTensors.map((g) => {
    const maxActive = counts.reduce((m, c) => Math.max(m, c.get(g.unit) ?? 0), 0);
    return { unit: g.unit, channels: g.channels, maxActive, k: calibratedK(maxActive, vectorWidth, g.channels) };
  });
}

/** The calibrated k of every gated unit of `ck` on `feeds`. */
export async function calibrateTopk(ck: Checkpoint, feeds: Record<string, WireTensor>[], evaluate: GraphEvaluator, vectorWidth = DEFAULT_VECTOR_WIDTH): Promise<TopkUnitK[]> {
  return topkKs(ck, await unitActiveCounts(ck, feeds, evaluate), vectorWidth);
}
