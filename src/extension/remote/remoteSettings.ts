/**
 * The remote-profiling settings (`dynapruner.remote.*`), read through the
 * extension's config reader, and the one place that writes: a new host
 * appended to the user's `dynapruner.remote.hosts`.
 */
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { defaultKnownHostsFiles, validateHostSettings } from '../../core/remote/device/remoteEnvironment';
import { PROFILE_BACKENDS, PROFILE_DEFAULTS, type ProfileDefaults } from '../../core/remote/profile/profileDefaults';
import { SELECTABLE_VARIANT_KINDS, VARIANT_KINDS, type VariantKind } from '../../core/remote/profile/variants';
import type { HostSettings } from '../../core/remote/ssh/hostConfig';
import { Settings } from '../../shared/ids';
import { get } from '../config';

/** Connection settings of every run. */
export interface RemoteSettings {
  hosts: HostSettings[];
  connectTimeoutMs: number;
  workDir: string | undefined;
  /** known_hosts files to check; a trusted key is recorded in the first. */
  knownHostsFiles: string[];
}

function expandHome(file: string): string {
  return file === '~' || file.startsWith('~/') ? path.join(os.homedir(), file.slice(1)) : file;
}

/** The connection settings; throws one line naming the setting when `dynapruner.remote.hosts` is malformed. */
export function remoteSettings(): RemoteSettings {
  const knownHostsFile = get<string>(Settings.remoteKnownHostsFile, '');
  return {
    hosts: validateHostSettings(get<unknown>(Settings.remoteHosts, []), Settings.remoteHosts),
    connectTimeoutMs: get<number>(Settings.remoteConnectTimeoutMs, 10000),
    workDir: get<string>(Settings.remoteWorkDir, '') || undefined,
    // An explicit file is the only one read and written; empty: ~/.ssh/known_hosts and the system file.
    knownHostsFiles: knownHostsFile ? [expandHome(knownHostsFile)] : defaultKnownHostsFiles(),
  };
}

function intSetting(key: string, fallback: number, min: number): number {
  const v = get<number>(key, fallback);
  return Number.isInteger(v) && v >= min ? v : fallback;
}

/** The profile defaults with the user's settings applied (a setting out of range keeps the default). */
export function profileDefaults(): ProfileDefaults {
  const backend = get<string>(Settings.profileBackend, PROFILE_DEFAULTS.backend);
  return {
    backend: PROFILE_BACKENDS.find((b) => b === backend) ?? PROFILE_DEFAULTS.backend,
    warmup: intSetting(Settings.profileWarmup, PROFILE_DEFAULTS.warmup, 0),
    iterations: intSetting(Settings.profileIterations, PROFILE_DEFAULTS.iterations, 1),
    perSample: intSetting(Settings.profilePerSample, PROFILE_DEFAULTS.perSample, 1),
  };
}

/** The variants the panel's runs profile (`dynapruner.remote.profile.variants`; unknown names dropped, the CLI's default when none is left). */
export function profileVariantKinds(): VariantKind[] {
  const raw = get<unknown>(Settings.profileVariants, [...VARIANT_KINDS]);
  const known = Array.isArray(raw) ? raw.filter((v): v is VariantKind => (SELECTABLE_VARIANT_KINDS as readonly unknown[]).includes(v)) : [];
  return known.length ? [...new Set(known)] : [...VARIANT_KINDS];
}

/** Whether the panel's runs profile every variant node by node (`dynapruner.remote.profile.layers`; node and ort backends). */
export function profileLayersSetting(): boolean {
  return get<boolean>(Settings.profileLayers, false) === true;
}

/** Appends a host to the user's `dynapruner.remote.hosts` (replacing an entry with the same alias). */
export async function addHostSetting(host: HostSettings): Promise<void> {
  const [section, ...rest] = Settings.remoteHosts.split('.');
  const config = vscode.workspace.getConfiguration(section);
  const key = rest.join('.');
  const current = validateHostSettings(config.inspect<unknown>(key)?.globalValue ?? [], `user settings ${Settings.remoteHosts}`);
  await config.update(key, [...current.filter((h) => h.alias !== host.alias), host], vscode.ConfigurationTarget.Global);
}
