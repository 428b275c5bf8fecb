/**
 * Loads analysis samples from NetCDF files (one per channel, windowed like the
 * trainer: chronological, inside one split), from `.npy` (pre-windowed
 * `[N, T_in, C, H, W]` inputs, optional `*.targets.npy` beside them) or from
 * `.npz` (`inputs`/`x`, optional `targets`/`y`, `valid`).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SampleDataError } from './errors';
import { readGridVariable, type GridVariable } from './netcdf';
import { parseNpy, type NpyArray } from './npy';
import { parseNpz } from './npz';
import type { SampleSet, SampleSpec } from './sampleSet';

/** Options of {@link loadSamples}. */
export interface LoadOptions {
  /** Split of the contract's dataset to window (default `test`; `all` = every step). */
  split?: string;
}

/** Loads samples from `files` (all NetCDF, or one .npy/.npz with optional targets .npy). */
export async function loadSamples(files: string[], spec: SampleSpec, options: LoadOptions = {}): Promise<SampleSet> {
  if (files.length === 0) throw new SampleDataError('', 'no data files given (--data)');
  const ext = (f: string) => path.extname(f).toLowerCase();
  if (files.every((f) => ext(f) === '.npy')) return loadNpy(files, spec);
  if (files.length === 1 && ext(files[0]) === '.npz') return loadNpz(files[0], spec);
  if (files.some((f) => ext(f) === '.npy' || ext(f) === '.npz')) {
    throw new SampleDataError('', `mixed data files: give NetCDF files (one per channel) or one .npz or .npy inputs (+ targets): ${files.join(', ')}`);
  }
  return loadNetcdf(files, spec, options.split ?? 'test');
}

/** Orders NetCDF variables as the model's channels: by file stem (`Pstorm` -> p), else by variable name, else as given. */
function matchChannels(vars: GridVariable[], channels: string[]): GridVariable[] {
  if (vars.length !== channels.length) {
    throw new SampleDataError('', `the checkpoint expects ${channels.length} channels (${channels.join(', ')}), found ${vars.length} data files: ${vars.map((v) => path.basename(v.file)).join(', ')}`);
  }
  const stem = (v: GridVariable) => path.basename(v.file).replace(/\.[^.]+$/, '').toLowerCase().replace(/storm$/, '');
  const byStem = channels.map((c) => vars.filter((v) => stem(v) === c.toLowerCase()));
  if (byStem.every((m) => m.length === 1)) return byStem.map((m) => m[0]);
  const byName = channels.map((c) => vars.filter((v) => v.name.toLowerCase() === c.toLowerCase()));
  if (byName.every((m) => m.length === 1)) return byName.map((m) => m[0]);
  return vars;
}

