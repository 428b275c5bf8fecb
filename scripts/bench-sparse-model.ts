/**
 * The latency-model part of `npm run bench:sparse`: `dynapruner latency`'s
 * per-layer profile and model (1 thread, batch 1) on the bench samples, and
 * per variant the mean per-sample prediction error against the measured
 * latency (target within 15%).
 */
import type { Checkpoint } from '../src/core/checkpoint/checkpoint';
import { layerLatency } from '../src/core/experiments/layerLatency';
import type { GraphEvaluator } from '../src/core/graph/foldOnes';
import { InferencePool } from '../src/core/runtime/inferencePool';
import { ModelRunner } from '../src/core/runtime/modelRunner';
import { loadSamples } from '../src/core/samples/load';
import { takeSamples } from '../src/core/samples/sampleSet';

/** One line per variant: mean |predicted - measured| / measured over the samples, and whether it meets 15%. */
export async function benchLatencyModel(ck: Checkpoint, inputs: string, evaluate: GraphEvaluator, count = 8, iterations = 8): Promise<string> {
  let samples = await loadSamples([inputs], ck.spec, {});
  if (samples.count > count) samples = takeSamples(samples, Array.from({ length: count }, (_, i) => i));
  const pool = new InferencePool({ size: 1, intraOpThreads: 1 });
  try {
    const r = await layerLatency(ck, samples, { variants: ['ckpt', 'dense', 'l1c', 'sparse'], iterations, warmup: 2, evaluate, runner: new ModelRunner(ck, pool), samplesSource: inputs });
    const lines = r.model.map((m) => {
      const err = m.meanAbsPctError;
      return `  ${m.variant.padEnd(7)} mean per-sample error ${err.toFixed(1).padStart(5)}%  ${err <= 15 ? 'within 15%' : 'NOT within 15%'}`;
    });
    return [`latency model (1 thread, ${samples.count} samples x ${iterations} profiled rounds; profile scale ${r.profileScale.toFixed(3)}; sparse = every unit gathered):`, ...lines].join('\n');
  } finally {
    await pool.close();
  }
}
