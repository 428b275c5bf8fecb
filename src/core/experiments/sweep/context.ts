/** What every step of a sweep shares: the checkpoint, the samples, the runner and per-row input writers. */
import type { Checkpoint } from '../../checkpoint/checkpoint';
import type { ModelRunner } from '../../runtime/modelRunner';
import { inputSize, targetSize, type SampleSet } from '../../samples/sampleSet';
import { macCounter } from '../macCounter';
import { addGaussianNoiseInto } from '../random';
import { noiseSeed } from './ids';
import type { SweepOptions } from './options';

/** Writes one row's input window into a batch buffer. */
export type FillInput = (dst: Float32Array, offset: number) => void;

/** Shared state of one sweep run. */
export interface SweepContext {
  ck: Checkpoint;
  samples: SampleSet;
  targets: Float32Array;
  runner: ModelRunner;
  /** H * W */
  plane: number;
  /** Floats per target window. */
  yi: number;
  count: number;
  seeds: number[];
  rowsPerCall: number;
  signal?: AbortSignal;
  macsOf: ReturnType<typeof macCounter>;
  /** The input of sample k: clean, or with seeded Gaussian noise when sigma > 0. */
  inputOf(k: number, sigma: number, seed: number): FillInput;
}

/** Builds the context of a sweep; fails when the samples carry no targets. */
export function sweepContext(ck: Checkpoint, samples: SampleSet, runner: ModelRunner, opts: SweepOptions): SweepContext {
  const targets = samples.targets;
  if (!targets) throw new Error('sweep needs targets: give NetCDF files or an .npz with targets (a bare inputs .npy has none)');
  const [H, W] = ck.spec.grid;
  const xi = inputSize(samples);
  const window = (k: number) => samples.inputs.subarray(k * xi, (k + 1) * xi);
  const clean = (k: number): FillInput => (dst, offset) => dst.set(window(k), offset);
  const noisy = (k: number, sigma: number, seed: number): FillInput => (dst, offset) =>
    addGaussianNoiseInto(window(k), sigma, noiseSeed(seed, sigma, k), dst, offset);
  return {
    ck, samples, targets, runner,
    plane: H * W,
    yi: targetSize(samples),
    count: samples.count,
    seeds: Array.from({ length: Math.max(1, opts.seeds) }, (_, i) => i),
    rowsPerCall: Math.max(1, opts.batchSize ?? 16),
    signal: opts.signal,
    macsOf: macCounter(ck),
    inputOf: (k, sigma, seed) => (sigma > 0 ? noisy(k, sigma, seed) : clean(k)),
  };
}
