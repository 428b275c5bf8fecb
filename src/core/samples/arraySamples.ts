/**
 * Samples from pre-windowed arrays: `.npy` files by role (`*inputs.npy`,
 * `*targets.npy`, `*valid.npy`) or one `.npz` (`inputs`/`x`, `targets`/`y`,
 * `valid`). Every array's header is checked against the checkpoint before its
 * data is read; only these members of an `.npz` are read.
 */
import path from 'node:path';
import type { BudgetMeter } from './budget';
import { SampleDataError } from './errors';
import { readNpyFile, type NpyArray, type NpyHeader } from './npy';
import { readNpz, type NpzRole } from './npz';
import type { SampleSet, SampleSpec } from './sampleSet';

type Role = 'inputs' | 'targets' | 'valid';

/** Checks a window array's shape `[N, T, C, H, W]` against the spec; returns N. */
function checkWindowShape(s: number[], label: string, role: Role, spec: SampleSpec): number {
  const [H, W] = spec.grid;
  const C = spec.channels.length;
  const t = role === 'inputs' ? spec.tIn : spec.tOut;
  const what = role === 'valid' ? "'valid'" : role;
  if (s.length !== 5) throw new SampleDataError(label, `${what} must be [N, ${t}, ${C}, ${H}, ${W}], found shape [${s.join(', ')}]`);
  if (s[1] !== t) throw new SampleDataError(label, `${what} has ${s[1]} time steps per window, the checkpoint expects ${t}`);
  if (s[2] !== C) throw new SampleDataError(label, `${what} has ${s[2]} channels, the checkpoint expects ${C} (${spec.channels.join(', ')})`);
  if (s[3] !== H || s[4] !== W) throw new SampleDataError(label, `${what} grid is ${s[3]}x${s[4]}, the checkpoint expects ${H}x${W}`);
  if (s[0] === 0) throw new SampleDataError(label, `${what} holds no windows (shape [${s.join(', ')}])`);
  return s[0];
}

/** NaN/inf become 0 with validity 0; throws when nothing is valid. The validity array is counted in the budget. */
function cleanNonFinite(data: Float32Array, label: string, meter: BudgetMeter): Uint8Array | null {
  meter.reserve(label, data.length, 'the validity of each value');
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

interface Labelled {
  array: NpyArray;
  label: string;
}

function windowSet(spec: SampleSpec, meter: BudgetMeter, inputs: Labelled, targets: Labelled | null, validArr: Labelled | null, files: string[], format: 'npy' | 'npz'): SampleSet {
  const n = inputs.array.shape[0];
  const inputValid = cleanNonFinite(inputs.array.data, inputs.label, meter);
  let valid: Uint8Array | null = null;
  if (targets) {
    const m = targets.array.shape[0];
    if (m !== n) throw new SampleDataError(targets.label, `holds ${m} target windows, the inputs hold ${n}`);
    valid = cleanNonFinite(targets.array.data, targets.label, meter);
    if (validArr) {
      if (validArr.array.shape[0] !== m) throw new SampleDataError(validArr.label, `'valid' holds ${validArr.array.shape[0]} windows, the targets hold ${m}`);
      valid = and(valid, Uint8Array.from(validArr.array.data, (v) => (v !== 0 ? 1 : 0)));
      for (let i = 0; i < valid!.length; i++) if (!valid![i]) targets.array.data[i] = 0;
    }
  }
  const [H, W] = spec.grid;
  return {
    count: n, tIn: spec.tIn, tOut: spec.tOut, channels: spec.channels.length, height: H, width: W,
    inputs: inputs.array.data, targets: targets?.array.data ?? null, valid, inputValid, starts: null,
    files: files.map((f) => path.resolve(f)), format, split: 'all',
  };
}

function roleOfName(f: string): Role | null {
  if (/inputs?\.npy$/i.test(f)) return 'inputs';
  if (/targets?\.npy$/i.test(f)) return 'targets';
  if (/valid\.npy$/i.test(f)) return 'valid';
  return null;
}

/** `.npy` files by role: `*inputs.npy` (or the first), `*targets.npy` (or the second), `*valid.npy`. */
function npyRoles(files: string[]): Map<Role, string> {
  if (files.length > 3) throw new SampleDataError('', `give one inputs .npy and optionally a targets .npy and a valid .npy, got ${files.length}: ${files.join(', ')}`);
  const byRole = new Map<Role, string>();
  const rest: string[] = [];
  for (const f of files) {
    const r = roleOfName(f);
    if (r && !byRole.has(r)) byRole.set(r, f);
    else rest.push(f);
  }
  for (const r of ['inputs', 'targets'] as const) if (!byRole.has(r) && rest.length > 0) byRole.set(r, rest.shift()!);
  if (rest.length > 0) throw new SampleDataError(rest[0], `has no role: name .npy files *inputs.npy, *targets.npy and *valid.npy`);
  const validFile = byRole.get('valid');
  if (validFile && !byRole.has('targets')) throw new SampleDataError(validFile, 'a valid .npy needs a targets .npy beside it');
  return byRole;
}

/** Loads `.npy` inputs (+ targets, + valid). */
export async function loadNpy(files: string[], spec: SampleSpec, meter: BudgetMeter): Promise<SampleSet> {
  const byRole = npyRoles(files);
  const read = async (role: Role): Promise<Labelled | null> => {
    const file = byRole.get(role);
    if (!file) return null;
    const array = await readNpyFile(file, meter, (h: NpyHeader) => checkWindowShape(h.shape, file, role, spec));
    return { array, label: file };
  };
  const inputs = (await read('inputs'))!;
  return windowSet(spec, meter, inputs, await read('targets'), await read('valid'), files, 'npy');
}

const NPZ_ROLES: NpzRole[] = [
  { role: 'inputs', names: ['inputs', 'x'] },
  { role: 'targets', names: ['targets', 'y'] },
  { role: 'valid', names: ['valid'] },
];

/** Loads one `.npz`: reads only its inputs/x, targets/y and valid members. */
export async function loadNpz(file: string, spec: SampleSpec, meter: BudgetMeter): Promise<SampleSet> {
  const { arrays, members } = await readNpz(file, NPZ_ROLES, meter, (role, label, h) => checkWindowShape(h.shape, label, role as Role, spec));
  const inputs = arrays.get('inputs');
  if (!inputs) throw new SampleDataError(file, `no 'inputs' (or 'x') array; found: ${members.join(', ') || 'no members'}`);
  const targets = arrays.get('targets');
  const valid = arrays.get('valid');
  if (valid && !targets) throw new SampleDataError(`${file}[valid]`, "a 'valid' array needs a 'targets' array beside it");
  const label = (role: string) => `${file}[${role}]`;
  return windowSet(
    spec,
    meter,
    { array: inputs, label: label('inputs') },
    targets ? { array: targets, label: label('targets') } : null,
    valid ? { array: valid, label: label('valid') } : null,
    [file],
    'npz',
  );
}
