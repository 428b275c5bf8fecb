/**
 * NumPy `.npy` reader (format versions 1-3, C order, little- or big-endian
 * float32/float64/int/uint/bool). Values come back as Float32Array. The
 * header is parsed and checked (shape, dtype, declared size against the bytes
 * present and the budget) before the body is allocated.
 */
import { open } from 'node:fs/promises';
import { BudgetMeter, formatBytes } from './budget';
import { SampleDataError } from './errors';

/** A decoded `.npy` array. */
export interface NpyArray {
  /** NumPy dtype descriptor as written, e.g. `<f4`. */
  dtype: string;
  shape: number[];
  /** Values converted to float32, row-major. */
  data: Float32Array;
}

/** What a `.npy` header declares. */
export interface NpyHeader {
  dtype: string;
  shape: number[];
  /** Elements (product of the shape). */
  count: number;
  /** Bytes per element. */
  width: number;
  littleEndian: boolean;
  /** Offset of the first data byte. */
  dataOffset: number;
  /** Bytes of data the header declares (count x width). */
  dataBytes: number;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Longest header accepted (NumPy itself refuses headers over 10000 bytes by default). */
export const MAX_NPY_HEADER = 65536;

const WIDTH: Record<string, number> = { f4: 4, f8: 8, i1: 1, u1: 1, b1: 1, i2: 2, u2: 2, i4: 4, u4: 4, i8: 8, u8: 8 };

/** Bytes needed before {@link npyDataOffset} can answer: 12 (enough for every version). */
export const NPY_PREAMBLE = 12;

/** Offset of the data from the first bytes (magic, version, header length); checks magic, version and the header cap. */
export function npyDataOffset(bytes: Uint8Array, label: string): number {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new SampleDataError(label, 'not a .npy file (missing \\x93NUMPY magic)');
  }
  const major = bytes[6];
  if (major < 1 || major > 3) throw new SampleDataError(label, `.npy format version ${major}.${bytes[7]} is not supported (expected 1.0, 2.0 or 3.0)`);
  if (major > 1 && bytes.length < 12) throw new SampleDataError(label, 'truncated: the .npy header is cut off');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  if (headerLen > MAX_NPY_HEADER) throw new SampleDataError(label, `.npy header declares ${headerLen} bytes, more than the ${MAX_NPY_HEADER} accepted`);
  return (major === 1 ? 10 : 12) + headerLen;
}

function headerField(header: string, key: string, pattern: string): string | undefined {
  return new RegExp(`'${key}'\\s*:\\s*${pattern}`).exec(header)?.[1];
}

function dimsOf(shapeText: string, label: string): number[] {
  const parts = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  return parts.map((p) => {
    const n = /^\d+L?$/.test(p) ? Number(p.replace(/L$/, '')) : NaN;
    if (!Number.isSafeInteger(n)) throw new SampleDataError(label, `.npy shape (${shapeText}) has dimension '${p}', expected a non-negative integer`);
    return n;
  });
}

function widthOf(descr: string, label: string): number {
  const kind = descr.replace(/^[<>|=]/, '');
  const width = WIDTH[kind];
  if (kind.startsWith('O')) throw new SampleDataError(label, `dtype '${descr}' holds Python objects, which are not read (expected float32, float64, int, uint or bool)`);
  if (!width) throw new SampleDataError(label, `dtype '${descr}' is not supported (expected float32, float64, int, uint or bool)`);
  return width;
}

