/**
 * The engine's latency measurement (what `dynapruner latency` does), for the
 * FLOPs panel's Latency view: the checkpoint's first test windows, every
 * requested variant profiled node by node on onnxruntime-node (CPU, 1 thread,
 * batch 1) and the latency model fitted on them. Progress follows the phases
 * of the measurement (building each variant, then profiling them interleaved).
 */
import type { Checkpoint } from '../../core/checkpoint/checkpoint';
import { layerLatency } from '../../core/experiments/layerLatency';
import { poolEvaluator } from '../../core/runtime/graphEvaluator';
import type { InferencePool } from '../../core/runtime/inferencePool';
import type { ModelRunner } from '../../core/runtime/modelRunner';
import type { LayerLatencyResult } from '../../core/schema/layerLatency';
import type { SampleSet } from '../../core/samples/sampleSet';
import type { LatencyCall } from './engineClient';

/** Fraction of the job done when a phase starts: building the variants takes the first 30%, profiling the rest. */
export function phaseFraction(phase: string, variants: string[]): number {
  const built = /^building (\S+)/.exec(phase);
  if (built) return 0.05 + (0.25 * Math.max(0, variants.indexOf(built[1]))) / Math.max(1, variants.length);
  return phase.startsWith('profiling') ? 0.3 : 0.05;
}

/** Measures the variants of an opened checkpoint on loaded samples. */
export function measureLatency(ck: Checkpoint, samples: SampleSet, pool: InferencePool, runner: ModelRunner, call: Omit<LatencyCall, 'checkpoint' | 'maxSamples' | 'workers' | 'split'>): Promise<LayerLatencyResult> {
  return layerLatency(ck, samples, {
    variants: call.variants,
    iterations: call.iterations,
    warmup: call.warmup,
    evaluate: poolEvaluator(pool, 'latency', call.signal),
    runner,
    samplesSource: `${samples.count} ${samples.split} windows of ${call.dataFiles.join(', ')}`,
    signal: call.signal,
    onProgress: (phase) => call.onProgress(phaseFraction(phase, call.variants), phase),
  });
}
