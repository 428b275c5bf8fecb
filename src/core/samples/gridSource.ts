/**
 * A gridded (time, y, x) variable read lazily, a range of time steps at a
 * time, so a file larger than memory is never read whole. Readers exist for
 * NetCDF-4 / HDF5 (`netcdf4.ts`, h5wasm) and Zarr v2 / v3 directories
 * (`zarr.ts`, zarrita); each applies the file's own fill values,
 * `scale_factor` / `add_offset` and `valid_range` through {@link decodeSteps}.
 */
import { SampleDataError } from './errors';

/** What the file says about a variable's values (CF conventions). */
export interface ValueEncoding {
  /** Raw values meaning "missing" (`_FillValue`, `missing_value`, Zarr `fill_value`). */
  fills: number[];
  /** `scale_factor` (1 when absent). */
  scale: number;
  /** `add_offset` (0 when absent). */
  offset: number;
  /** `valid_range` / `valid_min` / `valid_max` on raw values, when given. */
  validRange?: [number, number];
}

/** Coordinates and metadata of a variable, when the file has them. */
export interface GridMetadata {
  /** Dimension names in file order, e.g. `['time', 'lat', 'lon']`. */
  dims: [string, string, string];
  /** `units` attribute. */
  units?: string;
  /** `long_name` (or `standard_name`) attribute. */
  longName?: string;
  /** Values of the y and x coordinate variables, when present (latitude, longitude for geographic data). */
  y?: Float64Array;
  x?: Float64Array;
}

/** A lazily read (time, y, x) variable. */
export interface GridSource extends GridMetadata {
  file: string;
  name: string;
  /** [T, H, W]. */
  shape: [number, number, number];
  /** Reads steps `[t0, t0 + count)`: physical values (0 where missing) and validity, row-major [count, H, W]. */
  readSteps(t0: number, count: number): Promise<DecodedSteps>;
  /** Releases the file. */
  close(): void;
}

/** Decoded values of a range of steps. */
export interface DecodedSteps {
  values: Float32Array;
  valid: Uint8Array;
}

/** Reads a numeric attribute value that may be a number, a bigint or a typed array. */
export function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (ArrayBuffer.isView(value) && (value as unknown as ArrayLike<number>).length > 0) return Number((value as unknown as ArrayLike<number | bigint>)[0]);
  if (Array.isArray(value) && value.length > 0) return numberOf(value[0]);
  return undefined;
}

/** The value encoding from CF attributes (`attr(name)` returns the raw attribute value). */
export function cfEncoding(file: string, variable: string, attr: (name: string) => unknown, extraFills: number[] = []): ValueEncoding {
  const fills = [...extraFills, numberOf(attr('_FillValue')), numberOf(attr('missing_value'))].filter((v): v is number => v !== undefined);
  const scale = numberOf(attr('scale_factor')) ?? 1;
  const offset = numberOf(attr('add_offset')) ?? 0;
  if (!Number.isFinite(scale) || scale === 0) throw new SampleDataError(file, `variable '${variable}': scale_factor must be a finite non-zero number, found ${scale}`);
  if (!Number.isFinite(offset)) throw new SampleDataError(file, `variable '${variable}': add_offset must be finite, found ${offset}`);
  const range = attr('valid_range');
  const lo = numberOf(attr('valid_min')) ?? (ArrayBuffer.isView(range) ? Number((range as unknown as ArrayLike<number>)[0]) : undefined);
  const hi = numberOf(attr('valid_max')) ?? (ArrayBuffer.isView(range) ? Number((range as unknown as ArrayLike<number>)[1]) : undefined);
  const validRange: [number, number] | undefined = lo !== undefined || hi !== undefined ? [lo ?? -Infinity, hi ?? Infinity] : undefined;
  return { fills, scale, offset, validRange };
}

/**
 * Raw values treated as missing in every file, as the NetCDF-3 reader does:
 * the NCL storm files' -9999 and magnitudes of 1e30 and more (netCDF's
 * default fill of float is 9.97e36).
 */
