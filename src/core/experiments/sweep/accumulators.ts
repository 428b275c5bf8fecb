/** Per-configuration value buffers of a sweep and the recording of one row's result. */
import { maskedErrorsAt } from '../../metrics/errors';
import type { SweepConfig } from '../../schema/results';
import { isRandomised, type GroupedConfig } from './configGrid';
import type { SweepContext } from './context';

/** Per-row values of one configuration, indexed [seed index * samples + sample]; NaN until the row is recorded (a partial summary leaves it out). */
export interface PointValues {
  mse: Float64Array;
  mae: Float64Array;
  macs: Float64Array;
  active: Float64Array;
  filters: Float64Array;
}

/** One distinct configuration, the seeds it runs and its values. */
export interface Accumulator {
  c: SweepConfig;
  seeds: number[];
  values: PointValues;
}

/** One accumulator per distinct configuration, keyed by its JSON; deterministic ones run seed 0 only. */
export function accumulators(ctx: SweepContext, configs: GroupedConfig[]): Map<string, Accumulator> {
  const unique = new Map<string, Accumulator>();
  for (const { c } of configs) {
    const key = JSON.stringify(c);
    if (unique.has(key)) continue;
    const runSeeds = isRandomised(c) ? ctx.seeds : [0];
    const n = runSeeds.length * ctx.count;
    const unset = () => new Float64Array(n).fill(NaN);
    unique.set(key, { c, seeds: runSeeds, values: { mse: unset(), mae: unset(), macs: unset(), active: unset(), filters: unset() } });
  }
  return unique;
}

/** The masks a row ran with, and its MACs when known in advance (otherwise counted from the masks). */
export interface RowMasks {
  dataMask: ArrayLike<number> | null;
  gates: (ArrayLike<number> | null)[];
  macs?: number;
}

/** Writes one row's errors, MACs and active fractions of sample k into `slot`. */
export function recordRow(ctx: SweepContext, values: PointValues, slot: number, k: number, prediction: Float32Array, masks: RowMasks): void {
  const { ck, yi, plane } = ctx;
  const { dataMask, gates } = masks;
  const e = maskedErrorsAt(prediction, 0, ctx.targets, k * yi, ctx.samples.valid, k * yi, yi);
  values.mse[slot] = e.mse;
  values.mae[slot] = e.mae;
  values.macs[slot] = masks.macs ?? ctx.macsOf(dataMask, gates);
  values.active[slot] = dataMask ? countOnes(dataMask) / plane : 1;
  let fr = 0;
  gates.forEach((m, i) => (fr += m ? countOnes(m) / ck.gateTensors[i].channels : 1));
  values.filters[slot] = gates.length ? fr / gates.length : 1;
}

/** Number of entries > 0.5. */
function countOnes(m: ArrayLike<number>): number {
  let a = 0;
  for (let i = 0; i < m.length; i++) if (m[i] > 0.5) a++;
  return a;
}
