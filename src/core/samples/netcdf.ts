/**
 * Reads gridded (time, lat, lon) variables from NetCDF-3 files: netcdfjs
 * parses the header, the values are decoded here, after the declared size
 * (dims x type, record count x record step) has been checked against the
 * file's length and the budget. Fill values (`_FillValue`, `missing_value`,
 * the literal -9999, |x| >= 1e30) and NaN/inf are missing: `valid` is 0
 * there. A non-finite or zero `scale_factor`, or a non-finite `add_offset`,
 * is refused.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { BudgetMeter } from './budget';
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

type NcAttribute = { name: string; value: unknown };
type NcVariable = { name: string; dimensions: number[]; attributes: NcAttribute[]; type: string; offset: number; record: boolean };
type NcHeader = {
  dimensions: { name: string; size: number }[];
  variables: NcVariable[];
  recordDimension: { length: number; id?: number; recordStep?: number };
};

const TYPE_WIDTH: Record<string, number> = { byte: 1, char: 1, short: 2, int: 4, float: 4, double: 8 };
/** numrecs of a file being written by a streaming writer. */
const STREAMING = 0xffffffff;

function numericAttr(attrs: NcAttribute[], name: string): number[] {
  const v = attrs.find((x) => x.name === name)?.value;
  if (typeof v === 'number') return [v];
  if (Array.isArray(v)) return v.filter((x): x is number => typeof x === 'number');
  return [];
}

/** `scale_factor` and `add_offset`, refused when they would turn every value into nonsense. */
function packing(v: NcVariable, file: string): { scale: number; offset: number } {
  const scale = numericAttr(v.attributes, 'scale_factor')[0] ?? 1;
  const offset = numericAttr(v.attributes, 'add_offset')[0] ?? 0;
  if (!Number.isFinite(scale) || scale === 0) {
    throw new SampleDataError(file, `variable '${v.name}' attribute scale_factor is ${scale}, expected a finite non-zero number`);
  }
  if (!Number.isFinite(offset)) throw new SampleDataError(file, `variable '${v.name}' attribute add_offset is ${offset}, expected a finite number`);
  return { scale, offset };
}

/** Refuses formats this reader does not read, naming what the file is. */
function checkMagic(bytes: Uint8Array, file: string): void {
  const text = String.fromCharCode(...bytes.subarray(0, 4));
  if (text === '\x89HDF') throw new SampleDataError(file, 'is a NetCDF-4/HDF5 file; only NetCDF-3 (classic or 64-bit offset) is read');
  if (text === 'CDF\x05') throw new SampleDataError(file, 'is a CDF-5 (64-bit data) NetCDF file; only NetCDF-3 classic or 64-bit offset is read');
  if (text !== 'CDF\x01' && text !== 'CDF\x02') throw new SampleDataError(file, 'not a NetCDF-3 file (missing CDF magic)');
}

async function parseHeader(bytes: Uint8Array, file: string): Promise<NcHeader> {
  checkMagic(bytes, file);
  const { NetCDFReader } = await import('netcdfjs');
  try {
    const reader = new NetCDFReader(bytes);
    return { dimensions: reader.dimensions, variables: reader.variables as unknown as NcVariable[], recordDimension: reader.recordDimension };
  } catch (error) {
    throw new SampleDataError(file, `not a readable NetCDF-3 file (header: ${(error as Error).message})`);
  }
}

function pickVariable(h: NcHeader, file: string, name?: string): NcVariable {
  const candidates = h.variables.filter((v) => v.dimensions.length === 3 && v.type !== 'char');
  const variable = name ? h.variables.find((v) => v.name === name) : candidates.length === 1 ? candidates[0] : undefined;
  if (!variable) {
    const found = candidates.map((v) => v.name).join(', ') || 'none';
    throw new SampleDataError(file, name ? `no variable '${name}' (3-d variables: ${found})` : `expected exactly one (time, lat, lon) variable, found: ${found}`);
  }
  if (variable.dimensions.length !== 3) {
    throw new SampleDataError(file, `variable '${variable.name}' has ${variable.dimensions.length} dimensions, expected 3 (time, lat, lon)`);
  }
  if (variable.type === 'char') throw new SampleDataError(file, `variable '${variable.name}' holds characters, expected numbers`);
  return variable;
}

/** Where the variable's values lie: the byte offset of each record and the bytes per record. */
interface Layout {
  shape: [number, number, number];
  width: number;
  recordBytes: number;
  recordStep: number;
}

