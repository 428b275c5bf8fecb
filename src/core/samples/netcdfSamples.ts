/**
 * Samples from NetCDF files, one per channel, windowed like the trainer:
 * chronological windows of t_in + t_out steps inside one split, normalised
 * with the checkpoint's per-channel mean and std.
 */
import path from 'node:path';
import type { BudgetMeter } from './budget';
import { SampleDataError } from './errors';
import { readGridVariable, type GridVariable } from './netcdf';
import type { SampleSet, SampleSpec } from './sampleSet';

/** Lower-case file stem without the NCL `storm` suffix (`U500storm.cdf` -> `u500`). */
function stemOf(v: GridVariable): string {
  return path.basename(v.file).replace(/\.[^.]+$/, '').toLowerCase().replace(/storm$/, '');
}

/**
 * Orders NetCDF variables as the model's channels. Each file is matched by its
 * stem (`Pstorm.cdf` -> p), else by the name of its variable; a file that
 * matches no channel, two files for one channel, or a file whose name and
 * variable name different channels (`Tstorm.cdf` holding `p`; `U500storm.cdf`
 * holding `u` is the level's short name and passes) is refused naming it.
 */
export function matchChannels(vars: GridVariable[], channels: string[]): GridVariable[] {
  if (vars.length !== channels.length) {
    throw new SampleDataError('', `the checkpoint expects ${channels.length} channels (${channels.join(', ')}), found ${vars.length} data files: ${vars.map((v) => path.basename(v.file)).join(', ')}`);
  }
  const lower = channels.map((c) => c.toLowerCase());
  const byChannel = new Map<number, GridVariable>();
  for (const v of vars) {
    const byStem = lower.indexOf(stemOf(v));
    const byName = lower.indexOf(v.name.toLowerCase());
    if (byStem >= 0 && byName >= 0 && byName !== byStem && !lower[byStem].startsWith(v.name.toLowerCase())) {
      throw new SampleDataError(v.file, `the file name says channel '${channels[byStem]}', but its variable is '${v.name}' (channel '${channels[byName]}')`);
    }
    const c = byStem >= 0 ? byStem : byName;
    if (c < 0) {
      throw new SampleDataError(v.file, `variable '${v.name}' matches none of the checkpoint's channels (${channels.join(', ')}) by file name or variable name`);
    }
    const other = byChannel.get(c);
    if (other) throw new SampleDataError(v.file, `is channel '${channels[c]}' (variable '${v.name}'), and so is ${other.file}: give one file per channel`);
    byChannel.set(c, v);
  }
  return channels.map((_, c) => byChannel.get(c)!);
}

function checkAgree(ordered: GridVariable[], spec: SampleSpec): number {
  const [H, W] = spec.grid;
  const T = ordered[0].shape[0];
  for (const v of ordered) {
    if (v.shape[1] !== H || v.shape[2] !== W) {
      throw new SampleDataError(v.file, `grid of '${v.name}' is ${v.shape[1]}x${v.shape[2]}, the checkpoint expects ${H}x${W}`);
    }
    if (v.shape[0] !== T) throw new SampleDataError(v.file, `'${v.name}' has ${v.shape[0]} time steps, ${path.basename(ordered[0].file)} has ${T}`);
  }
  return T;
}

/** Start steps of every window inside the split. */
function windowStarts(spec: SampleSpec, split: string, T: number, file: string): number[] {
  const range: [number, number] | undefined = split === 'all' ? [0, T] : spec.splits[split];
  if (!range) throw new SampleDataError(spec.source ?? '', `the checkpoint's dataset has no '${split}' split (has: ${Object.keys(spec.splits).join(', ') || 'none'})`);
  if (range[1] > T) {
    throw new SampleDataError(file, `too few time steps: the '${split}' split needs steps ${range[0]}..${range[1] - 1}, the file has ${T}`);
  }
  const win = spec.tIn + spec.tOut;
  const starts: number[] = [];
  for (let s = range[0]; s + win <= range[1]; s++) starts.push(s);
  if (starts.length === 0) {
    throw new SampleDataError(file, `too few time steps: the '${split}' split [${range[0]}, ${range[1]}) holds ${range[1] - range[0]} steps, a window needs t_in + t_out = ${win}`);
  }
  return starts;
}

/** The normalised series [T, C, H, W] and its validity. */
function normalisedSeries(ordered: GridVariable[], spec: SampleSpec, T: number): { series: Float32Array; valid: Uint8Array } {
  const C = ordered.length;
  const plane = spec.grid[0] * spec.grid[1];
  const series = new Float32Array(T * C * plane);
  const valid = new Uint8Array(T * C * plane);
  ordered.forEach((v, c) => {
    const mean = spec.mean[c];
    const std = spec.std[c];
    for (let t = 0; t < T; t++) {
      const src = t * plane;
      const dst = (t * C + c) * plane;
      for (let i = 0; i < plane; i++) {
        const ok = v.valid[src + i];
        valid[dst + i] = ok;
        series[dst + i] = ok ? (v.values[src + i] - mean) / std : 0;
      }
    }
  });
  return { series, valid };
}

/** Loads and windows NetCDF files (one per channel). */
export async function loadNetcdf(files: string[], spec: SampleSpec, split: string, meter: BudgetMeter): Promise<SampleSet> {
  const vars: GridVariable[] = [];
  for (const f of files) vars.push(await readGridVariable(f, undefined, meter));
  const ordered = matchChannels(vars, spec.channels);
  const T = checkAgree(ordered, spec);
  const starts = windowStarts(spec, split, T, ordered[0].file);
  const [H, W] = spec.grid;
  const C = ordered.length;
  const frame = C * H * W;
  const n = starts.length;
  meter.reserve(ordered[0].file, T * frame * 5 + n * (spec.tIn + spec.tOut) * frame * 10, `${n} windows of ${spec.tIn} + ${spec.tOut} steps`);
  const { series, valid: seriesValid } = normalisedSeries(ordered, spec, T);
  const inputs = new Float32Array(n * spec.tIn * frame);
  const inputValid = new Uint8Array(n * spec.tIn * frame);
  const targets = new Float32Array(n * spec.tOut * frame);
  const valid = new Uint8Array(n * spec.tOut * frame);
  starts.forEach((s, k) => {
    const mid = s + spec.tIn;
    const end = mid + spec.tOut;
    inputs.set(series.subarray(s * frame, mid * frame), k * spec.tIn * frame);
    inputValid.set(seriesValid.subarray(s * frame, mid * frame), k * spec.tIn * frame);
    targets.set(series.subarray(mid * frame, end * frame), k * spec.tOut * frame);
    valid.set(seriesValid.subarray(mid * frame, end * frame), k * spec.tOut * frame);
  });
  return {
    count: n, tIn: spec.tIn, tOut: spec.tOut, channels: C, height: H, width: W,
    inputs, targets, valid, inputValid, starts, files: ordered.map((v) => v.file), format: 'netcdf', split,
  };
}
