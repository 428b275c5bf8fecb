/**
 * NumPy `.npy` reader (format versions 1-3, C order, little- or big-endian
 * float32/float64/int/uint/bool). Values come back as Float32Array.
 */
import { SampleDataError } from './errors';

/** A decoded `.npy` array. */
export interface NpyArray {
  /** NumPy dtype descriptor as written, e.g. `<f4`. */
  dtype: string;
  shape: number[];
  /** Values converted to float32, row-major. */
  data: Float32Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Parses `.npy` bytes; `label` names the file (or npz member) in errors. */
export function parseNpy(bytes: Uint8Array, label: string): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new SampleDataError(label, 'not a .npy file (missing \\x93NUMPY magic)');
  }
  const major = bytes[6];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const header = new TextDecoder(major >= 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, headerStart + headerLen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) throw new SampleDataError(label, `unreadable .npy header: ${header.trim()}`);
  if (fortran === 'True') throw new SampleDataError(label, 'fortran_order arrays are not supported (save with C order)');
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = headerStart + headerLen;
  const little = descr[0] !== '>';
  const kind = descr.replace(/^[<>|=]/, '');
  const size: Record<string, number> = { f4: 4, f8: 8, f2: 2, i1: 1, u1: 1, b1: 1, i2: 2, u2: 2, i4: 4, u4: 4, i8: 8, u8: 8 };
  const width = size[kind];
  if (!width || kind === 'f2') throw new SampleDataError(label, `dtype '${descr}' is not supported (expected float32, float64, int, uint or bool)`);
  if (bytes.length - offset < count * width) {
    throw new SampleDataError(label, `truncated: shape (${shape.join(', ')}) needs ${count * width} bytes of data, found ${bytes.length - offset}`);
  }
  const data = new Float32Array(count);
  const body = new DataView(bytes.buffer, bytes.byteOffset + offset, count * width);
  for (let i = 0; i < count; i++) {
    const p = i * width;
    switch (kind) {
      case 'f4': data[i] = body.getFloat32(p, little); break;
      case 'f8': data[i] = body.getFloat64(p, little); break;
      case 'i1': data[i] = body.getInt8(p); break;
      case 'u1': case 'b1': data[i] = body.getUint8(p); break;
      case 'i2': data[i] = body.getInt16(p, little); break;
      case 'u2': data[i] = body.getUint16(p, little); break;
      case 'i4': data[i] = body.getInt32(p, little); break;
      case 'u4': data[i] = body.getUint32(p, little); break;
      case 'i8': data[i] = Number(body.getBigInt64(p, little)); break;
      case 'u8': data[i] = Number(body.getBigUint64(p, little)); break;
    }
  }
  return { dtype: descr, shape, data };
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
