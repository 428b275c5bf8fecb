/**
 * The central directory of a zip file (what `.npz` is), read from the end of
 * the file without reading the members: names, methods, declared sizes, CRCs
 * and where each member's data starts. Zip64 records are understood.
 */
import type { FileHandle } from 'node:fs/promises';
import { SampleDataError } from './errors';

/** One member as the central directory declares it. */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  /** General-purpose flags (bit 0: encrypted). */
  flags: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  /** Offset of the member's local header. */
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** Most members and central-directory bytes accepted (a real .npz has a handful of members). */
const MAX_ENTRIES = 65536;
const MAX_DIRECTORY_BYTES = 16 * 1024 * 1024;

async function readAt(handle: FileHandle, offset: number, length: number): Promise<DataView> {
  const buf = new Uint8Array(length);
  const { bytesRead } = await handle.read(buf, 0, length, offset);
  return new DataView(buf.buffer, 0, bytesRead);
}

function u64(dv: DataView, at: number): number {
  const v = dv.getBigUint64(at, true);
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.POSITIVE_INFINITY : Number(v);
}

/** Offset of the end-of-central-directory record, searched backwards over the comment. */
function findEocd(tail: DataView): number {
  for (let i = tail.byteLength - 22; i >= 0; i--) if (tail.getUint32(i, true) === EOCD) return i;
  return -1;
}

interface Directory {
  entries: number;
  size: number;
  offset: number;
}

async function directoryOf(handle: FileHandle, fileSize: number, label: string): Promise<Directory> {
  if (fileSize < 22) throw new SampleDataError(label, `not a readable .npz (zip) file: ${fileSize} bytes is too short for a zip directory`);
  const tailStart = Math.max(0, fileSize - 22 - 65535);
  const tail = await readAt(handle, tailStart, fileSize - tailStart);
  const at = findEocd(tail);
  if (at < 0) throw new SampleDataError(label, 'not a readable .npz (zip) file: no end-of-central-directory record');
  let dir: Directory = { entries: tail.getUint16(at + 10, true), size: tail.getUint32(at + 12, true), offset: tail.getUint32(at + 16, true) };
  if (dir.entries === 0xffff || dir.size === 0xffffffff || dir.offset === 0xffffffff) {
    const locAt = tailStart + at - 20;
    const loc = locAt >= 0 ? await readAt(handle, locAt, 20) : null;
    if (!loc || loc.byteLength < 20 || loc.getUint32(0, true) !== ZIP64_LOCATOR) throw new SampleDataError(label, 'not a readable .npz (zip) file: zip64 locator missing');
    const z = await readAt(handle, u64(loc, 8), 56);
    if (z.byteLength < 56 || z.getUint32(0, true) !== ZIP64_EOCD) throw new SampleDataError(label, 'not a readable .npz (zip) file: zip64 directory record missing');
    dir = { entries: u64(z, 32), size: u64(z, 40), offset: u64(z, 48) };
  }
  if (dir.entries > MAX_ENTRIES) throw new SampleDataError(label, `the zip directory declares ${dir.entries} members, more than the ${MAX_ENTRIES} accepted`);
  if (dir.size > MAX_DIRECTORY_BYTES || dir.offset + dir.size > fileSize) {
    throw new SampleDataError(label, `not a readable .npz (zip) file: the zip directory (${dir.size} bytes at ${dir.offset}) does not fit in the file (${fileSize} bytes)`);
  }
  return dir;
}

/** Applies the zip64 extra field (id 1) to the sizes and offset that are 0xffffffff. */
function applyZip64(e: ZipEntry, dv: DataView, start: number, length: number): void {
  for (let p = start; p + 4 <= start + length;) {
    const id = dv.getUint16(p, true);
    const size = dv.getUint16(p + 2, true);
    if (id === 1) {
      let q = p + 4;
      const next = (): number => {
        const v = q + 8 <= p + 4 + size ? u64(dv, q) : Number.POSITIVE_INFINITY;
        q += 8;
        return v;
      };
      if (e.uncompressedSize === 0xffffffff) e.uncompressedSize = next();
      if (e.compressedSize === 0xffffffff) e.compressedSize = next();
      if (e.localHeaderOffset === 0xffffffff) e.localHeaderOffset = next();
      return;
    }
    p += 4 + size;
  }
}

/** Reads the central directory. Throws SampleDataError naming the file when it is not a zip or is inconsistent. */
export async function readZipDirectory(handle: FileHandle, fileSize: number, label: string): Promise<ZipEntry[]> {
  const dir = await directoryOf(handle, fileSize, label);
  const dv = await readAt(handle, dir.offset, dir.size);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < dir.entries; i++) {
    if (p + 46 > dv.byteLength || dv.getUint32(p, true) !== CENTRAL) throw new SampleDataError(label, `not a readable .npz (zip) file: central directory entry ${i} is damaged`);
    const nameLen = dv.getUint16(p + 28, true);
    const extraLen = dv.getUint16(p + 30, true);
    const commentLen = dv.getUint16(p + 32, true);
    if (p + 46 + nameLen + extraLen > dv.byteLength) throw new SampleDataError(label, `not a readable .npz (zip) file: central directory entry ${i} is cut off`);
    const name = new TextDecoder().decode(new Uint8Array(dv.buffer, p + 46, nameLen));
    const e: ZipEntry = {
      name,
      flags: dv.getUint16(p + 8, true),
      method: dv.getUint16(p + 10, true),
      crc32: dv.getUint32(p + 16, true),
      compressedSize: dv.getUint32(p + 20, true),
      uncompressedSize: dv.getUint32(p + 24, true),
      localHeaderOffset: dv.getUint32(p + 42, true),
    };
    applyZip64(e, dv, p + 46 + nameLen, extraLen);
    entries.push(e);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** Offset of a member's data (after its local header); checks the data lies inside the file. */
export async function memberDataOffset(handle: FileHandle, fileSize: number, e: ZipEntry, label: string): Promise<number> {
  const local = await readAt(handle, e.localHeaderOffset, 30);
  if (local.byteLength < 30 || local.getUint32(0, true) !== LOCAL) throw new SampleDataError(label, `member '${e.name}': local header missing at offset ${e.localHeaderOffset}`);
  const start = e.localHeaderOffset + 30 + local.getUint16(26, true) + local.getUint16(28, true);
  if (start + e.compressedSize > fileSize) {
    throw new SampleDataError(label, `truncated: member '${e.name}' declares ${e.compressedSize} compressed bytes at offset ${start}, the file has ${fileSize}`);
  }
  return start;
}