async function loadNetcdf(files: string[], spec: SampleSpec, split: string): Promise<SampleSet> {
  const vars = await Promise.all(files.map((f) => readGridVariable(f)));
  const ordered = matchChannels(vars, spec.channels);
  const [H, W] = spec.grid;
  const T = ordered[0].shape[0];
  for (const v of ordered) {
    if (v.shape[1] !== H || v.shape[2] !== W) {
      throw new SampleDataError(v.file, `grid of '${v.name}' is ${v.shape[1]}x${v.shape[2]}, the checkpoint expects ${H}x${W}`);
    }
    if (v.shape[0] !== T) throw new SampleDataError(v.file, `'${v.name}' has ${v.shape[0]} time steps, ${path.basename(ordered[0].file)} has ${T}`);
  }
  const range: [number, number] = split === 'all' ? [0, T] : spec.splits[split];
  if (!range) throw new SampleDataError('', `the checkpoint's dataset has no '${split}' split (has: ${Object.keys(spec.splits).join(', ') || 'none'})`);
  const win = spec.tIn + spec.tOut;
  if (range[1] > T) {
    throw new SampleDataError(ordered[0].file, `too few time steps: the '${split}' split needs steps ${range[0]}..${range[1] - 1}, the file has ${T}`);
  }
  const starts: number[] = [];
  for (let s = range[0]; s + win <= range[1]; s++) starts.push(s);
  if (starts.length === 0) {
    throw new SampleDataError('', `too few time steps: the '${split}' split [${range[0]}, ${range[1]}) holds ${range[1] - range[0]} steps, a window needs t_in + t_out = ${win}`);
  }
  const C = ordered.length;
  const plane = H * W;
  // Normalised full series [T, C, H, W].
  const series = new Float32Array(T * C * plane);
  const seriesValid = new Uint8Array(T * C * plane);
  ordered.forEach((v, c) => {
    const mean = spec.mean[c] ?? 0;
    const std = spec.std[c] || 1;
    for (let t = 0; t < T; t++) {
      const src = t * plane;
      const dst = (t * C + c) * plane;
      for (let i = 0; i < plane; i++) {
        const ok = v.valid[src + i];
        seriesValid[dst + i] = ok;
        series[dst + i] = ok ? (v.values[src + i] - mean) / std : 0;
      }
    }
  });
  const frame = C * plane;
  const n = starts.length;
  const inputs = new Float32Array(n * spec.tIn * frame);
  const inputValid = new Uint8Array(n * spec.tIn * frame);
  const targets = new Float32Array(n * spec.tOut * frame);
  const valid = new Uint8Array(n * spec.tOut * frame);
  starts.forEach((s, k) => {
    inputs.set(series.subarray(s * frame, (s + spec.tIn) * frame), k * spec.tIn * frame);
    inputValid.set(seriesValid.subarray(s * frame, (s + spec.tIn) * frame), k * spec.tIn * frame);
    targets.set(series.subarray((s + spec.tIn) * frame, (s + win) * frame), k * spec.tOut * frame);
    valid.set(seriesValid.subarray((s + spec.tIn) * frame, (s + win) * frame), k * spec.tOut * frame);
  });
  return {
    count: n, tIn: spec.tIn, tOut: spec.tOut, channels: C, height: H, width: W,
    inputs, targets, valid, inputValid, starts, files: ordered.map((v) => v.file), format: 'netcdf', split,
  };
}

/** Checks a pre-windowed array `[N, T, C, H, W]` against the spec. */
function checkWindowArray(a: NpyArray, label: string, t: number, what: string, spec: SampleSpec): number {
  const [H, W] = spec.grid;
  const C = spec.channels.length;
  const s = a.shape;
  if (s.length !== 5) throw new SampleDataError(label, `${what} must be [N, ${t}, ${C}, ${H}, ${W}], found shape [${s.join(', ')}]`);
  if (s[1] !== t) throw new SampleDataError(label, `${what} has ${s[1]} time steps per window, the checkpoint expects ${t}`);
  if (s[2] !== C) throw new SampleDataError(label, `${what} has ${s[2]} channels, the checkpoint expects ${C} (${spec.channels.join(', ')})`);
  if (s[3] !== H || s[4] !== W) throw new SampleDataError(label, `${what} grid is ${s[3]}x${s[4]}, the checkpoint expects ${H}x${W}`);
  return s[0];
}

/** NaN/inf become 0 with validity 0; throws when nothing is valid. */
function cleanNonFinite(data: Float32Array, label: string): Uint8Array | null {
  let bad = 0;
  const valid = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    if (Number.isFinite(data[i])) valid[i] = 1;
    else {
      data[i] = 0;
      bad++;
    }
  }
  if (bad === data.length) throw new SampleDataError(label, 'has no valid value (every value is NaN or infinite)');
  return bad > 0 ? valid : null;
}

function and(a: Uint8Array | null, b: Uint8Array | null): Uint8Array | null {
  if (!a) return b;
  if (!b) return a;
  return a.map((v, i) => v & b[i]);
}

