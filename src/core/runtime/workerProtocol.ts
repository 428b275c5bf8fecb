/** Messages between {@link InferencePool} and `inferenceWorker.ts` (one per worker thread). */

/** A float32 tensor crossing the thread boundary (its buffer is transferred). */
export interface WireTensor {
  data: Float32Array;
  dims: number[];
}

/**
 * onnxruntime's graph optimisation level of a session: 'all' (the default)
 * for the graphs the engine runs many times; 'disabled' for a graph run once
 * or twice (the clean dense folding's evaluations), whose optimisation would
 * cost more than it saves.
 */
export type GraphOptimization = 'disabled' | 'basic' | 'extended' | 'all';

/** Pool -> worker. */
export type ToWorker =
  /** Create (or replace) session `key` from model bytes (graph optimisation `optimization`, default 'all'). */
  | { type: 'load'; id: number; key: string; model: Uint8Array; intraOpThreads: number; optimization?: GraphOptimization }
  /** Run session `key`; reply with the requested outputs. */
  | { type: 'run'; id: number; key: string; feeds: Record<string, WireTensor>; outputs: string[] };

/** Worker -> pool. */
export type FromWorker =
  | { type: 'loaded'; id: number; inputs: string[]; outputs: string[] }
  | { type: 'result'; id: number; outputs: Record<string, WireTensor> }
  | { type: 'error'; id: number; message: string };
