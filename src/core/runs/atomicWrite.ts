/** Writes that never leave partial files: temp file (or folder) in the same folder, then rename. */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Writes `data` to `file` atomically (creates the folder). */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/**
 * Writes several files into `dir` atomically as a set: they are written into
 * a temp folder beside it, which then replaces `dir` (an existing `dir` is
 * replaced only after everything was written).
 */
export async function writeFolderAtomic(dir: string, files: Record<string, string | Uint8Array>): Promise<void> {
  const abs = path.resolve(dir);
  await mkdir(path.dirname(abs), { recursive: true });
  const tmp = `${abs}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    for (const [name, data] of Object.entries(files)) {
      const target = path.join(tmp, name);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, data);
    }
    await rm(abs, { recursive: true, force: true });
    await rename(tmp, abs);
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
}
