/**
 * The decision on a presented host key: trusted keys pass, changed and
 * revoked keys are refused, and unknown keys follow StrictHostKeyChecking
 * (`ask`: the user decides; `yes`: refused without asking; `accept-new`:
 * recorded without asking). A changed key is refused in every mode.
 */
import { HostKeyChangedError, HostKeyRevokedError, HostKeyUnknownError } from '../errors';
import type { StrictHostKeyChecking } from './clientOptions';
import { appendKnownHost, fingerprintSha256, keyTypeOfBlob, verifyHostKey, type KnownHostEntry } from './knownHosts';

/** What the user is shown before trusting an unknown host key. */
export interface HostKeyPrompt {
  /** `host` or `[host]:port`, as written to known_hosts. */
  host: string;
  keyType: string;
  /** `SHA256:...`, as `ssh` prints it. */
  fingerprint: string;
}

/** Everything the decision needs. */
export interface HostKeyCheck {
  entries: KnownHostEntry[];
  /** The known_hosts name of the host (`host` or `[host]:port`). */
  name: string;
  /** Where a newly trusted key is recorded; undefined: nowhere. */
  recordIn: string | undefined;
  strict: StrictHostKeyChecking;
  hashKnownHosts: boolean;
  confirm?(prompt: HostKeyPrompt): Promise<boolean>;
  log(line: string): void;
}

async function record(key: Buffer, check: HostKeyCheck, fingerprint: string, how: string): Promise<void> {
  const file = check.recordIn;
  if (file) await appendKnownHost(file, check.name, key, check.hashKnownHosts);
  check.log(`${how} ${check.name} ${fingerprint}; ${file ? `recorded in ${file}` : 'not recorded (no known_hosts file)'}`);
}

/** Resolves when `key` may be used for the host; rejects with the host-key error otherwise. */
export async function checkHostKey(key: Buffer, check: HostKeyCheck): Promise<void> {
  const fingerprint = fingerprintSha256(key);
  const keyType = keyTypeOfBlob(key);
  const verdict = verifyHostKey(check.entries, check.name, key);
  check.log(`host key of ${check.name}: ${keyType} ${fingerprint} (${verdict.status})`);
  if (verdict.status === 'trusted') return;
  if (verdict.status === 'changed') throw new HostKeyChangedError(check.name, fingerprint, verdict.entry.file, verdict.entry.line);
  if (verdict.status === 'revoked') throw new HostKeyRevokedError(check.name, fingerprint);
  if (check.strict === 'yes') throw new HostKeyUnknownError(check.name, fingerprint, 'StrictHostKeyChecking yes');
  if (check.strict === 'accept-new') return record(key, check, fingerprint, 'accepted new key (StrictHostKeyChecking accept-new) of');
  const ok = check.confirm ? await check.confirm({ host: check.name, keyType, fingerprint }) : false;
  if (!ok) throw new HostKeyUnknownError(check.name, fingerprint);
  await record(key, check, fingerprint, 'trusted');
}
