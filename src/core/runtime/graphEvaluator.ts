/**
 * A {@link GraphEvaluator} over an InferencePool: graph transforms (clean
 * dense folding) run the models they inspect through the same workers as the
 * engine. Models are registered by content hash, so evaluating one model at
 * several batch sizes creates its session once.
 */
import { createHash } from 'node:crypto';
import type { GraphEvaluator } from '../graph/foldOnes';
import type { InferencePool } from './inferencePool';
import type { GraphOptimization } from './workerProtocol';

/**
 * Evaluates models in `pool` under keys `<prefix>:eval:<sha256>`; their
 * sessions get graph optimisation `optimization` (default onnxruntime's 'all').
 */
export function poolEvaluator(pool: InferencePool, prefix: string, signal?: AbortSignal, optimization?: GraphOptimization): GraphEvaluator {
  const registered = new Set<string>();
  return async (model, feeds, outputs) => {
    const key = `${prefix}:eval:${createHash('sha256').update(model).digest('hex').slice(0, 16)}`;
    if (!registered.has(key)) pool.register(key, model, undefined, optimization);
    registered.add(key);
    return pool.run(key, feeds, outputs, signal);
  };
}