async function readNpy(file: string): Promise<NpyArray> {
  const bytes = await readFile(file).catch((e: Error) => {
    throw new SampleDataError(file, `cannot read: ${e.message}`);
  });
  return parseNpy(bytes, file);
}

function windowSet(spec: SampleSpec, inputs: NpyArray, inLabel: string, targets: NpyArray | null, tLabel: string, validArr: NpyArray | null, files: string[], format: 'npy' | 'npz'): SampleSet {
  const n = checkWindowArray(inputs, inLabel, spec.tIn, 'inputs', spec);
  const inputValid = cleanNonFinite(inputs.data, inLabel);
  let valid: Uint8Array | null = null;
  if (targets) {
    const m = checkWindowArray(targets, tLabel, spec.tOut, 'targets', spec);
    if (m !== n) throw new SampleDataError(tLabel, `holds ${m} target windows, the inputs hold ${n}`);
    valid = cleanNonFinite(targets.data, tLabel);
    if (validArr) {
      if (validArr.data.length !== targets.data.length) throw new SampleDataError(tLabel, `'valid' has ${validArr.data.length} values, targets have ${targets.data.length}`);
      valid = and(valid, Uint8Array.from(validArr.data, (v) => (v !== 0 ? 1 : 0)));
      for (let i = 0; i < valid!.length; i++) if (!valid![i]) targets.data[i] = 0;
    }
  }
  const [H, W] = spec.grid;
  return {
    count: n, tIn: spec.tIn, tOut: spec.tOut, channels: spec.channels.length, height: H, width: W,
    inputs: inputs.data, targets: targets?.data ?? null, valid, inputValid, starts: null,
    files: files.map((f) => path.resolve(f)), format, split: 'all',
  };
}

/** `.npy` files by role: `*inputs.npy` (or the first), `*targets.npy` (or the second), `*valid.npy`. */
async function loadNpy(files: string[], spec: SampleSpec): Promise<SampleSet> {
  if (files.length > 3) throw new SampleDataError('', `give one inputs .npy and optionally a targets .npy and a valid .npy, got ${files.length} files`);
  const role = (f: string) => (/inputs?\.npy$/i.test(f) ? 'inputs' : /targets?\.npy$/i.test(f) ? 'targets' : /valid\.npy$/i.test(f) ? 'valid' : null);
  const byRole = new Map<string, string>();
  const rest: string[] = [];
  for (const f of files) {
    const r = role(f);
    if (r && !byRole.has(r)) byRole.set(r, f);
    else rest.push(f);
  }
  for (const r of ['inputs', 'targets']) if (!byRole.has(r) && rest.length > 0) byRole.set(r, rest.shift()!);
  const inputFile = byRole.get('inputs')!;
  const targetFile = byRole.get('targets');
  const validFile = byRole.get('valid');
  if (validFile && !targetFile) throw new SampleDataError(validFile, 'a valid .npy needs a targets .npy beside it');
  const inputs = await readNpy(inputFile);
  const targets = targetFile ? await readNpy(targetFile) : null;
  const valid = validFile ? await readNpy(validFile) : null;
  return windowSet(spec, inputs, inputFile, targets, targetFile ?? '', valid, files, 'npy');
}

async function loadNpz(file: string, spec: SampleSpec): Promise<SampleSet> {
  const bytes = await readFile(file).catch((e: Error) => {
    throw new SampleDataError(file, `cannot read: ${e.message}`);
  });
  const arrays = parseNpz(bytes, file);
  const inputs = arrays.get('inputs') ?? arrays.get('x');
  if (!inputs) throw new SampleDataError(file, `no 'inputs' (or 'x') array; found: ${[...arrays.keys()].join(', ')}`);
  const targets = arrays.get('targets') ?? arrays.get('y') ?? null;
  return windowSet(spec, inputs, `${file}[inputs]`, targets, `${file}[targets]`, arrays.get('valid') ?? null, [file], 'npz');
}
