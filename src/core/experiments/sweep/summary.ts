/** The sweep summary: one SweepPoint estimate per configuration, the Pareto front, the tables and the SweepResult. */
import { estimate } from '../../metrics/stats';
import { RESULTS_SCHEMA_VERSION, type SweepPoint, type SweepResult, type TrainedDensePoint } from '../../schema/results';
import { dataRef } from '../analyze';
import { paperTables } from '../tables';
import type { Accumulator } from './accumulators';
import type { GroupedConfig, SweepGroup } from './configGrid';
import type { SweepContext } from './context';
import { pointId } from './ids';
import type { SweepOptions } from './options';

/** Mean and 95% CI of every value of each distinct configuration, keyed like the accumulators. */
export function sweepPoints(unique: Map<string, Accumulator>): Map<string, SweepPoint> {
  const points = new Map<string, SweepPoint>();
  for (const [key, { c, seeds: runSeeds, values }] of unique) {
    points.set(key, {
      id: pointId(c),
      config: c,
      seeds: runSeeds,
      mse: estimate(Array.from(values.mse)),
      mae: estimate(Array.from(values.mae)),
      effectiveMacs: estimate(Array.from(values.macs)),
      activeFraction: estimate(Array.from(values.active)),
      filterFraction: estimate(Array.from(values.filters)),
    });
  }
  return points;
}

/** Ids of the points no other point beats on both mean MSE and mean effective MACs. */
export function paretoFront(points: SweepPoint[]): string[] {
  const dominates = (q: SweepPoint, p: SweepPoint) =>
    q.mse.mean <= p.mse.mean && q.effectiveMacs.mean <= p.effectiveMacs.mean && (q.mse.mean < p.mse.mean || q.effectiveMacs.mean < p.effectiveMacs.mean);
  return points.filter((p) => !points.some((q) => q !== p && dominates(q, p))).map((p) => p.id);
}

/** What the summary needs besides the context and grid. */
export interface SummaryInputs {
  opts: SweepOptions;
  configs: GroupedConfig[];
  unique: Map<string, Accumulator>;
  denseBackboneMacs: number;
  trainedDense: TrainedDensePoint | null;
}

/** Assembles the SweepResult, sections in grid order, and its paper tables. */
export function sweepResult(ctx: SweepContext, { opts, configs, unique, denseBackboneMacs, trainedDense }: SummaryInputs): SweepResult {
  const points = sweepPoints(unique);
  const groups: Record<SweepGroup, SweepPoint[]> = { noise: [], failure: [], sensitivity: [], ablation: [] };
  for (const { group, c } of configs) groups[group].push(points.get(JSON.stringify(c))!);
  const sens = groups.sensitivity;
  const emptyTable = () => ({ title: '', columns: [], rows: [] });
  const result: SweepResult = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    kind: 'sweep',
    createdAt: new Date().toISOString(),
    model: ctx.ck.ref,
    data: dataRef(ctx.samples),
    denseMacs: ctx.ck.denseMacs,
    denseBackboneMacs,
    seeds: ctx.seeds,
    grids: { noise: opts.noise, failure: opts.failure, baselines: opts.baselines, dataThresholds: opts.dataThresholds, tauOffsets: opts.tauOffsets },
    noise: groups.noise,
    failure: groups.failure,
    sensitivity: { points: sens, pareto: paretoFront(sens) },
    ablation: groups.ablation,
    trainedDense,
    tables: { table1: emptyTable(), table2: emptyTable(), table3: emptyTable(), table4: emptyTable() },
  };
  result.tables = paperTables(result);
  return result;
}
