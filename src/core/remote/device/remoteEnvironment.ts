/**
 * Shared set-up for the CLI and the extension: where the known_hosts files
 * are, where the shipped runners are, and how a host alias plus the
 * `dynapruner.remote.hosts` entries become a ResolvedHost.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultKnownHostsFiles } from '../ssh/clientOptions';
import { readSshConfig, resolveHost, sshConfigAliases, type HostSettings, type ResolvedHost } from '../ssh/hostConfig';
import type { ProfileBackend } from '../../schema/profileResult';

export { defaultKnownHostsFiles };

/** Checks `dynapruner.remote.hosts` entries; the error names the entry and the field. */
export function validateHostSettings(value: unknown, where = 'dynapruner.remote.hosts'): HostSettings[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new Error(`${where}: expected an array of host objects`);
  return value.map((h, i) => {
    if (!h || typeof h !== 'object') throw new Error(`${where}[${i}]: expected an object`);
    const e = h as Record<string, unknown>;
    if (typeof e.alias !== 'string' || !e.alias) throw new Error(`${where}[${i}].alias: expected a non-empty string`);
    for (const k of ['hostName', 'user', 'proxyJump', 'deviceRoot', 'workDir', 'nodePath', 'ortModulePath', 'pythonPath', 'trtexecPath']) {
      if (e[k] !== undefined && typeof e[k] !== 'string') throw new Error(`${where}[${i}].${k}: expected a string`);
    }
    for (const k of ['port', 'tegrastatsIntervalMs']) {
      if (e[k] !== undefined && typeof e[k] !== 'number') throw new Error(`${where}[${i}].${k}: expected a number`);
    }
    if (e.identityFiles !== undefined && (!Array.isArray(e.identityFiles) || e.identityFiles.some((f) => typeof f !== 'string'))) {
      throw new Error(`${where}[${i}].identityFiles: expected an array of paths`);
    }
    for (const secret of ['password', 'passphrase']) {
      if (e[secret] !== undefined) throw new Error(`${where}[${i}].${secret}: secrets are not read from settings; you will be asked when connecting`);
    }
    return e as unknown as HostSettings;
  });
}

/** Resolves an alias with ~/.ssh/config and the settings entries. */
export async function resolveAlias(alias: string, hosts: HostSettings[], sshConfigFile?: string): Promise<ResolvedHost> {
  const file = sshConfigFile ?? path.join(os.homedir(), '.ssh', 'config');
  return resolveHost(alias, { sshConfig: await readSshConfig(file), hosts, sshConfigFile: file });
}

/** Every alias known from settings and ~/.ssh/config (for the Devices view). */
export async function knownAliases(hosts: HostSettings[], sshConfigFile?: string): Promise<string[]> {
  return [...new Set([...hosts.map((h) => h.alias), ...sshConfigAliases(await readSshConfig(sshConfigFile))])];
}

/**
 * The runner file shipped for a backend, looked up next to the bundle
 * (`dist/remoteRunner.js`, `dist/ort_runner.py`) and, for a source checkout,
 * under src/core/remote/profile/runner.
 */
export function shippedRunner(backend: ProfileBackend, distDir: string): string | undefined {
  if (backend === 'trtexec') return undefined;
  const name = backend === 'node' ? 'remoteRunner.js' : 'ort_runner.py';
  const candidates = [path.join(distDir, name), path.join(distDir, '..', 'src', 'core', 'remote', 'profile', 'runner', 'ort_runner.py')];
  const found = candidates.find((c) => path.basename(c) === name && existsSync(c));
  if (!found) throw new Error(`the ${backend} runner (${name}) is not next to ${distDir}; run 'npm run build'`);
  return found;
}
