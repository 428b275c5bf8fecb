/** The windows an analysis runs on, in the checkpoint's normalised units. */
import type { DatasetDescription } from '../contract/datasetDescription';
import type { DataGeography } from '../schema/results';

/** What the checkpoint expects of its samples (from the contract, or the graph for plain models). */
export interface SampleSpec {
  tIn: number;
  tOut: number;
  /** Channel names in model order. */
  channels: string[];
  /** [H, W]. */
  grid: [number, number];
  /** Per-channel normalisation in raw units (identity when absent). */
  mean: number[];
  std: number[];
  /** Time ranges [start, end) of the contract's dataset splits. */
  splits: Record<string, [number, number]>;
  /** The checkpoint the spec comes from, named in errors about the spec or its splits. */
  source?: string;
  /** How to find and read the data (the contract's `dataset.description`); absent for the storm data set by file names. */
  description?: DatasetDescription;
}

/** Windows `[N, T, C, H, W]` row-major, normalised; invalid pixels are 0. */
export interface SampleSet {
  count: number;
  tIn: number;
  tOut: number;
  channels: number;
  height: number;
  width: number;
  inputs: Float32Array;
  /** Null when the data carries no targets (e.g. a bare inputs .npy). */
  targets: Float32Array | null;
  /** Validity of target pixels (1 valid); null = all valid. */
  valid: Uint8Array | null;
  /** Validity of input pixels; null = all valid. */
  inputValid: Uint8Array | null;
  /** Time index of each window's first input frame (null for pre-windowed arrays). */
  starts: number[] | null;
  files: string[];
  format: 'netcdf' | 'npy' | 'npz';
  split: string;
  /** Grid coordinates, channel variables and units (samples/geography.ts); absent when not read. */
  geography?: DataGeography | null;
}

/** Elements in one input window. */
export function inputSize(s: SampleSet): number {
  return s.tIn * s.channels * s.height * s.width;
}

/** Elements in one target window. */
export function targetSize(s: SampleSet): number {
  return s.tOut * s.channels * s.height * s.width;
}

/** A subset of samples (copies), e.g. the first N. */
export function takeSamples(s: SampleSet, indices: number[]): SampleSet {
  const xi = inputSize(s);
  const yi = targetSize(s);
  const pick = <T extends Float32Array | Uint8Array>(a: T | null, size: number): T | null => {
    if (!a) return null;
    const out = new (a.constructor as { new (n: number): T })(indices.length * size);
    indices.forEach((k, j) => out.set(a.subarray(k * size, (k + 1) * size), j * size));
    return out;
  };
  return {
    ...s,
    count: indices.length,
    inputs: pick(s.inputs, xi)!,
    targets: pick(s.targets, yi),
    valid: pick(s.valid, yi),
    inputValid: pick(s.inputValid, xi),
    starts: s.starts ? indices.map((k) => s.starts![k]) : null,
  };
}
