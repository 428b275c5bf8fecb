/**
 * The data set description a checkpoint records in `dataset.description`
 * (docs/spec/dataset.md, "In the checkpoint contract"): the resolved form,
 * every key explicit, `root` relative to the checkpoint's folder. Parsed and
 * checked here; every problem is one line naming the checkpoint and the key.
 */

/** A fixed position on an extra (level, member) dimension: by index or by coordinate value. */
export type DimensionSelect = { index: number } | { value: number | string };

/** One variable of a files entry, read as one channel. */
export interface DescribedVariable {
  name: string;
  channel: string;
  select: Record<string, DimensionSelect>;
  normalisation: 'zscore' | 'log1p';
}

/** A files entry: the matched files (concatenated along time) and their variables. */
export interface DescribedFiles {
  path: string[];
  format: string;
  formats: string[];
  select: Record<string, DimensionSelect>;
  variables: DescribedVariable[];
}

/** The land-sea (or any validity) mask: a 2-D field on the data's grid. */
export interface DescribedMask {
  file: string;
  variable: string | null;
  valid: 'nonzero' | 'zero';
}

/** A resolved data set description (version 1). */
export interface DatasetDescription {
  version: 1;
  name: string;
  root: string;
  files: DescribedFiles[];
  channels: string[];
  time_axis: string | null;
  t_in: number;
  t_out: number;
  stride: number;
  split: { train: [number, number]; val: [number, number]; test: [number, number] };
  time_steps: number;
  fill_values: number[];
  mask: DescribedMask | null;
  crop: { y?: [number, number]; x?: [number, number] };
  coarsen: number;
  grid: [number, number];
}

/** A description that cannot be used: `<file>: <key>: expected <what>, found <what>`. */
export class DescriptionError extends Error {
  /** The message without the file: `<key>: expected <what>, found <what>`. */
  readonly problem: string;
  constructor(readonly file: string, readonly key: string, expected: string, found: string) {
    super(`${file}: ${key}: expected ${expected}, found ${found}`);
    this.problem = `${key}: expected ${expected}, found ${found}`;
    this.name = 'DescriptionError';
  }
}

const FORMATS = ['auto', 'netcdf3', 'netcdf4', 'hdf5', 'zarr'];

/** Field readers that throw {@link DescriptionError} naming the key path under `dataset.description`. */
class Reader {
  constructor(private readonly file: string) {}

  fail(key: string, expected: string, got: unknown): never {
    const found = got === undefined ? 'nothing' : JSON.stringify(got)?.slice(0, 80) ?? String(got);
    throw new DescriptionError(this.file, `dataset.description.${key}`, expected, found);
  }
  /** Like {@link fail}, with `found` already worded. */
  failText(key: string, expected: string, found: string): never {
    throw new DescriptionError(this.file, `dataset.description.${key}`, expected, found);
  }
  obj(v: unknown, key: string): Record<string, unknown> {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) this.fail(key, 'an object', v);
    return v as Record<string, unknown>;
  }
  str(v: unknown, key: string): string {
    if (typeof v !== 'string' || v === '') this.fail(key, 'a non-empty string', v);
    return v as string;
  }
  int(v: unknown, key: string, min: number): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) this.fail(key, `an integer >= ${min}`, v);
    return v as number;
  }
  list(v: unknown, key: string, nonEmpty = false): unknown[] {
    if (!Array.isArray(v) || (nonEmpty && v.length === 0)) this.fail(key, nonEmpty ? 'a non-empty list' : 'a list', v);
    return v as unknown[];
  }
  range(v: unknown, key: string): [number, number] {
    const ok = Array.isArray(v) && v.length === 2 && v.every((x) => Number.isInteger(x) && x >= 0) && v[0] < v[1];
    if (!ok) this.fail(key, 'a range [a, b) of integers with 0 <= a < b', v);
    return v as [number, number];
  }
  oneOf<T extends string>(v: unknown, key: string, allowed: readonly T[]): T {
    if (typeof v !== 'string' || !allowed.includes(v as T)) this.fail(key, `one of ${allowed.join(', ')}`, v);
    return v as T;
  }
}

function selects(r: Reader, v: unknown, key: string): Record<string, DimensionSelect> {
  const o = r.obj(v ?? {}, key);
  const out: Record<string, DimensionSelect> = {};
  for (const [dim, s] of Object.entries(o)) {
    const k = `${key}.${dim}`;
    if (Number.isInteger(s)) out[dim] = { index: r.int(s, k, 0) };
    else if (s && typeof s === 'object' && 'index' in s) out[dim] = { index: r.int((s as { index: unknown }).index, `${k}.index`, 0) };
    else if (s && typeof s === 'object' && 'value' in s && ['number', 'string'].includes(typeof (s as { value: unknown }).value)) out[dim] = { value: (s as { value: number | string }).value };
    else r.fail(k, '{"index": i} or {"value": v}', s);
  }
  return out;
}

function variable(r: Reader, v: unknown, key: string): DescribedVariable {
  const o = r.obj(v, key);
  const name = r.str(o.name, `${key}.name`);
  return {
    name,
    channel: o.channel === undefined ? name : r.str(o.channel, `${key}.channel`),
    select: selects(r, o.select, `${key}.select`),
    normalisation: o.normalisation === undefined ? 'zscore' : r.oneOf(o.normalisation, `${key}.normalisation`, ['zscore', 'log1p'] as const),
  };
}

