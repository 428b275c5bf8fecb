/**
 * Encodes and decodes {@link EncodedArray} (base64 of little-endian float32 /
 * uint8 bytes). No Node API: works in webviews, the report page and Node.
 */
import type { EncodedArray } from './results';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = (() => {
  const t = new Uint8Array(128);
  for (let i = 0; i < ALPHABET.length; i++) t[ALPHABET.charCodeAt(i)] = i;
  return t;
})();
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Base64 of raw bytes (standard alphabet, padded). */
export function bytesToBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let chunk = '';
  const n = bytes.length;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    chunk += ALPHABET[v >> 18] + ALPHABET[(v >> 12) & 63] + ALPHABET[(v >> 6) & 63] + ALPHABET[v & 63];
    if (chunk.length > 8192) {
      parts.push(chunk);
      chunk = '';
    }
  }
  if (i < n) {
    const v = (bytes[i] << 16) | ((i + 1 < n ? bytes[i + 1] : 0) << 8);
    chunk += ALPHABET[v >> 18] + ALPHABET[(v >> 12) & 63];
    chunk += i + 1 < n ? ALPHABET[(v >> 6) & 63] + '=' : '==';
  }
  parts.push(chunk);
  return parts.join('');
}

/** Raw bytes of a base64 string. */
export function base64ToBytes(text: string): Uint8Array {
  let len = text.length;
  while (len > 0 && text[len - 1] === '=') len--;
  const out = new Uint8Array(Math.floor((len * 3) / 4));
  let o = 0;
  let i = 0;
  for (; i + 3 < len; i += 4) {
    const v =
      (LOOKUP[text.charCodeAt(i)] << 18) |
      (LOOKUP[text.charCodeAt(i + 1)] << 12) |
      (LOOKUP[text.charCodeAt(i + 2)] << 6) |
      LOOKUP[text.charCodeAt(i + 3)];
    out[o++] = v >> 16;
    out[o++] = (v >> 8) & 255;
    out[o++] = v & 255;
  }
  const rest = len - i;
  if (rest >= 2) {
    const v = (LOOKUP[text.charCodeAt(i)] << 18) | (LOOKUP[text.charCodeAt(i + 1)] << 12) | (rest === 3 ? LOOKUP[text.charCodeAt(i + 2)] << 6 : 0);
    out[o++] = v >> 16;
    if (rest === 3) out[o++] = (v >> 8) & 255;
  }
  return out;
}

function count(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Encodes float values (any numeric array) as `f32`. */
export function encodeF32(values: ArrayLike<number>, shape: number[]): EncodedArray {
  if (count(shape) !== values.length) throw new Error(`encodeF32: shape [${shape}] holds ${count(shape)} values, got ${values.length}`);
  const f = values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
  let bytes = new Uint8Array(f.buffer, f.byteOffset, f.byteLength);
  if (!LITTLE_ENDIAN) {
    bytes = new Uint8Array(f.byteLength);
    const dv = new DataView(bytes.buffer);
    for (let i = 0; i < f.length; i++) dv.setFloat32(i * 4, f[i], true);
  }
  return { dtype: 'f32', shape: [...shape], data: bytesToBase64(bytes) };
}

/** Encodes 0/1 (or 0-255) values as `u8`. */
export function encodeU8(values: ArrayLike<number>, shape: number[]): EncodedArray {
  if (count(shape) !== values.length) throw new Error(`encodeU8: shape [${shape}] holds ${count(shape)} values, got ${values.length}`);
  const u = values instanceof Uint8Array ? values : Uint8Array.from(values as ArrayLike<number>);
  return { dtype: 'u8', shape: [...shape], data: bytesToBase64(u) };
}

/** Decodes an `f32` or `u8` array to Float32Array (u8 values become 0..255 floats). */
export function decodeF32(a: EncodedArray): Float32Array {
  const bytes = base64ToBytes(a.data);
  if (a.dtype === 'u8') return Float32Array.from(bytes);
  if (bytes.byteLength !== count(a.shape) * 4) throw new Error(`decodeF32: ${bytes.byteLength} bytes for shape [${a.shape}]`);
  if (LITTLE_ENDIAN) return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const dv = new DataView(bytes.buffer);
  const out = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = dv.getFloat32(i * 4, true);
  return out;
}

/** Decodes a `u8` array (an `f32` one is rounded and clamped to 0..255). */
export function decodeU8(a: EncodedArray): Uint8Array {
  if (a.dtype === 'u8') return base64ToBytes(a.data);
  return Uint8Array.from(decodeF32(a), (v) => Math.max(0, Math.min(255, Math.round(v))));
}

/** Rows of an `[H, W]` map as nested arrays (what Plotly heatmaps take). */
export function toRows(values: ArrayLike<number>, h: number, w: number, offset = 0): number[][] {
  const rows: number[][] = new Array(h);
  for (let y = 0; y < h; y++) {
    const r = new Array<number>(w);
    for (let x = 0; x < w; x++) r[x] = values[offset + y * w + x];
    rows[y] = r;
  }
  return rows;
}
