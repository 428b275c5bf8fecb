/**
 * Where a device is and how to use it: one entry of `dynapruner.remote.hosts`
 * (or a Host alias of ~/.ssh/config), resolved into a connection target plus
 * the device-side options (device-file root, work folder, runtimes).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type SSHConfigClass from 'ssh-config' with { 'resolution-mode': 'import' };
import { clientOptionsFrom, type SshClientOptions } from './clientOptions';

/** ssh-config ships CommonJS for require(); its types are declared for import only. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const SSHConfig = (require('ssh-config') as { default: typeof SSHConfigClass }).default;
type SSHConfig = SSHConfigClass;

/** One host as configured in settings; every field but `alias` is optional. */
export interface HostSettings {
  /** Name shown in the UI and used with `--host`; also looked up in ~/.ssh/config. */
  alias: string;
  hostName?: string;
  user?: string;
  port?: number;
  identityFiles?: string[];
  /** `ProxyJump` syntax: `[user@]host[:port]` or an alias, comma-separated for a chain. */
  proxyJump?: string;
  /** Folder that stands for `/` when reading device files (`proc/device-tree/model`, `etc/nv_tegra_release`). */
  deviceRoot?: string;
  /** Per-user remote work folder; `~/` is the remote home. */
  workDir?: string;
  /** `node` on the device (default: `node` on PATH). */
  nodePath?: string;
  /** Path or name that the Node runner `require`s for onnxruntime-node. */
  ortModulePath?: string;
  /** `python3` on the device. */
  pythonPath?: string;
  /** `trtexec` on the device (default: PATH, then /usr/src/tensorrt/bin/trtexec). */
  trtexecPath?: string;
  /** tegrastats interval in ms (default 100). */
  tegrastatsIntervalMs?: number;
}

/** A resolved SSH endpoint. */
export interface SshTarget {
  alias: string;
  hostName: string;
  user: string;
  port: number;
  identityFiles: string[];
  /** Hops to go through first, outermost first. */
  jumps: SshTarget[];
  /** UserKnownHostsFile, StrictHostKeyChecking, IdentitiesOnly, ConnectTimeout from the ssh config. */
  options?: SshClientOptions;
}

/** Device-side options with defaults applied. */
export interface DeviceOptions {
  deviceRoot: string;
  workDir: string;
  nodePath: string;
  ortModulePath: string;
  pythonPath: string;
  trtexecPath: string;
  tegrastatsIntervalMs: number;
}

/** A host ready to connect to and run on. */
export interface ResolvedHost {
  target: SshTarget;
  device: DeviceOptions;
}

/** Default remote work folder, under the remote user's home. */
export const DEFAULT_WORK_DIR = '~/.cache/dynapruner-studio';

function expandHome(p: string, home: string): string {
  return p === '~' ? home : p.startsWith('~/') ? path.join(home, p.slice(2)) : p;
}

function asArray(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function validPort(value: unknown, where: string): number {
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) {
    throw new Error(`${where}: Port must be an integer 1-65535, found ${JSON.stringify(value)}`);
  }
  return n;
}

