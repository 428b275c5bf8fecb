/**
 * NetCDF-3 (classic and 64-bit offset) variables read lazily: netcdfjs parses
 * the header from the file's first bytes only, and each time step is read at
 * its own offset, so only the requested steps are ever in memory. A
 * (time, level, y, x) variable reads the level its selection picks; a (y, x)
 * one (a land-sea mask) reads as one step.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { SampleDataError } from './errors';
import { cfEncoding, checkStepRange, decodeSteps, extraIndex, pickVariable, type GridSource, type OpenOptions } from './gridSource';

type NcAttribute = { name: string; value: unknown };
type NcVariable = { name: string; dimensions: number[]; attributes: NcAttribute[]; type: string; offset: number; record: boolean };
type NcHeader = { dimensions: { name: string; size: number }[]; variables: NcVariable[]; recordDimension: { length: number; id?: number; recordStep?: number } };

const WIDTH: Record<string, number> = { byte: 1, short: 2, int: 4, float: 4, double: 8 };
/** First read of the header; doubled until the header parses. */
const HEADER_BYTES = 64 * 1024;

function readAt(fd: number, length: number, position: number): Uint8Array {
  const out = new Uint8Array(length);
  const n = readSync(fd, out, 0, length, position);
  return n === length ? out : out.subarray(0, n);
}

/** The header, parsed from as few leading bytes as it needs. */
async function readHeader(fd: number, size: number, file: string): Promise<NcHeader> {
  const { NetCDFReader } = await import('netcdfjs');
  for (let n = Math.min(size, HEADER_BYTES); ; n = Math.min(size, n * 2)) {
    try {
      const r = new NetCDFReader(readAt(fd, n, 0));
      return { dimensions: r.dimensions, variables: r.variables as unknown as NcVariable[], recordDimension: r.recordDimension };
    } catch (error) {
      if (n >= size) throw new SampleDataError(file, `not a readable NetCDF-3 file (header: ${(error as Error).message})`);
    }
  }
}

/** Decodes `count` big-endian values of `type`. */
function decode(bytes: Uint8Array, type: string): Float64Array {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const w = WIDTH[type];
  const out = new Float64Array(bytes.byteLength / w);
  for (let i = 0; i < out.length; i++) {
    const p = i * w;
    out[i] = type === 'float' ? dv.getFloat32(p) : type === 'double' ? dv.getFloat64(p) : type === 'int' ? dv.getInt32(p) : type === 'short' ? dv.getInt16(p) : dv.getInt8(p);
  }
  return out;
}

/** The values of the 1-d, fixed-size coordinate variable `name` of length `n`, when the file has one. */
function coordinate(fd: number, h: NcHeader, name: string, n: number): Float64Array | undefined {
  const c = h.variables.find((x) => x.name === name && x.dimensions.length === 1 && !x.record && WIDTH[x.type]);
  if (!c || h.dimensions[c.dimensions[0]]?.size !== n) return undefined;
  return decode(readAt(fd, n * WIDTH[c.type], c.offset), c.type);
}

/** Opens the (time, y, x) variable `name` (or the only one) of a NetCDF-3 file. */
export async function openNetcdf3(file: string, name?: string, options: OpenOptions = {}): Promise<GridSource> {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const h = await readHeader(fd, size, file);
    const numeric = h.variables.filter((v) => WIDTH[v.type] && (v.dimensions.length === 3 || (name !== undefined && [2, 4].includes(v.dimensions.length))));
    const v = numeric.find((x) => x.name === pickVariable(file, numeric.map((x) => x.name), name))!;
    const dims = (v.dimensions.length === 2 ? [-1, ...v.dimensions] : v.dimensions).map((d) => h.dimensions[d]?.name ?? 'none');
    const flat = v.dimensions.length === 2;
    const full = (flat ? [-1, ...v.dimensions] : v.dimensions).map((d) => (d < 0 ? 1 : v.record && d === h.recordDimension.id ? h.recordDimension.length : h.dimensions[d]?.size ?? 0));
    const plane = full[full.length - 2] * full[full.length - 1];
    const perStep = full.slice(1).reduce((a, b) => a * b, 1) * WIDTH[v.type];
    const step = v.record ? h.recordDimension.recordStep ?? perStep : perStep;
    if (full[0] > 0 && v.offset + (full[0] - 1) * step + perStep > size) {
      throw new SampleDataError(file, `variable '${v.name}' declares ${full.join(' x ')} ${v.type} values, but the file holds ${size} bytes`);
    }
    const level = full.length === 4 ? extraIndex(file, v.name, dims, full, options.select ?? {}, coordinate(fd, h, dims[1], full[1])) : 0;
    const enc = cfEncoding(file, v.name, (a) => v.attributes.find((x) => x.name === a)?.value);
    const text = (a: string) => {
      const t = v.attributes.find((x) => x.name === a)?.value;
      return typeof t === 'string' ? t : undefined;
    };
    let closed = false;
    const src: GridSource = {
      file: path.resolve(file), name: v.name, shape: [full[0], full[full.length - 2], full[full.length - 1]],
      dims: [dims[0], dims[dims.length - 2], dims[dims.length - 1]],
      units: text('units'), longName: text('long_name') ?? text('standard_name'),
      y: coordinate(fd, h, dims[dims.length - 2], full[full.length - 2]), x: coordinate(fd, h, dims[dims.length - 1], full[full.length - 1]),
      async readSteps(t0, count) {
        checkStepRange(src, t0, count);
        const raw = new Float64Array(count * plane);
        for (let t = 0; t < count; t++) raw.set(decode(readAt(fd, plane * WIDTH[v.type], v.offset + (t0 + t) * step + level * plane * WIDTH[v.type]), v.type), t * plane);
        return decodeSteps(raw, enc);
      },
      close: () => {
        if (!closed) closeSync(fd);
        closed = true;
      },
    };
    return src;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}
