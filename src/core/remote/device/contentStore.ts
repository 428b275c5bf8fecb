/**
 * Content-addressed uploads into the per-user remote work folder:
 * `<workDir>/objects/<sha256>/<file name>`. A file whose hash is already
 * there is not sent again; uploads go to a temporary name and are renamed,
 * so a present object is always complete.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { RemoteCommandError } from '../errors';
import { joinCommand } from '../ssh/shellQuote';
import type { SshConnection } from '../ssh/sshConnection';

/** Result of `ensureUploaded`. */
export interface UploadedObject {
  /** Absolute path on the device. */
  remotePath: string;
  sha256: string;
  bytes: number;
  /** False when the object was already on the device (skipped by hash). */
  uploaded: boolean;
}

/** What to upload: a local file, or bytes with a name (e.g. an injected variant). */
export type UploadSource = { file: string; name?: string } | { bytes: Uint8Array; name: string };

/** Uploads `source` unless an object with the same sha256 already exists. */
export async function ensureUploaded(conn: SshConnection, workDir: string, source: UploadSource, signal?: AbortSignal): Promise<UploadedObject> {
  const bytes = 'bytes' in source ? source.bytes : await fs.readFile(source.file);
  const name = path.basename(source.name ?? ('file' in source ? source.file : 'object'));
  if (!name || name === '.' || name === '..') throw new Error(`upload: '${source.name}' is not a usable file name`);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const dir = `${workDir}/objects/${sha256}`;
  const remotePath = `${dir}/${name}`;
  const probe = await conn.exec(`test -f ${joinCommand([remotePath])} && echo present || echo absent`, { signal });
  if (probe.stdout.trim() === 'present') return { remotePath, sha256, bytes: bytes.length, uploaded: false };
  const mk = await conn.exec(joinCommand(['mkdir', '-p', '--', dir]), { signal });
  if (mk.code !== 0) throw new RemoteCommandError(`creating ${dir}`, mk.code, mk.stderr);
  const temp = `${remotePath}.part-${randomBytes(6).toString('hex')}`;
  const sftp = await conn.sftp();
  await new Promise<void>((resolve, reject) => {
    const stream = sftp.createWriteStream(temp, { mode: 0o644 });
    stream.on('error', reject);
    stream.on('close', () => resolve());
    stream.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  });
  signal?.throwIfAborted();
  const mv = await conn.exec(joinCommand(['mv', '-f', '--', temp, remotePath]), { signal });
  if (mv.code !== 0) throw new RemoteCommandError(`placing ${remotePath}`, mv.code, mv.stderr);
  return { remotePath, sha256, bytes: bytes.length, uploaded: true };
}

/** Writes a small text file on the device (job files). */
export async function writeRemoteFile(conn: SshConnection, remotePath: string, text: string): Promise<void> {
  const sftp = await conn.sftp();
  await new Promise<void>((resolve, reject) => sftp.writeFile(remotePath, text, (err) => (err ? reject(err) : resolve())));
}

/** Reads a remote file into memory. */
export async function readRemoteFile(conn: SshConnection, remotePath: string): Promise<Buffer> {
  const sftp = await conn.sftp();
  return new Promise((resolve, reject) => sftp.readFile(remotePath, (err, data) => (err ? reject(err) : resolve(data))));
}