const CONVENTIONAL_FILL = -9999;
const HUGE = 1e30;

/** Applies fills, range and scale/offset to raw values; missing and non-finite values become 0 with valid 0. */
export function decodeSteps(raw: ArrayLike<number>, enc: ValueEncoding): DecodedSteps {
  const n = raw.length;
  const values = new Float32Array(n);
  const valid = new Uint8Array(n);
  const [lo, hi] = enc.validRange ?? [-Infinity, Infinity];
  const fills = new Set(enc.fills);
  for (let i = 0; i < n; i++) {
    const v = raw[i];
    if (!Number.isFinite(v) || fills.has(v) || v === CONVENTIONAL_FILL || Math.abs(v) >= HUGE || v < lo || v > hi) continue;
    const x = v * enc.scale + enc.offset;
    if (!Number.isFinite(x)) continue;
    values[i] = x;
    valid[i] = 1;
  }
  return { values, valid };
}

/** Checks a step range against the variable's length before reading. */
export function checkStepRange(src: { file: string; name: string; shape: [number, number, number] }, t0: number, count: number): void {
  if (!Number.isInteger(t0) || !Number.isInteger(count) || t0 < 0 || count < 0 || t0 + count > src.shape[0]) {
    throw new SampleDataError(src.file, `variable '${src.name}': steps [${t0}, ${t0 + count}) are outside its ${src.shape[0]} time steps`);
  }
}

/** A named variable the file does not hold; `found` lists the gridded ones it has. */
export class MissingVariableError extends SampleDataError {
  constructor(file: string, readonly variable: string, readonly found: string[]) {
    super(file, `no (time, y, x) variable '${variable}' (found: ${found.join(', ') || 'none'})`);
  }
}

/** Picks the variable to read: `name`, or the only (time, y, x) one; the message lists what the file has. */
export function pickVariable(file: string, threeDimensional: string[], name?: string): string {
  if (name) {
    if (!threeDimensional.includes(name)) throw new MissingVariableError(file, name, threeDimensional);
    return name;
  }
  if (threeDimensional.length !== 1) {
    throw new SampleDataError(file, `expected exactly one (time, y, x) variable, found: ${threeDimensional.join(', ') || 'none'} (name one with --variables)`);
  }
  return threeDimensional[0];
}

/** Fixed positions of the dimensions besides time, y and x (a level, an ensemble member), by dimension name. */
export type ExtraSelection = Record<string, { index: number } | { value: number | string }>;

/** Options of the lazy readers. */
export interface OpenOptions {
  /** Selection of the extra dimension of a (time, level, y, x) variable. */
  select?: ExtraSelection;
}

/**
 * The index on the second dimension of a 4-D (time, extra, y, x) variable:
 * `select[dims[1]]` as an index, or as a coordinate value found in `coordinate`.
 */
export function extraIndex(file: string, variable: string, dims: string[], shape: number[], select: ExtraSelection, coordinate?: Float64Array): number {
  const dim = dims[1];
  const sel = select[dim];
  const n = shape[1];
  if (!sel) throw new SampleDataError(file, `variable '${variable}' has dimensions (${dims.join(', ')}): select an index on '${dim}'`);
  if ('index' in sel) {
    if (!(Number.isInteger(sel.index) && sel.index >= 0 && sel.index < n)) throw new SampleDataError(file, `variable '${variable}': select.${dim} is ${sel.index}, expected an index in [0, ${n})`);
    return sel.index;
  }
  const target = Number(sel.value);
  const hits = coordinate ? [...coordinate.keys()].filter((i) => Math.abs(coordinate[i] - target) <= 1e-8 + 1e-5 * Math.abs(target)) : [];
  if (hits.length !== 1) {
    const have = coordinate ? [...coordinate.slice(0, 12)].join(', ') : 'no coordinate variable';
    throw new SampleDataError(file, `variable '${variable}': select.${dim} is the value ${sel.value}, expected one of ${have}`);
  }
  return hits[0];
}
