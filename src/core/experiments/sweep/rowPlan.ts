/** Row planning: which RowJob rows each configuration needs, per graph variant phase. */
import { sampleMacs } from '../analyze';
import { mixSeed, rng } from '../random';
import type { Accumulator } from './accumulators';
import type { CleanPass } from './cleanPass';
import type { GroupedConfig } from './configGrid';
import type { SweepContext } from './context';
import { pointId } from './ids';
import type { L1Match } from './l1Match';
import { planRow } from './methodRows';
import type { PlanInputs, PlannedRow, RowPlan } from './planTypes';

/** Chooses the graph variants and fixed MACs the planners use. */
export async function planInputs(ctx: SweepContext, configs: GroupedConfig[], clean: CleanPass, l1: L1Match): Promise<PlanInputs> {
  const { ck, runner, macsOf } = ctx;
  const denseVariant = configs.some(({ c }) => c.method === 'dense') && !(await runner.cleanDenseAvailable(ctx.signal)) ? 'allCut' : 'cleanDense';
  const allOnes = ck.gateTensors.map(() => null);
  return {
    ctx, clean, l1, denseVariant, allOnes,
    tauVariant: runner.has('tauCut') ? 'tauCut' : 'dataCut',
    denseBackboneMacs: macsOf(null, allOnes) - sampleMacs(ck, null, allOnes).overhead,
    l1Macs: macsOf(null, l1.gates),
    graphTaus: (ck.gateThresholds ?? []).map((t) => t.tau),
  };
}

/** Plans every (configuration x seed x sample) row into its phase. */
export function planRows(inputs: PlanInputs, unique: Map<string, Accumulator>): RowPlan {
  const { ctx, clean } = inputs;
  const plan: RowPlan = { phases: { full: [], tauCut: [], dataCut: [], allCut: [], cleanDense: [] }, immediate: 0 };
  for (const { c, seeds: runSeeds, values } of unique.values()) {
    const id = pointId(c);
    runSeeds.forEach((seed, si) => {
      for (let k = 0; k < ctx.count; k++) {
        const row: PlannedRow = {
          c, values, k,
          slot: si * ctx.count + k,
          next: rng(mixSeed(seed, id, k)),
          fillInput: ctx.inputOf(k, c.noiseSigma, seed),
          own: clean.own[k],
        };
        planRow(inputs, plan, row);
      }
    });
  }
  return plan;
}
