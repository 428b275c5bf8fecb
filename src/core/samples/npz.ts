/**
 * NumPy `.npz` reader (a zip of `.npy` members, stored or deflated). Only the
 * members asked for are read; nothing else is inflated. Each member is
 * streamed: its declared size is checked against the budget first, its
 * `.npy` header is checked (by the caller too) as soon as it has been
 * inflated, and inflating stops at the declared size.
 */
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { PassThrough, pipeline } from 'node:stream';
import zlib from 'node:zlib';
import type { BudgetMeter } from './budget';
import { SampleDataError } from './errors';
import { decodeNpyBody, npyDataOffset, NPY_PREAMBLE, npyDecodedBytes, parseNpyHeader, type NpyArray, type NpyHeader } from './npy';
import { memberDataOffset, readZipDirectory, type ZipEntry } from './zipDirectory';

/** A member to read: the first of `names` (without `.npy`) that the archive holds. */
export interface NpzRole {
  role: string;
  names: string[];
}

/** Arrays read, by role, and every member name the archive holds. */
export interface NpzContent {
  arrays: Map<string, NpyArray>;
  members: string[];
}

/** Sees a member's header before its data is inflated (throw to refuse it). */
export type NpyHeaderCheck = (role: string, label: string, header: NpyHeader) => void;

const CHUNK = 64 * 1024;

type Crc32 = (data: Uint8Array, value?: number) => number;
const crc32: Crc32 | undefined = (zlib as unknown as { crc32?: Crc32 }).crc32;

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function checkEntry(e: ZipEntry, label: string, meter: BudgetMeter): void {
  if (e.flags & 1) throw new SampleDataError(label, `member '${e.name}' is encrypted`);
  if (e.method !== 0 && e.method !== 8) throw new SampleDataError(label, `member '${e.name}' uses zip method ${e.method}, expected stored (0) or deflated (8)`);
  if (e.method === 0 && e.compressedSize !== e.uncompressedSize) {
    throw new SampleDataError(label, `member '${e.name}' is stored with ${e.compressedSize} bytes but declares ${e.uncompressedSize}`);
  }
  meter.checkRaw(label, e.uncompressedSize, `member '${e.name}' (declared size)`);
}

function memberStream(file: string, start: number, e: ZipEntry): AsyncIterable<Buffer> {
  if (e.compressedSize === 0) return new PassThrough().end();
  const source = createReadStream(file, { start, end: start + e.compressedSize - 1, highWaterMark: CHUNK });
  if (e.method === 0) return source;
  const inflate = zlib.createInflateRaw({ chunkSize: CHUNK });
  pipeline(source, inflate, () => undefined);
  return inflate;
}

/** Streams one member into a `.npy` array, stopping at its declared size. */
async function readMember(file: string, start: number, e: ZipEntry, label: string, meter: BudgetMeter, check: (h: NpyHeader) => void): Promise<NpyArray> {
  let head: Uint8Array = new Uint8Array(0);
  let header: NpyHeader | null = null;
  let body: Uint8Array | null = null;
  let filled = 0;
  let total = 0;
  let crc = 0;
  try {
    for await (const chunk of memberStream(file, start, e)) {
      total += chunk.length;
      if (total > e.uncompressedSize) throw new SampleDataError(label, `member '${e.name}' inflates past its declared size of ${e.uncompressedSize} bytes`);
      if (crc32) crc = crc32(chunk, crc);
      let piece: Uint8Array = chunk;
      if (!header) {
        head = concat(head, chunk);
        const complete = total === e.uncompressedSize;
        if (head.length < NPY_PREAMBLE && !complete) continue;
        const offset = npyDataOffset(head, label);
        if (head.length < offset && !complete) continue;
        header = parseNpyHeader(head.subarray(0, offset), label);
        if (offset + header.dataBytes !== e.uncompressedSize) {
          throw new SampleDataError(label, `shape (${header.shape.join(', ')}) needs ${offset + header.dataBytes} bytes, the zip declares the member as ${e.uncompressedSize}`);
        }
        check(header);
        meter.reserve(label, header.dataBytes + npyDecodedBytes(header), `shape (${header.shape.join(', ')})`);
        body = new Uint8Array(header.dataBytes);
        piece = head.subarray(offset);
      }
      body!.set(piece, filled);
      filled += piece.length;
    }
  } catch (error) {
    if (error instanceof SampleDataError) throw error;
    throw new SampleDataError(label, `member '${e.name}' cannot be inflated (${(error as Error).message})`);
  }
  if (!header) parseNpyHeader(head, label); // throws the precise header problem
  if (total < e.uncompressedSize) throw new SampleDataError(label, `truncated: member '${e.name}' inflates to ${total} bytes, the zip declares ${e.uncompressedSize}`);
  if (crc32 && crc >>> 0 !== e.crc32 >>> 0) throw new SampleDataError(label, `member '${e.name}' is corrupt (CRC-32 mismatch)`);
  return { dtype: header!.dtype, shape: header!.shape, data: decodeNpyBody(header!, body!) };
}

async function openNpz(file: string): Promise<{ handle: FileHandle; size: number }> {
  const handle = await open(file, 'r').catch((e: NodeJS.ErrnoException) => {
    throw new SampleDataError(file, e.code === 'ENOENT' ? 'no such file' : `cannot read (${e.code ?? e.message})`);
  });
  const st = await handle.stat();
  if (!st.isFile()) {
    await handle.close();
    throw new SampleDataError(file, 'is not a regular file, expected a .npz file');
  }
  return { handle, size: st.size };
}

/**
 * Reads the members of `roles` from a `.npz`. `check` sees each member's
 * header before its data is inflated. Throws SampleDataError naming the file
 * (and member) for anything unreadable, over budget or inconsistent.
 */
export async function readNpz(file: string, roles: NpzRole[], meter: BudgetMeter, check: NpyHeaderCheck = () => undefined): Promise<NpzContent> {
  const { handle, size } = await openNpz(file);
  try {
    const entries = await readZipDirectory(handle, size, file);
    const members = entries.map((e) => e.name);
    const arrays = new Map<string, NpyArray>();
    for (const { role, names } of roles) {
      const name = names.map((n) => `${n}.npy`).find((n) => members.includes(n));
      if (!name) continue;
      const matching = entries.filter((e) => e.name === name);
      if (matching.length > 1) throw new SampleDataError(file, `holds ${matching.length} members named '${name}'`);
      const label = `${file}[${name.slice(0, -4)}]`;
      checkEntry(matching[0], label, meter);
      const start = await memberDataOffset(handle, size, matching[0], label);
      arrays.set(role, await readMember(file, start, matching[0], label, meter, (h) => check(role, label, h)));
    }
    return { arrays, members };
  } finally {
    await handle.close();
  }
}

