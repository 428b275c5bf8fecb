/** Messages between {@link InferencePool} and `inferenceWorker.ts` (one per worker thread). */

/** A float32 tensor crossing the thread boundary (its buffer is transferred). */
export interface WireTensor {
  data: Float32Array;
  dims: number[];
}

/** Pool -> worker. */
export type ToWorker =
  /** Create (or replace) session `key` from model bytes. */
  | { type: 'load'; id: number; key: string; model: Uint8Array; intraOpThreads: number }
  /** Run session `key`; reply with the requested outputs. */
  | { type: 'run'; id: number; key: string; feeds: Record<string, WireTensor>; outputs: string[] };

/** Worker -> pool. */
export type FromWorker =
  | { type: 'loaded'; id: number; inputs: string[]; outputs: string[] }
  | { type: 'result'; id: number; outputs: Record<string, WireTensor> }
  | { type: 'error'; id: number; message: string };
