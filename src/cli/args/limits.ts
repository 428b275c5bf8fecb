/**
 * Upper bounds of the numeric flags: large enough for any real use, small
 * enough that a typo cannot take the machine's memory or hang a command.
 */
import type { Range } from './values';

/** onnxruntime intra-op threads per worker. */
export const THREADS: Range = { min: 1, max: 64, why: 'more threads than cores only slows inference down' };
/** Inference worker threads. */
export const WORKERS: Range = { min: 1, max: 32, why: 'each worker holds its own copy of the model' };
/** Samples per inference call. */
export const BATCH: Range = { min: 1, max: 1024, why: 'a batch is held in memory at once' };
/** Windows taken from the data. */
export const SAMPLES: Range = { min: 1, max: 100_000 };
/** Seeds of the randomised sweep points. */
export const SEEDS: Range = { min: 1, max: 1000, why: 'every seed repeats each randomised configuration on every sample' };
/** Rows (configurations x seeds) a sweep may run per sample. */
export const SWEEP_ROWS_PER_SAMPLE = 20_000;
/** Timed inferences per variant on a device. */
export const ITERATIONS: Range = { min: 1, max: 100_000 };
/** Untimed warm-up inferences. */
export const WARMUP: Range = { min: 0, max: 10_000 };
/** Samples run one by one on a device. */
export const PER_SAMPLE: Range = { min: 1, max: 10_000 };
/** SSH connect time-out in milliseconds. */
export const CONNECT_TIMEOUT_MS: Range = { min: 100, max: 600_000, why: 'ten minutes' };
