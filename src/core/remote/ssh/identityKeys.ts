/**
 * Identity (private key) files for public-key authentication: read, parse,
 * ask for the passphrase of an encrypted key, and name the real reason when
 * a key cannot be used (missing, unreadable, a folder, needs a passphrase
 * and nobody can be asked, wrong passphrase, unreadable format).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import { utils, type ParsedKey } from 'ssh2';

/** The secret hooks of ConnectCallbacks that key loading uses. */
export interface PassphraseCallbacks {
  askPassphrase?(keyFile: string, retry: boolean): Promise<string | undefined>;
  secretAccepted?(kind: 'passphrase', id: string, value: string): void;
  secretRejected?(kind: 'passphrase', id: string): void;
  log?(line: string): void;
}

/** A key ready to offer (parsed, decrypted once), or why it cannot be. */
export type LoadedIdentity =
  | { ok: true; file: string; key: ParsedKey }
  | { ok: false; file: string; problem: string; missing: boolean };

/** How many passphrases are asked for one key before giving up. */
const PASSPHRASE_TRIES = 3;

/** `~/...` for files under the home folder, for messages. */
export function displayPath(file: string, home = os.homedir()): string {
  return home && (file === home || file.startsWith(home + '/')) ? '~' + file.slice(home.length) : file;
}

/** One sentence for a failed read of a key file. */
export function keyReadProblem(file: string, error: NodeJS.ErrnoException): string {
  const shown = displayPath(file);
  switch (error.code) {
    case 'ENOENT':
      return `the key ${shown} does not exist`;
    case 'EACCES':
    case 'EPERM':
      return `the key ${shown} cannot be read (permission denied)`;
    case 'EISDIR':
      return `the key ${shown} is a folder, not a key file`;
    default:
      return `the key ${shown} cannot be read (${error.code ?? error.message})`;
  }
}

function firstKey(parsed: ParsedKey | ParsedKey[] | Error): ParsedKey | Error {
  return Array.isArray(parsed) ? (parsed[0] ?? new Error('no key in file')) : parsed;
}

function needsPassphrase(parsed: ParsedKey | Error): boolean {
  return parsed instanceof Error && /encrypted|passphrase/i.test(parsed.message);
}

/** Asks for the passphrase until it opens the key; a problem sentence when it does not. */
async function unlock(file: string, data: Buffer, cb: PassphraseCallbacks): Promise<LoadedIdentity> {
  const shown = displayPath(file);
  if (!cb.askPassphrase) return { ok: false, file, problem: `the key ${shown} needs a passphrase and there is no terminal to ask for it`, missing: false };
  for (let attempt = 0; attempt < PASSPHRASE_TRIES; attempt++) {
    const passphrase = await cb.askPassphrase(file, attempt > 0);
    if (passphrase === undefined) return { ok: false, file, problem: `the key ${shown} needs a passphrase and none was given`, missing: false };
    const key = firstKey(utils.parseKey(data, passphrase));
    if (!(key instanceof Error)) {
      cb.secretAccepted?.('passphrase', file, passphrase);
      return { ok: true, file, key };
    }
    cb.log?.(`wrong passphrase for ${file}`);
    cb.secretRejected?.('passphrase', file);
  }
  return { ok: false, file, problem: `the passphrase for the key ${shown} was wrong ${PASSPHRASE_TRIES} times`, missing: false };
}

/** Reads `file` and makes it usable (asking for its passphrase if encrypted), or says why not. */
export async function loadIdentity(file: string, cb: PassphraseCallbacks): Promise<LoadedIdentity> {
  let data: Buffer;
  try {
    data = await fs.readFile(file);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    return { ok: false, file, problem: keyReadProblem(file, e), missing: e.code === 'ENOENT' };
  }
  const parsed = firstKey(utils.parseKey(data));
  if (needsPassphrase(parsed)) return unlock(file, data, cb);
  if (parsed instanceof Error) {
    cb.log?.(`cannot read key ${file}: ${parsed.message}`);
    return { ok: false, file, problem: `the key ${displayPath(file)} is not a private key in a format that can be read (${parsed.message})`, missing: false };
  }
  return { ok: true, file, key: parsed };
}

/**
 * The public key blob of an identity file, from `<file>.pub` or from the
 * file itself when it is not encrypted; undefined when neither can be read.
 */
export async function identityPublicBlob(file: string): Promise<Buffer | undefined> {
  for (const candidate of [`${file}.pub`, file]) {
    const data = await fs.readFile(candidate).catch(() => undefined);
    if (!data) continue;
    const parsed = firstKey(utils.parseKey(data));
    if (!(parsed instanceof Error)) return parsed.getPublicSSH();
  }
  return undefined;
}