/** Reads ~/.ssh/config (or `file`); a missing file is an empty config. */
export async function readSshConfig(file = path.join(os.homedir(), '.ssh', 'config')): Promise<SSHConfig> {
  try {
    return SSHConfig.parse(await fs.readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return SSHConfig.parse('');
    throw new Error(`${file}: ${(error as Error).message}`);
  }
}

/** Aliases declared in an ssh config (no wildcards), for the Devices view. */
export function sshConfigAliases(config: SSHConfig): string[] {
  const out: string[] = [];
  for (const line of config) {
    const l = line as { param?: string; value?: unknown };
    if (l.param?.toLowerCase() !== 'host') continue;
    const values = Array.isArray(l.value) ? l.value : [l.value];
    for (const v of values) {
      const name = typeof v === 'string' ? v : (v as { val?: string })?.val;
      if (name && !/[*?!]/.test(name)) out.push(name);
    }
  }
  return out;
}

interface ResolveContext {
  config: SSHConfig;
  hosts: HostSettings[];
  home: string;
  localUser: string;
  /** The ssh config's file name, for messages. */
  configFile: string;
  depth: number;
}

function resolveTarget(spec: string, ctx: ResolveContext): SshTarget {
  if (ctx.depth > 8) throw new Error(`ProxyJump chain through '${spec}' is longer than 8 hops (a loop?)`);
  // `[user@]host[:port]` form of ProxyJump, or a plain alias.
  const m = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(spec.trim());
  if (!m) throw new Error(`ProxyJump: cannot read '${spec}' (expected [user@]host[:port])`);
  const name = m[2].replace(/^\[|\]$/g, '');
  const settings = ctx.hosts.find((h) => h.alias === name);
  const computed = ctx.config.compute(name);
  const get = (k: string) => computed[k] as string | undefined;
  const hostName = settings?.hostName ?? get('HostName') ?? name;
  const user = m[1] ?? settings?.user ?? get('User') ?? ctx.localUser;
  const port = validPort(m[3] ?? settings?.port ?? get('Port') ?? 22, `host '${name}'`);
  const idFiles = (settings?.identityFiles ?? asArray(computed.IdentityFile)).map((f) => expandHome(f, ctx.home));
  const jumpSpec = settings?.proxyJump ?? get('ProxyJump');
  const jumps =
    jumpSpec && jumpSpec.toLowerCase() !== 'none'
      ? jumpSpec.split(',').map((hop) => resolveTarget(hop, { ...ctx, depth: ctx.depth + 1 }))
      : [];
  const options = clientOptionsFrom(computed, `${ctx.configFile}: Host ${name}`, ctx.home, ctx.localUser);
  return { alias: name, hostName: hostName.replace('%h', name), user, port, identityFiles: idFiles, jumps, options };
}

/**
 * Resolves an alias: settings first, then ~/.ssh/config (Host, HostName,
 * User, Port, IdentityFile, ProxyJump, and the client options of
 * clientOptions.ts), then the alias itself as host name.
 */
export function resolveHost(
  alias: string,
  opts: { sshConfig: SSHConfig; hosts: HostSettings[]; home?: string; localUser?: string; sshConfigFile?: string },
): ResolvedHost {
  const home = opts.home ?? os.homedir();
  const ctx: ResolveContext = {
    config: opts.sshConfig,
    hosts: opts.hosts,
    home,
    localUser: opts.localUser ?? os.userInfo().username,
    configFile: opts.sshConfigFile ?? '~/.ssh/config',
    depth: 0,
  };
  const target = resolveTarget(alias, ctx);
  if (target.identityFiles.length === 0) {
    target.identityFiles = ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((f) => path.join(home, '.ssh', f));
  }
  const s = opts.hosts.find((h) => h.alias === alias);
  if (s?.tegrastatsIntervalMs !== undefined && !(s.tegrastatsIntervalMs >= 10)) {
    throw new Error(`host '${alias}': tegrastatsIntervalMs must be at least 10, found ${s.tegrastatsIntervalMs}`);
  }
  return {
    target,
    device: {
      deviceRoot: s?.deviceRoot ?? '/',
      workDir: s?.workDir ?? DEFAULT_WORK_DIR,
      nodePath: s?.nodePath ?? 'node',
      ortModulePath: s?.ortModulePath ?? 'onnxruntime-node',
      pythonPath: s?.pythonPath ?? 'python3',
      trtexecPath: s?.trtexecPath ?? 'trtexec',
      tegrastatsIntervalMs: s?.tegrastatsIntervalMs ?? 100,
    },
  };
}

/** `user@host:port`, for messages. */
export function describeTarget(t: SshTarget): string {
  return `${t.user}@${t.hostName}:${t.port}`;
}
