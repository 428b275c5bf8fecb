/**
 * OpenSSH `known_hosts` reading, matching and appending, with hashed entries
 * (`|1|salt|hmac`, HashKnownHosts yes), wildcard and negated patterns,
 * non-default ports (`[host]:port`) and the `@revoked` marker.
 * Format: sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT".
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { RemoteError } from '../errors';

/** One usable line of a known_hosts file. */
export interface KnownHostEntry {
  file: string;
  /** 1-based line number, for messages. */
  line: number;
  marker: '' | '@revoked' | '@cert-authority';
  /** Comma-separated host patterns or one hashed `|1|salt|hash` field. */
  hosts: string;
  keyType: string;
  /** The raw public key blob (base64-decoded). */
  key: Buffer;
}

/** Outcome of checking a presented host key. */
export type HostKeyVerdict =
  | { status: 'trusted'; entry: KnownHostEntry }
  | { status: 'changed'; entry: KnownHostEntry }
  | { status: 'revoked'; entry: KnownHostEntry }
  | { status: 'unknown' };

/** `host` for port 22, `[host]:port` otherwise: the name OpenSSH looks up. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** OpenSSH's fingerprint of a public key blob: `SHA256:<base64 without padding>`. */
export function fingerprintSha256(key: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(key).digest('base64').replace(/=+$/, '');
}

/** The key type written inside an SSH public key blob (e.g. `ssh-ed25519`). */
export function keyTypeOfBlob(key: Buffer): string {
  if (key.length < 4) throw new Error('host key blob too short');
  const len = key.readUInt32BE(0);
  if (len > key.length - 4) throw new Error('host key blob malformed');
  return key.subarray(4, 4 + len).toString('latin1');
}

/** Parses the text of a known_hosts file; comments, blank and malformed lines are skipped. */
export function parseKnownHosts(text: string, file = 'known_hosts'): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'] = '';
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') marker = fields.shift() as KnownHostEntry['marker'];
    if (fields.length < 3) return;
    const [hosts, keyType, b64] = fields;
    const key = Buffer.from(b64, 'base64');
    if (key.length === 0) return;
    entries.push({ file, line: index + 1, marker, hosts, keyType, key });
  });
  return entries;
}

/** Glob match with `*` and `?`, as OpenSSH's match_pattern (case-insensitive for host names). */
function globMatch(name: string, pattern: string): boolean {
  const re = new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 'i');
  return re.test(name);
}

/** Whether an entry's host field names `name` (already in `[host]:port` form where needed). */
export function hostsFieldMatches(hosts: string, name: string): boolean {
  if (hosts.startsWith('|1|')) {
    const [, , salt64, hash64] = hosts.split('|');
    if (!salt64 || !hash64) return false;
    const digest = createHmac('sha1', Buffer.from(salt64, 'base64')).update(name).digest('base64');
    return digest === hash64;
  }
  let matched = false;
  for (const pattern of hosts.split(',')) {
    if (pattern.startsWith('!')) {
      if (globMatch(name, pattern.slice(1))) return false;
    } else if (globMatch(name, pattern)) {
      matched = true;
    }
  }
  return matched;
}

/** Checks a presented key against the entries for `name`. */
export function verifyHostKey(entries: KnownHostEntry[], name: string, key: Buffer): HostKeyVerdict {
  const keyType = keyTypeOfBlob(key);
  const relevant = entries.filter((e) => e.marker !== '@cert-authority' && hostsFieldMatches(e.hosts, name));
  const revoked = relevant.find((e) => e.marker === '@revoked' && e.key.equals(key));
  if (revoked) return { status: 'revoked', entry: revoked };
  const plain = relevant.filter((e) => e.marker === '');
  const same = plain.find((e) => e.keyType === keyType && e.key.equals(key));
  if (same) return { status: 'trusted', entry: same };
  const changed = plain.find((e) => e.keyType === keyType);
  if (changed) return { status: 'changed', entry: changed };
  return { status: 'unknown' };
}

/** Key types recorded for `name`, so the client can prefer them (as OpenSSH does). */
export function knownKeyTypes(entries: KnownHostEntry[], name: string): string[] {
  return [...new Set(entries.filter((e) => e.marker === '' && hostsFieldMatches(e.hosts, name)).map((e) => e.keyType))];
}

/** One line for a known_hosts file that cannot be read or written (`doing`: 'read' or 'write'). */
export function knownHostsFileError(file: string, error: NodeJS.ErrnoException, doing: 'read' | 'write'): RemoteError {
  const why =
    error.code === 'EISDIR'
      ? 'it is a folder; expected a known_hosts file'
      : error.code === 'EACCES' || error.code === 'EPERM'
        ? 'permission denied'
        : error.code === 'ENOTDIR'
          ? 'a part of its path is a file, not a folder'
          : (error.code ?? error.message);
  return new RemoteError(`known_hosts file ${file}: cannot ${doing} it: ${why} (set by UserKnownHostsFile, --known-hosts or dynapruner.remote.knownHostsFile)`);
}

/** Reads and parses every given known_hosts file; missing files count as empty. */
export async function loadKnownHosts(files: string[]): Promise<KnownHostEntry[]> {
  const all: KnownHostEntry[] = [];
  for (const file of files) {
    try {
      all.push(...parseKnownHosts(await fs.readFile(file, 'utf8'), file));
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      if (e.code !== 'ENOENT') throw knownHostsFileError(file, e, 'read');
    }
  }
  return all;
}

/** Appends a trusted key for `name`; hashed (`|1|salt|hmac`) unless `hashed` is false. */
export async function appendKnownHost(file: string, name: string, key: Buffer, hashed = true): Promise<void> {
  let hostField = name;
  if (hashed) {
    const salt = randomBytes(20);
    hostField = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
  }
  const line = `${hostField} ${keyTypeOfBlob(key)} ${key.toString('base64')}\n`;
  try {
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    let prefix = '';
    const existing = await fs.readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    if (existing.length > 0 && !existing.endsWith('\n')) prefix = '\n';
    await fs.appendFile(file, prefix + line, { mode: 0o600 });
  } catch (error) {
    throw knownHostsFileError(file, error as NodeJS.ErrnoException, 'write');
  }
}
