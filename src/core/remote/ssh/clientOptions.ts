/**
 * The OpenSSH client options this project honours per host, read from
 * ~/.ssh/config: UserKnownHostsFile, GlobalKnownHostsFile,
 * StrictHostKeyChecking, IdentitiesOnly and ConnectTimeout. Values given by the caller (a CLI flag, a setting)
 * win over the host's config, which wins over the defaults, as with
 * `ssh -o`.
 */
import os from 'node:os';
import path from 'node:path';

/**
 * How an unknown host key is handled: `ask` (the default) asks the user;
 * `yes` refuses it without asking; `accept-new` records it without asking.
 * OpenSSH's `no`/`off` would also accept a *changed* key; here they mean
 * `accept-new`: a changed key is always refused.
 */
export type StrictHostKeyChecking = 'ask' | 'yes' | 'accept-new';

/** Connect time-out when neither the caller nor the host's ConnectTimeout sets one. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** Per-host client options found in the ssh config; absent fields were not set there. */
export interface SshClientOptions {
  /** UserKnownHostsFile: the user's files, new keys recorded in the first (`none`: an empty list). */
  knownHostsFiles?: string[];
  /** GlobalKnownHostsFile: system files, checked after the user's, never written. */
  globalKnownHostsFiles?: string[];
  strictHostKeyChecking?: StrictHostKeyChecking;
  /** IdentitiesOnly yes: the agent may only offer the keys of the IdentityFile entries. */
  identitiesOnly?: boolean;
  /** ConnectTimeout, converted to ms. */
  connectTimeoutMs?: number;
}

/** The system known_hosts file OpenSSH checks unless GlobalKnownHostsFile says otherwise. */
const SYSTEM_KNOWN_HOSTS = '/etc/ssh/ssh_known_hosts';

/** `~/.ssh/known_hosts` first (new keys go there), then the system file. */
export function defaultKnownHostsFiles(home = os.homedir()): string[] {
  return [path.join(home, '.ssh', 'known_hosts'), SYSTEM_KNOWN_HOSTS];
}

const STRICT_VALUES: Record<string, StrictHostKeyChecking> = {
  ask: 'ask',
  yes: 'yes',
  true: 'yes',
  'accept-new': 'accept-new',
  no: 'accept-new',
  off: 'accept-new',
  false: 'accept-new',
};

function bad(where: string, key: string, expected: string, found: unknown): Error {
  return new Error(`${where}: ${key}: expected ${expected}, found ${JSON.stringify(found)}`);
}

function single(value: unknown, where: string, key: string): string {
  const v = Array.isArray(value) ? value[0] : value;
  if (typeof v !== 'string') throw bad(where, key, 'a value', value);
  return v;
}

/** StrictHostKeyChecking as OpenSSH spells it (yes, no, off, accept-new, ask, true, false). */
export function parseStrictHostKeyChecking(value: unknown, where: string): StrictHostKeyChecking {
  const v = single(value, where, 'StrictHostKeyChecking');
  const mode = STRICT_VALUES[v.toLowerCase()];
  if (!mode) throw bad(where, 'StrictHostKeyChecking', 'yes, accept-new, no, off or ask', v);
  return mode;
}

/** IdentitiesOnly yes/no. */
export function parseIdentitiesOnly(value: unknown, where: string): boolean {
  const v = single(value, where, 'IdentitiesOnly').toLowerCase();
  if (v === 'yes' || v === 'true') return true;
  if (v === 'no' || v === 'false') return false;
  throw bad(where, 'IdentitiesOnly', 'yes or no', v);
}

/** ConnectTimeout in whole seconds (> 0), returned in ms. */
export function parseConnectTimeout(value: unknown, where: string): number {
  const v = single(value, where, 'ConnectTimeout');
  const seconds = Number(v);
  if (!/^\d+$/.test(v.trim()) || !(seconds > 0)) throw bad(where, 'ConnectTimeout', 'a whole number of seconds > 0', v);
  return seconds * 1000;
}

