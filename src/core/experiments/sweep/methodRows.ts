/** Per-method row planners: the rows one (configuration, seed, sample) needs and how their results are recorded. */
import { flipActive, randomMask, threshold } from '../maskOps';
import { recordRow } from './accumulators';
import type { PlanInputs, PlannedRow, RowPlan } from './planTypes';

/** Adds the rows of one planned row to the phases of its method. */
export function planRow(inputs: PlanInputs, plan: RowPlan, row: PlannedRow): void {
  switch (row.c.method) {
    case 'dense': return planDense(inputs, plan, row);
    case 'l1': return planL1(inputs, plan, row);
    case 'random': return planRandom(inputs, plan, row);
    case 'dp_only':
    case 'mp_only': return planAblation(inputs, plan, row);
    case 'dynapruner': return planDynaPruner(inputs, plan, row);
  }
}

/** Dense: every mask one, on the clean dense graph (or the all-cut graph), at the backbone's MACs. */
function planDense({ ctx, denseVariant, allOnes, denseBackboneMacs }: PlanInputs, plan: RowPlan, { values, slot, k, fillInput }: PlannedRow): void {
  plan.phases[denseVariant].push({ fillInput, gates: allOnes, done: (r) => recordRow(ctx, values, slot, k, r.prediction, { dataMask: null, gates: allOnes, macs: denseBackboneMacs }) });
}

/** Static L1: the matched L1 gates with the data mask all ones. */
function planL1({ ctx, l1, l1Macs }: PlanInputs, plan: RowPlan, { values, slot, k, fillInput }: PlannedRow): void {
  const gates = l1.gates;
  plan.phases.allCut.push({ fillInput, gates, done: (r) => recordRow(ctx, values, slot, k, r.prediction, { dataMask: null, gates, macs: l1Macs }) });
}

/** Random: masks drawn at the checkpoint's mean active pixels and channels (data mask flipped at the failure rate). */
function planRandom({ ctx, clean }: PlanInputs, plan: RowPlan, { c, values, slot, k, fillInput, next }: PlannedRow): void {
  const { ck, plane } = ctx;
  let dm = ck.hasDataMask ? randomMask(1, plane, clean.meanActive, next) : null;
  if (dm && c.failureRate > 0) dm = flipActive(dm, 1, c.failureRate, next);
  const gates = ck.gateTensors.map((g, i) => randomMask(1, g.channels, Math.max(1, clean.meanUnitActive[i]), next));
  plan.phases.allCut.push({ fillInput, dataMask: dm, gates, done: (r) => recordRow(ctx, values, slot, k, r.prediction, { dataMask: dm, gates }) });
}

/** DP only / MP only: the checkpoint's own data mask or gates alone (from a noisy full pass when sigma > 0). */
function planAblation({ ctx, allOnes }: PlanInputs, plan: RowPlan, { c, values, slot, k, fillInput, own }: PlannedRow): void {
  const inject = (f: { dataMask: Float32Array | null; gates: Float32Array[] }) => {
    const dm = c.method === 'dp_only' ? f.dataMask : null;
    const gates = c.method === 'mp_only' ? f.gates : allOnes;
    plan.phases.allCut.push({ fillInput, dataMask: dm, gates, done: (r) => recordRow(ctx, values, slot, k, r.prediction, { dataMask: dm, gates }) });
  };
  if (c.noiseSigma > 0) plan.phases.full.push({ fillInput, done: (r) => inject(r) });
  else inject(own);
}

/** Dyna-Pruner: its own masks (recorded from the clean pass when clean), or a re-thresholded / failed / tau-offset cascade. */
function planDynaPruner(inputs: PlanInputs, plan: RowPlan, row: PlannedRow): void {
  const { c, values, slot, k, fillInput, own } = row;
  const ownPoint = c.failureRate === 0 && c.dataThreshold === null && c.tauOffset === 0;
  if (ownPoint && c.noiseSigma === 0) {
    recordRow(inputs.ctx, values, slot, k, own.prediction, { dataMask: own.dataMask, gates: own.gates });
    plan.immediate++;
    return;
  }
  if (ownPoint) {
    plan.phases.full.push({ fillInput, done: (r) => recordRow(inputs.ctx, values, slot, k, r.prediction, { dataMask: r.dataMask, gates: r.gates }) });
    return;
  }
  if (c.noiseSigma > 0) plan.phases.full.push({ fillInput, done: (r) => planCascade(inputs, plan, row, r) });
  else planCascade(inputs, plan, row, own);
}

/** The cascade from a base pass: data mask (re-thresholded, failed), then the gates at offset tau, then optional gate failure. */
function planCascade({ ctx, tauVariant, graphTaus }: PlanInputs, plan: RowPlan, row: PlannedRow, base: { dataMask: Float32Array | null; importance: Float32Array | null }): void {
  const { c, values, slot, k, fillInput, next } = row;
  const resolved = c.dataThreshold !== null && base.importance ? threshold(base.importance, c.dataThreshold) : base.dataMask;
  const dm = resolved && c.failureRate > 0 ? flipActive(resolved, 1, c.failureRate, next) : resolved;
  const taus = graphTaus.map((t) => t + c.tauOffset);
  const variant = c.tauOffset === 0 && tauVariant === 'dataCut' ? 'dataCut' : tauVariant;
  plan.phases[variant].push({
    fillInput, dataMask: dm, taus,
    done: (r) => {
      if (c.gateFailure && c.failureRate > 0) {
        const gates = r.gates.map((m) => flipActive(m, 1, c.failureRate, next));
        plan.phases.allCut.push({ fillInput, dataMask: dm, gates, done: (q) => recordRow(ctx, values, slot, k, q.prediction, { dataMask: dm, gates }) });
      } else {
        recordRow(ctx, values, slot, k, r.prediction, { dataMask: dm, gates: r.gates });
      }
    },
  });
}
