/**
 * Robustness and sensitivity sweeps (method spec section 8) by mask injection:
 * Gaussian input noise, data-mask failures, random and static-L1 baselines at
 * matched sparsity / effective MACs, a data-threshold x tau-offset sensitivity
 * sweep with its Pareto front, and the DP-only / MP-only ablation. Every point
 * is a mean with a 95% CI over samples x seeds (deterministic points use one seed).
 * The steps live in ./sweep/: context, clean pass, L1 matching, configuration
 * grid, accumulators, row planning, phases and summary.
 */
import { requireMasks, type Checkpoint } from '../checkpoint/checkpoint';
import type { ModelRunner } from '../runtime/modelRunner';
import type { SampleSet } from '../samples/sampleSet';
import type { SweepResult } from '../schema/results';
import { accumulators } from './sweep/accumulators';
import { runCleanPass } from './sweep/cleanPass';
import { requireTauSupport, sweepConfigs } from './sweep/configGrid';
import { sweepContext } from './sweep/context';
import { matchL1 } from './sweep/l1Match';
import type { SweepOptions } from './sweep/options';
import { runPhases } from './sweep/phases';
import { planInputs, planRows } from './sweep/rowPlan';
import { sweepResult } from './sweep/summary';
import { trainedDensePoint } from './sweep/trainedDensePoint';

export { DEFAULT_SWEEP, type SweepOptions } from './sweep/options';
export { noiseSeed, pointId } from './sweep/ids';

/**
 * Runs the sweep on a checkpoint with mask tensors. Every (configuration x
 * seed x sample) is one row; rows are packed into batches of `batchSize` per
 * graph variant (the exported model, the data-mask/tau cut, the all-masks cut),
 * so a sweep costs a few large onnxruntime calls. Deterministic points run
 * with one seed; noise is seeded per (seed, sigma, sample), so every method
 * sees the same noisy inputs.
 */
export async function sweep(ck: Checkpoint, samples: SampleSet, runner: ModelRunner, opts: SweepOptions): Promise<SweepResult> {
  requireMasks(ck, 'sweep');
  const ctx = sweepContext(ck, samples, runner, opts);
  const clean = await runCleanPass(ctx, opts.onProgress);
  const l1 = matchL1(ctx, clean.ownMacs, opts.baselines.includes('l1'));
  const configs = sweepConfigs(ck, opts, l1.sparsity);
  requireTauSupport(ck, runner, configs);
  const unique = accumulators(ctx, configs);
  const inputs = await planInputs(ctx, configs, clean, l1);
  const plan = planRows(inputs, unique);
  const partial = opts.onPartial && (() => opts.onPartial!(() => sweepResult(ctx, { opts, configs, unique, denseBackboneMacs: inputs.denseBackboneMacs, trainedDense: null })));
  partial?.();
  await runPhases(ctx, plan, opts.onProgress, partial);
  const trainedDense = await trainedDensePoint(ck, samples, runner, opts, ctx.rowsPerCall);
  return sweepResult(ctx, { opts, configs, unique, denseBackboneMacs: inputs.denseBackboneMacs, trainedDense });
}