function filesEntry(r: Reader, v: unknown, key: string): DescribedFiles {
  const o = r.obj(v, key);
  const paths = r.list(o.path, `${key}.path`, true).map((p, i) => r.str(p, `${key}.path[${i}]`));
  return {
    path: paths,
    format: o.format === undefined ? 'auto' : r.oneOf(o.format, `${key}.format`, FORMATS),
    formats: o.formats === undefined ? paths.map(() => 'auto') : r.list(o.formats, `${key}.formats`).map((f, i) => r.str(f, `${key}.formats[${i}]`)),
    select: selects(r, o.select, `${key}.select`),
    variables: r.list(o.variables, `${key}.variables`, true).map((x, i) => variable(r, x, `${key}.variables[${i}]`)),
  };
}

function mask(r: Reader, v: unknown): DescribedMask | null {
  if (v === null || v === undefined) return null;
  const o = r.obj(v, 'mask');
  return {
    file: r.str(o.file, 'mask.file'),
    variable: o.variable === null || o.variable === undefined ? null : r.str(o.variable, 'mask.variable'),
    valid: o.valid === undefined ? 'nonzero' : r.oneOf(o.valid, 'mask.valid', ['nonzero', 'zero'] as const),
  };
}

function crop(r: Reader, v: unknown): DatasetDescription['crop'] {
  const o = r.obj(v ?? {}, 'crop');
  const out: DatasetDescription['crop'] = {};
  for (const [axis, range] of Object.entries(o)) {
    if (axis !== 'y' && axis !== 'x') r.fail(`crop.${axis}`, 'the key y or x', axis);
    out[axis as 'y' | 'x'] = r.range(range, `crop.${axis}`);
  }
  return out;
}

/** Cross-key checks: unique channels in the entries' order, windows fit every split. */
function checkConsistent(r: Reader, d: DatasetDescription): void {
  const names = d.files.flatMap((f) => f.variables.map((v) => v.channel));
  if (names.join('\0') !== d.channels.join('\0')) r.fail('channels', `the entries' channels [${names.join(', ')}]`, d.channels);
  if (new Set(names).size !== names.length) r.fail('channels', 'unique channel names', d.channels);
  for (const k of ['train', 'val', 'test'] as const) {
    const [a, b] = d.split[k];
    if (b > d.time_steps) r.fail(`split.${k}`, `a range inside the ${d.time_steps} time steps`, d.split[k]);
    if (b - a < d.t_in + d.t_out) r.failText(`split.${k}`, `at least t_in + t_out = ${d.t_in + d.t_out} time steps for one window`, `${b - a} ([${a}, ${b}))`);
  }
}

/** What the rest of the contract says about the data; the description must agree. */
export interface ContractShape {
  channels: string[];
  grid: [number, number];
  t_in: number;
  t_out: number;
}

function checkAgainstContract(r: Reader, d: DatasetDescription, c: ContractShape): void {
  c.channels.forEach((name, i) => {
    if (d.channels[i] !== name) r.fail(`channels[${i}]`, `channel ${i} of the contract '${name}'`, d.channels[i]);
  });
  if (d.channels.length !== c.channels.length) r.fail('channels', `the contract's ${c.channels.length} channels`, d.channels);
  if (d.grid[0] !== c.grid[0] || d.grid[1] !== c.grid[1]) r.fail('grid', `the contract's grid [${c.grid.join(', ')}]`, d.grid);
  if (d.t_in !== c.t_in) r.fail('t_in', `the contract's t_in ${c.t_in}`, d.t_in);
  if (d.t_out !== c.t_out) r.fail('t_out', `the contract's t_out ${c.t_out}`, d.t_out);
}

/** Parses and checks `dataset.description` of the checkpoint `file` (against the contract's shape when given). */
export function parseDatasetDescription(value: unknown, file: string, contract?: ContractShape): DatasetDescription {
  const r = new Reader(file);
  const o = r.obj(value, '(root)');
  if (o.version !== 1) r.fail('version', '1', o.version);
  const split = r.obj(o.split, 'split');
  const grid = o.grid;
  if (!Array.isArray(grid) || grid.length !== 2 || !grid.every((g) => Number.isInteger(g) && g >= 1)) r.fail('grid', '[H, W] of positive integers', grid);
  const fills = r.list(o.fill_values ?? [], 'fill_values');
  fills.forEach((f, i) => typeof f !== 'number' && r.fail(`fill_values[${i}]`, 'a number', f));
  const d: DatasetDescription = {
    version: 1,
    name: r.str(o.name, 'name'),
    root: r.str(o.root, 'root'),
    files: r.list(o.files, 'files', true).map((e, i) => filesEntry(r, e, `files[${i}]`)),
    channels: r.list(o.channels, 'channels', true).map((c, i) => r.str(c, `channels[${i}]`)),
    time_axis: o.time_axis === null || o.time_axis === undefined ? null : r.str(o.time_axis, 'time_axis'),
    t_in: r.int(o.t_in, 't_in', 1),
    t_out: r.int(o.t_out, 't_out', 1),
    stride: r.int(o.stride ?? 1, 'stride', 1),
    split: { train: r.range(split.train, 'split.train'), val: r.range(split.val, 'split.val'), test: r.range(split.test, 'split.test') },
    time_steps: r.int(o.time_steps, 'time_steps', 1),
    fill_values: fills as number[],
    mask: mask(r, o.mask),
    crop: crop(r, o.crop),
    coarsen: r.int(o.coarsen ?? 1, 'coarsen', 1),
    grid: grid as [number, number],
  };
  checkConsistent(r, d);
  if (contract) checkAgainstContract(r, d, contract);
  return d;
}