/** Expands `~`, `%d` (home), `%u` (local user) and `%%` in a path from the ssh config. */
export function expandConfigPath(p: string, home: string, localUser: string): string {
  const tokens = p.replace(/%([%du])/g, (_, t: string) => (t === '%' ? '%' : t === 'd' ? home : localUser));
  return tokens === '~' ? home : tokens.startsWith('~/') ? path.join(home, tokens.slice(2)) : tokens;
}

/** UserKnownHostsFile or GlobalKnownHostsFile: one or more paths; `none` means no file. */
export function parseKnownHostsFiles(value: unknown, home: string, localUser: string): string[] {
  const values = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
  if (values.length === 1 && values[0].toLowerCase() === 'none') return [];
  return values.map((v) => expandConfigPath(v, home, localUser));
}

/** The client options of one host from an ssh-config `compute()` result; `where` names the file and host for messages. */
export function clientOptionsFrom(computed: Record<string, unknown>, where: string, home: string, localUser: string): SshClientOptions {
  const out: SshClientOptions = {};
  if (computed.UserKnownHostsFile !== undefined) out.knownHostsFiles = parseKnownHostsFiles(computed.UserKnownHostsFile, home, localUser);
  if (computed.GlobalKnownHostsFile !== undefined) out.globalKnownHostsFiles = parseKnownHostsFiles(computed.GlobalKnownHostsFile, home, localUser);
  if (computed.StrictHostKeyChecking !== undefined) out.strictHostKeyChecking = parseStrictHostKeyChecking(computed.StrictHostKeyChecking, where);
  if (computed.IdentitiesOnly !== undefined) out.identitiesOnly = parseIdentitiesOnly(computed.IdentitiesOnly, where);
  if (computed.ConnectTimeout !== undefined) out.connectTimeoutMs = parseConnectTimeout(computed.ConnectTimeout, where);
  return out;
}

/** What the caller may set explicitly; unset fields fall back to the host's options, then the defaults. */
export interface CallerClientOptions {
  /** known_hosts files to check; new keys are recorded in the first. */
  knownHostsFiles?: string[];
  connectTimeoutMs?: number;
  strictHostKeyChecking?: StrictHostKeyChecking;
}

/** The options one connection uses. */
export interface EffectiveClientOptions {
  /** Every known_hosts file to check, user files first. */
  knownHostsFiles: string[];
  /** Where a newly trusted key is written (never a system file); undefined: nowhere. */
  recordKnownHostsIn: string | undefined;
  connectTimeoutMs: number;
  strictHostKeyChecking: StrictHostKeyChecking;
  identitiesOnly: boolean;
}

/** The known_hosts files: the caller's list, else the host's user and global files, else the defaults. */
function knownHostsOf(host: SshClientOptions | undefined, caller: CallerClientOptions): { check: string[]; record: string | undefined } {
  if (caller.knownHostsFiles) return { check: caller.knownHostsFiles, record: caller.knownHostsFiles[0] };
  const defaults = defaultKnownHostsFiles();
  const user = host?.knownHostsFiles ?? defaults.slice(0, 1);
  const global = host?.globalKnownHostsFiles ?? [SYSTEM_KNOWN_HOSTS];
  return { check: [...user, ...global], record: user[0] };
}

/** The options a connection uses: the caller's, else the host's config, else the defaults. */
export function effectiveClientOptions(host: SshClientOptions | undefined, caller: CallerClientOptions): EffectiveClientOptions {
  const knownHosts = knownHostsOf(host, caller);
  return {
    knownHostsFiles: knownHosts.check,
    recordKnownHostsIn: knownHosts.record,
    connectTimeoutMs: caller.connectTimeoutMs ?? host?.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    strictHostKeyChecking: caller.strictHostKeyChecking ?? host?.strictHostKeyChecking ?? 'ask',
    identitiesOnly: host?.identitiesOnly ?? false,
  };
}