/** Parses the header (the first `dataOffset` bytes, see {@link npyDataOffset}). */
export function parseNpyHeader(bytes: Uint8Array, label: string): NpyHeader {
  const dataOffset = npyDataOffset(bytes, label);
  if (bytes.length < dataOffset) throw new SampleDataError(label, `truncated: the .npy header needs ${dataOffset} bytes, found ${bytes.length}`);
  const major = bytes[6];
  const header = new TextDecoder(major >= 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(major === 1 ? 10 : 12, dataOffset));
  if (/'descr'\s*:\s*\[/.test(header)) throw new SampleDataError(label, 'structured (record) dtypes are not supported (expected a plain float32, float64, int, uint or bool array)');
  const descr = headerField(header, 'descr', `'([^']+)'`);
  const fortran = headerField(header, 'fortran_order', '(True|False)');
  const shapeText = headerField(header, 'shape', '\\(([^)]*)\\)');
  if (!descr || !fortran || shapeText === undefined) throw new SampleDataError(label, `unreadable .npy header: ${header.trim().slice(0, 120)}`);
  if (fortran === 'True') throw new SampleDataError(label, 'fortran_order arrays are not supported (save with C order)');
  const width = widthOf(descr, label);
  const shape = dimsOf(shapeText, label);
  const count = shape.reduce((a, b) => a * b, 1);
  const dataBytes = count * width;
  if (!Number.isSafeInteger(dataBytes)) throw new SampleDataError(label, `.npy shape (${shape.join(', ')}) is too large to address`);
  return { dtype: descr, shape, count, width, littleEndian: descr[0] !== '>', dataOffset, dataBytes };
}

/** Converts the data bytes (exactly `h.dataBytes`) to float32. Reuses the buffer for little-endian float32 at offset 0. */
export function decodeNpyBody(h: NpyHeader, body: Uint8Array): Float32Array {
  const kind = h.dtype.replace(/^[<>|=]/, '');
  if (kind === 'f4' && h.littleEndian && body.byteOffset % 4 === 0 && isLittleEndianHost()) {
    return new Float32Array(body.buffer, body.byteOffset, h.count);
  }
  const data = new Float32Array(h.count);
  const dv = new DataView(body.buffer, body.byteOffset, h.dataBytes);
  const le = h.littleEndian;
  const w = h.width;
  const read: (p: number) => number = {
    f4: (p: number) => dv.getFloat32(p, le),
    f8: (p: number) => dv.getFloat64(p, le),
    i1: (p: number) => dv.getInt8(p),
    u1: (p: number) => dv.getUint8(p),
    b1: (p: number) => dv.getUint8(p),
    i2: (p: number) => dv.getInt16(p, le),
    u2: (p: number) => dv.getUint16(p, le),
    i4: (p: number) => dv.getInt32(p, le),
    u4: (p: number) => dv.getUint32(p, le),
    i8: (p: number) => Number(dv.getBigInt64(p, le)),
    u8: (p: number) => Number(dv.getBigUint64(p, le)),
  }[kind]!;
  for (let i = 0; i < h.count; i++) data[i] = read(i * w);
  return data;
}

function isLittleEndianHost(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

/** Decoded bytes {@link decodeNpyBody} allocates on top of the body (0 when it reuses the body). */
export function npyDecodedBytes(h: NpyHeader): number {
  return h.dtype.replace(/^[<>|=]/, '') === 'f4' && h.littleEndian ? 0 : h.count * 4;
}

/** Parses `.npy` bytes; `label` names the file (or npz member) in errors. */
export function parseNpy(bytes: Uint8Array, label: string, meter?: BudgetMeter): NpyArray {
  const h = parseNpyHeader(bytes, label);
  const present = bytes.length - h.dataOffset;
  if (present < h.dataBytes) {
    throw new SampleDataError(label, `truncated: shape (${h.shape.join(', ')}) needs ${h.dataBytes} bytes of data, found ${present}`);
  }
  meter?.reserve(label, h.count * 4, `shape (${h.shape.join(', ')})`);
  const body = bytes.subarray(h.dataOffset, h.dataOffset + h.dataBytes);
  // float32 data is viewed in place: copy it so the caller's bytes are never aliased.
  const own = npyDecodedBytes(h) === 0 ? new Uint8Array(body) : body;
  return { dtype: h.dtype, shape: h.shape, data: decodeNpyBody(h, own) };
}

/**
 * Reads a `.npy` file: header first; `check` sees it before the body is read;
 * the declared size is checked against the file length and the budget before
 * anything is allocated.
 */
export async function readNpyFile(file: string, meter: BudgetMeter, check?: (h: NpyHeader) => void): Promise<NpyArray> {
  const handle = await open(file, 'r').catch((e: NodeJS.ErrnoException) => {
    throw new SampleDataError(file, e.code === 'ENOENT' ? 'no such file' : `cannot read (${e.code ?? e.message})`);
  });
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new SampleDataError(file, 'is not a regular file, expected a .npy file');
    const head = new Uint8Array(Math.min(st.size, NPY_PREAMBLE + MAX_NPY_HEADER));
    await handle.read(head, 0, head.length, 0);
    const h = parseNpyHeader(head.subarray(0, Math.min(head.length, npyDataOffset(head, file))), file);
    check?.(h);
    const present = st.size - h.dataOffset;
    if (present < h.dataBytes) {
      throw new SampleDataError(file, `truncated: shape (${h.shape.join(', ')}) needs ${h.dataBytes} bytes of data (${formatBytes(h.dataBytes)}), the file holds ${Math.max(0, present)}`);
    }
    meter.checkRaw(file, h.dataBytes, `the data of shape (${h.shape.join(', ')})`);
    meter.reserve(file, h.dataBytes + npyDecodedBytes(h), `shape (${h.shape.join(', ')})`);
    const body = new Uint8Array(h.dataBytes);
    const { bytesRead } = await handle.read(body, 0, h.dataBytes, h.dataOffset);
    if (bytesRead !== h.dataBytes) throw new SampleDataError(file, `truncated: read ${bytesRead} of ${h.dataBytes} data bytes`);
    return { dtype: h.dtype, shape: h.shape, data: decodeNpyBody(h, body) };
  } finally {
    await handle.close();
  }
}

/** Writes a little-endian float32 `.npy` (used to export predictions). */
export function encodeNpyF32(data: Float32Array, shape: number[]): Uint8Array {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += ' '.repeat(pad % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  const body = new DataView(out.buffer, 10 + header.length);
  for (let i = 0; i < data.length; i++) body.setFloat32(i * 4, data[i], true);
  return out;
}
