/**
 * "Add Jetson...": a guided input (host, user, port, key file, alias), a
 * connection test through the same host-key checks and trust prompt as a
 * profile run, the device probe, and then the entry written to the user's
 * `dynapruner.remote.hosts` (by the controller, with `addHostSetting`).
 */
import os from 'node:os';
import path from 'node:path';
import SSHConfig from 'ssh-config';
import * as vscode from 'vscode';
import { probeDevice, type DeviceFacts } from '../../core/remote/device/deviceProbe';
import { resolveHost, type HostSettings } from '../../core/remote/ssh/hostConfig';
import { connectSsh } from '../../core/remote/ssh/sshConnection';
import type { Log } from '../log';
import { remoteSettings } from './remoteSettings';
import { vscodeConnectCallbacks } from './secretPrompts';

const HOST_NAME = /^[A-Za-z0-9_.:%-]+$/;
const USER = /^[A-Za-z0-9_.-]+$/;
const ALIAS = /^[A-Za-z0-9_.-]+$/;

async function ask(step: number, title: string, value: string, prompt: string, check: (v: string) => string | undefined): Promise<string | undefined> {
  const answer = await vscode.window.showInputBox({ title: vscode.l10n.t('Add Jetson ({0}/5): {1}', step, title), value, prompt, ignoreFocusOut: true, validateInput: check });
  return answer?.trim();
}

/** Asks for the entry; undefined when the user cancels. */
export async function askHostEntry(): Promise<HostSettings | undefined> {
  const hostName = await ask(1, 'Host', '', 'Host name or IP address of the device', (v) => (HOST_NAME.test(v.trim()) ? undefined : 'a host name or an IP address'));
  if (!hostName) return undefined;
  const user = await ask(2, 'User', os.userInfo().username, 'User on the device', (v) => (USER.test(v.trim()) ? undefined : 'a user name (letters, digits, . _ -)'));
  if (!user) return undefined;
  const portText = await ask(3, 'Port', '22', 'SSH port', (v) => (/^\d+$/.test(v.trim()) && Number(v) >= 1 && Number(v) <= 65535 ? undefined : 'a port number 1-65535'));
  if (!portText) return undefined;
  const key = await ask(4, 'Key file', path.join(os.homedir(), '.ssh', 'id_ed25519'), 'Private key file (empty: ssh-agent and the default keys)', () => undefined);
  if (key === undefined) return undefined;
  const alias = await ask(5, 'Name', hostName.split('.')[0], 'Name the device gets in the Devices view', (v) => (ALIAS.test(v.trim()) ? undefined : 'letters, digits, . _ -'));
  if (!alias) return undefined;
  return { alias, hostName, user, port: Number(portText), ...(key ? { identityFiles: [key] } : {}) };
}

/** Connects to the entry (host-key prompt included), probes it and disconnects. */
export async function testConnection(entry: HostSettings, secrets: vscode.SecretStorage, log: Log, signal: AbortSignal): Promise<DeviceFacts> {
  const cfg = remoteSettings();
  const host = resolveHost(entry.alias, { sshConfig: SSHConfig.parse(''), hosts: [entry] });
  const conn = await connectSsh(host.target, {
    knownHostsFiles: cfg.knownHostsFiles,
    connectTimeoutMs: cfg.connectTimeoutMs,
    signal,
    ...vscodeConnectCallbacks(secrets, (l) => log.info(`remote: ${l}`), cfg.knownHostsFiles[0]),
  });
  try {
    return await probeDevice(conn, host.device, signal);
  } finally {
    conn.close();
  }
}

/** One line describing a probed device (the Devices view's description). */
export function describeDevice(facts: DeviceFacts): string {
  const board = facts.model ?? `not a Jetson (${facts.kernel})`;
  return facts.l4t ? `${board} · L4T ${facts.l4t}` : board;
}