/** Shape and layout from the header, checked against the file length before anything is allocated. */
function layoutOf(h: NcHeader, v: NcVariable, fileLength: number, file: string): Layout {
  const rec = h.recordDimension;
  const shape = v.dimensions.map((d) => {
    if (v.record && d === rec.id) return rec.length;
    const dim = h.dimensions[d];
    if (!dim) throw new SampleDataError(file, `variable '${v.name}' names dimension ${d}, the file declares ${h.dimensions.length}`);
    return dim.size;
  }) as [number, number, number];
  if (v.record && shape[0] === STREAMING) throw new SampleDataError(file, `variable '${v.name}': the record count is unset (file still being written)`);
  const width = TYPE_WIDTH[v.type];
  if (!width) throw new SampleDataError(file, `variable '${v.name}' has type '${v.type}', expected byte, short, int, float or double`);
  const perStep = shape[1] * shape[2] * width;
  const steps = shape[0];
  const recordStep = v.record ? rec.recordStep ?? 0 : perStep;
  const end = steps === 0 ? v.offset : v.offset + (steps - 1) * recordStep + perStep;
  if (!Number.isSafeInteger(end) || end > fileLength || (v.record && steps > 1 && recordStep < perStep)) {
    throw new SampleDataError(file, `variable '${v.name}' declares ${shape.join(' x ')} ${v.type} values (${steps * perStep} bytes from offset ${v.offset}), but the file holds ${fileLength} bytes`);
  }
  return { shape, width, recordBytes: perStep, recordStep };
}

/** Big-endian value reader of a NetCDF type. */
function readerOf(type: string, dv: DataView): (p: number) => number {
  switch (type) {
    case 'byte': return (p) => dv.getInt8(p);
    case 'short': return (p) => dv.getInt16(p, false);
    case 'int': return (p) => dv.getInt32(p, false);
    case 'float': return (p) => dv.getFloat32(p, false);
    default: return (p) => dv.getFloat64(p, false);
  }
}

/**
 * Reads the 3-d variable of a NetCDF file (the only one, or `name`). Throws
 * {@link SampleDataError} naming the file when it is not NetCDF-3, holds no
 * or several 3-d variables, declares more data than it holds or than the
 * budget allows, has unusable packing attributes, or has no valid value.
 */
export async function readGridVariable(file: string, name?: string, meter: BudgetMeter = new BudgetMeter()): Promise<GridVariable> {
  const st = await stat(file).catch((e: NodeJS.ErrnoException) => {
    throw new SampleDataError(file, e.code === 'ENOENT' ? 'no such file' : `cannot read (${e.code ?? e.message})`);
  });
  if (!st.isFile()) throw new SampleDataError(file, 'is not a regular file, expected a NetCDF file');
  meter.checkRaw(file, st.size, 'the file');
  const buffer = await readFile(file).catch((e: NodeJS.ErrnoException) => {
    throw new SampleDataError(file, `cannot read (${e.code ?? e.message})`);
  });
  const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const header = await parseHeader(bytes, file);
  const variable = pickVariable(header, file, name);
  const layout = layoutOf(header, variable, bytes.length, file);
  const { scale, offset } = packing(variable, file);
  const fills = [DEFAULT_FILL, ...numericAttr(variable.attributes, '_FillValue'), ...numericAttr(variable.attributes, 'missing_value')];
  const [T, H, W] = layout.shape;
  const plane = H * W;
  const n = T * plane;
  meter.reserve(file, n * 9, `variable '${variable.name}' (${layout.shape.join(' x ')})`);
  const values = new Float64Array(n);
  const valid = new Uint8Array(n);
  const read = readerOf(variable.type, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  let validCount = 0;
  for (let t = 0; t < T; t++) {
    const base = variable.offset + t * layout.recordStep;
    for (let i = 0; i < plane; i++) {
      const raw = read(base + i * layout.width);
      const v = raw * scale + offset;
      const ok = Number.isFinite(raw) && Math.abs(raw) < 1e30 && !fills.includes(raw) && Number.isFinite(v);
      valid[t * plane + i] = ok ? 1 : 0;
      values[t * plane + i] = ok ? v : 0;
      if (ok) validCount++;
    }
  }
  if (validCount === 0) {
    throw new SampleDataError(file, `variable '${variable.name}' has no valid value (every value is NaN or a fill value)`);
  }
  return { file: path.resolve(file), name: variable.name, shape: layout.shape, values, valid };
}
