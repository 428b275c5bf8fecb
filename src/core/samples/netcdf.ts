/**
 * Reads gridded (time, lat, lon) variables from NetCDF-3 files with netcdfjs.
 * Fill values (`_FillValue`, `missing_value`, the literal -9999, |x| >= 1e30)
 * and NaN/inf are missing: `valid` is 0 there.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SampleDataError } from './errors';

/** One 3-d variable: raw values (scale/offset applied) and its validity. */
export interface GridVariable {
  file: string;
  name: string;
  /** [T, H, W]. */
  shape: [number, number, number];
  values: Float64Array;
  valid: Uint8Array;
}

/** Fill value used by the NCL storm files (and many others) without an attribute. */
export const DEFAULT_FILL = -9999;

type NcAttribute = { name: string; value: number | string };

function numericAttr(attrs: NcAttribute[], name: string): number[] {
  const a = attrs.find((x) => x.name === name);
  if (!a) return [];
  const v = a.value as unknown;
  if (typeof v === 'number') return [v];
  if (Array.isArray(v)) return v.filter((x): x is number => typeof x === 'number');
  return [];
}

/**
 * Reads the 3-d variable of a NetCDF file (the only one, or `name`). Throws
 * {@link SampleDataError} naming the file when it is not NetCDF-3, holds no
 * or several 3-d variables, or has no valid value at all.
 */
export async function readGridVariable(file: string, name?: string): Promise<GridVariable> {
  const bytes = await readFile(file).catch((e: Error) => {
    throw new SampleDataError(file, `cannot read: ${e.message}`);
  });
  const { NetCDFReader } = await import('netcdfjs');
  let reader: InstanceType<typeof NetCDFReader>;
  try {
    reader = new NetCDFReader(bytes);
  } catch (error) {
    throw new SampleDataError(file, `not a NetCDF-3 file (${(error as Error).message})`);
  }
  const dims = reader.dimensions;
  const candidates = reader.variables.filter((v) => v.dimensions.length === 3 && v.type !== 'char');
  const variable = name ? reader.variables.find((v) => v.name === name) : candidates.length === 1 ? candidates[0] : undefined;
  if (!variable) {
    const found = candidates.map((v) => v.name).join(', ') || 'none';
    throw new SampleDataError(file, name ? `no variable '${name}' (3-d variables: ${found})` : `expected exactly one (time, lat, lon) variable, found: ${found}`);
  }
  if (variable.dimensions.length !== 3) {
    throw new SampleDataError(file, `variable '${variable.name}' has ${variable.dimensions.length} dimensions, expected 3 (time, lat, lon)`);
  }
  const shape = variable.dimensions.map((d) => (variable.record && d === reader.recordDimension.id ? reader.recordDimension.length : dims[d].size)) as [number, number, number];
  const raw = reader.getDataVariable(variable) as unknown as number[];
  const attrs = variable.attributes as unknown as NcAttribute[];
  const fills = [DEFAULT_FILL, ...numericAttr(attrs, '_FillValue'), ...numericAttr(attrs, 'missing_value')];
  const scale = numericAttr(attrs, 'scale_factor')[0] ?? 1;
  const offset = numericAttr(attrs, 'add_offset')[0] ?? 0;
  const n = shape[0] * shape[1] * shape[2];
  if (raw.length !== n) throw new SampleDataError(file, `variable '${variable.name}' holds ${raw.length} values, its dimensions say ${n}`);
  const values = new Float64Array(n);
  const valid = new Uint8Array(n);
  let validCount = 0;
  for (let i = 0; i < n; i++) {
    const v = raw[i];
    const ok = Number.isFinite(v) && Math.abs(v) < 1e30 && !fills.includes(v);
    valid[i] = ok ? 1 : 0;
    values[i] = ok ? v * scale + offset : 0;
    if (ok) validCount++;
  }
  if (validCount === 0) {
    throw new SampleDataError(file, `variable '${variable.name}' has no valid value (every value is NaN or a fill value)`);
  }
  return { file: path.resolve(file), name: variable.name, shape, values, valid };
}
