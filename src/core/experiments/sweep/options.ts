/** Options of a sweep and their defaults (method spec section 8). */
import type { Checkpoint } from '../../checkpoint/checkpoint';
import type { ProgressFn } from '../../runtime/modelRunner';
import type { MaskMethod, SweepResult } from '../../schema/results';

/** Sweep grids and options. */
export interface SweepOptions {
  noise: number[];
  failure: number[];
  /** Baselines besides Dyna-Pruner itself: any of dense, random, l1. */
  baselines: MaskMethod[];
  /** Number of seeds (0..n-1). */
  seeds: number;
  dataThresholds: number[];
  tauOffsets: number[];
  /** Also flip gates at the failure rate. */
  gateFailure: boolean;
  /** Run the DP-only / MP-only / dense ablation points (default true). */
  ablation?: boolean;
  /** Rows (sample x configuration x seed) per inference call (default 16). */
  batchSize?: number;
  /** The trained dense checkpoint for Table I: 'auto' (default) finds `<backbone>_dense.onnx` beside it; null: none. */
  trainedDense?: Checkpoint | null | 'auto';
  signal?: AbortSignal;
  onProgress?: ProgressFn;
  /**
   * Called each time rows finish, with a summary of the rows recorded so far
   * (rows still to run are left out of each estimate; no trained dense point).
   * The summary is built when called: throttle the calls.
   */
  onPartial?: (summary: () => SweepResult) => void;
}

/** Defaults of method spec section 8. */
export const DEFAULT_SWEEP: Omit<SweepOptions, 'signal' | 'onProgress'> = {
  noise: [0, 0.01, 0.02, 0.05, 0.1],
  failure: [0, 0.05, 0.1, 0.2],
  baselines: ['dense', 'random', 'l1'],
  seeds: 3,
  dataThresholds: [0.3, 0.4, 0.5, 0.6, 0.7],
  tauOffsets: [-0.1, 0, 0.1],
  gateFailure: false,
  batchSize: 16,
};
