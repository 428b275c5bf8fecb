/**
 * Which file a path names: its real path (symbolic links resolved) and, when
 * it exists, its device and inode (a hard link is the same file under another
 * name). Two paths name the same file when either matches.
 */
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';

/** The identity of the file a path names (it may not exist yet). */
export interface FileIdentity {
  real: string;
  inode: string | null;
}

/** Resolves `file`; a missing file gets its folder's real path plus its name. */
export async function fileIdentity(file: string): Promise<FileIdentity> {
  const abs = path.resolve(file);
  const parent = await realpath(path.dirname(abs)).catch(() => path.dirname(abs));
  const real = await realpath(abs).catch(() => path.join(parent, path.basename(abs)));
  const info = await stat(abs).catch(() => null);
  return { real, inode: info ? `${info.dev}:${info.ino}` : null };
}

/** True when both identities name the same file. */
export function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return a.real === b.real || (a.inode !== null && a.inode === b.inode);
}
