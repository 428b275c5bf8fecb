/**
 * One authenticated SSH connection (ssh2), opened with host-key verification
 * against known_hosts, agent / key-file / password authentication through
 * callbacks, a connect timeout, keep-alive and ProxyJump. Secrets are asked
 * for at use time and never logged.
 */
import { promises as fs } from 'node:fs';
import { Client, utils, type ClientChannel, type ConnectConfig, type SFTPWrapper } from 'ssh2';
import type { Duplex } from 'node:stream';
import {
  AuthenticationError,
  ConnectTimeoutError,
  HostKeyChangedError,
  HostKeyRevokedError,
  HostKeyUnknownError,
  RemoteError,
} from '../errors';
import { describeTarget, type SshTarget } from './hostConfig';
import {
  appendKnownHost,
  fingerprintSha256,
  keyTypeOfBlob,
  knownHostsName,
  knownKeyTypes,
  loadKnownHosts,
  verifyHostKey,
} from './knownHosts';

/** What the user is shown before trusting an unknown host key. */
export interface HostKeyPrompt {
  /** `host` or `[host]:port`, as written to known_hosts. */
  host: string;
  keyType: string;
  /** `SHA256:...`, as `ssh` prints it. */
  fingerprint: string;
}

/** Interaction hooks; the extension implements them with VS Code UI and SecretStorage, the CLI with a TTY. */
export interface ConnectCallbacks {
  /** Asked when the host key is not in known_hosts; resolve true to trust and record it. */
  confirmHostKey?(prompt: HostKeyPrompt): Promise<boolean>;
  /** Passphrase of an encrypted key file; undefined skips the key. */
  askPassphrase?(keyFile: string, retry: boolean): Promise<string | undefined>;
  /** Password for `user@host:port`; undefined skips password authentication. */
  askPassword?(target: string): Promise<string | undefined>;
  /** Told which secret worked, so the caller may keep it (SecretStorage). */
  secretAccepted?(kind: 'passphrase' | 'password', id: string, value: string): void;
  /** Told which secret failed, so the caller may forget it. */
  secretRejected?(kind: 'passphrase' | 'password', id: string): void;
  /** Progress and diagnostics; never receives secrets. */
  log?(line: string): void;
}

/** Connection settings. */
export interface ConnectOptions extends ConnectCallbacks {
  /** known_hosts files to check; new keys go to the first one. */
  knownHostsFiles: string[];
  /** Write new entries hashed (HashKnownHosts yes). Default true. */
  hashKnownHosts?: boolean;
  /** Time for the host to answer and for authentication (prompts excluded). */
  connectTimeoutMs: number;
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /** ssh-agent socket (default: $SSH_AUTH_SOCK). Empty string disables the agent. */
  agentSocket?: string;
  signal?: AbortSignal;
}

/** Result of a finished remote command. */
export interface ExecResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

const RSA_ALGOS = ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];

/** An open connection; `close()` when done. */
export class SshConnection {
  private sftpPromise: Promise<SFTPWrapper> | undefined;
  private closed = false;
  private readonly closeListeners: Array<() => void> = [];

  constructor(
    readonly target: SshTarget,
    private readonly client: Client,
    private readonly hops: SshConnection[],
  ) {
    client.on('close', () => {
      this.closed = true;
      for (const l of this.closeListeners.splice(0)) l();
    });
  }

  /** True once the transport is gone (then reconnect with `connectSsh`). */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Called once when the connection closes for any reason. */
  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }

  /** Opens an exec channel for a command line (quote it with shellQuote). */
  channel(command: string): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new RemoteError(`connection to ${describeTarget(this.target)} is closed`));
      this.client.exec(command, (err, stream) => (err ? reject(err) : resolve(stream)));
    });
  }

  /** Runs a command to completion; `stdin` is written then closed. Abort closes the channel. */
  async exec(command: string, opts: { stdin?: string | Buffer; signal?: AbortSignal } = {}): Promise<ExecResult> {
    const stream = await this.channel(command);
    return new Promise((resolve, reject) => {
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let code: number | null = null;
      let sig: string | null = null;
      const onAbort = () => {
        stream.close();
        reject(opts.signal?.reason ?? new Error('aborted'));
      };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      stream.on('data', (d: Buffer) => out.push(d));
      stream.stderr.on('data', (d: Buffer) => err.push(d));
      stream.on('exit', (c: number | null, s?: string) => {
        code = c;
        sig = s ?? null;
      });
      stream.on('close', () => {
        opts.signal?.removeEventListener('abort', onAbort);
        resolve({ code, signal: sig, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
      });
      if (opts.stdin !== undefined) stream.end(opts.stdin);
      else stream.end();
    });
  }

  /** The SFTP session of this connection (opened once). */
  sftp(): Promise<SFTPWrapper> {
    this.sftpPromise ??= new Promise((resolve, reject) => this.client.sftp((err, s) => (err ? reject(err) : resolve(s))));
    return this.sftpPromise;
  }

  /** Opens a TCP stream from the remote side (used for ProxyJump). */
  forwardOut(host: string, port: number): Promise<ClientChannel> {
    return new Promise((resolve, reject) =>
      this.client.forwardOut('127.0.0.1', 0, host, port, (err, stream) => (err ? reject(err) : resolve(stream))),
    );
  }

  /** Closes this connection and its jump hosts. */
  close(): void {
    this.client.end();
    for (const hop of this.hops) hop.close();
  }
}

/** Opens a connection to `target`, through its ProxyJump hops if any. */
export async function connectSsh(target: SshTarget, opts: ConnectOptions): Promise<SshConnection> {
  const hops: SshConnection[] = [];
  try {
    let sock: Duplex | undefined;
    for (const [i, hop] of target.jumps.entries()) {
      const hopTarget = { ...hop, jumps: [] };
      const conn = await connectOne(hopTarget, opts, sock);
      hops.push(conn);
      const next = target.jumps[i + 1] ?? target;
      opts.log?.(`jump via ${describeTarget(hop)} to ${next.hostName}:${next.port}`);
      sock = await conn.forwardOut(next.hostName, next.port);
    }
    const client = await connectOne({ ...target, jumps: [] }, opts, sock, hops);
    return client;
  } catch (error) {
    for (const h of hops) h.close();
    throw error;
  }
}

async function connectOne(target: SshTarget, opts: ConnectOptions, sock?: Duplex, hops: SshConnection[] = []): Promise<SshConnection> {
  const where = describeTarget(target);
  const khName = knownHostsName(target.hostName, target.port);
  const entries = await loadKnownHosts(opts.knownHostsFiles);
  const preferred = knownKeyTypes(entries, khName).flatMap((t) => (t === 'ssh-rsa' ? RSA_ALGOS : [t]));
  const client = new Client();
  const log = opts.log ?? (() => {});

  return new Promise<SshConnection>((resolve, reject) => {
    let settled = false;
    let failure: Error | undefined;
    let timer: NodeJS.Timeout | undefined;
    const tried: string[] = [];

    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (error) {
        client.end();
        client.destroy();
        reject(error);
      } else {
        resolve(new SshConnection(target, client, hops));
      }
    };
    const arm = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => finish(new ConnectTimeoutError(where, opts.connectTimeoutMs)), opts.connectTimeoutMs);
    };
    const pause = () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
    };
    const onAbort = () => finish(opts.signal?.reason instanceof Error ? opts.signal.reason : new Error('connection cancelled'));
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    const hostVerifier = (key: Buffer, verify: (ok: boolean) => void) => {
      pause();
      const fingerprint = fingerprintSha256(key);
      const verdict = verifyHostKey(entries, khName, key);
      log(`host key of ${khName}: ${keyTypeOfBlob(key)} ${fingerprint} (${verdict.status})`);
      if (verdict.status === 'trusted') {
        arm();
        return verify(true);
      }
      if (verdict.status === 'changed') {
        failure = new HostKeyChangedError(khName, fingerprint, verdict.entry.file, verdict.entry.line);
        return verify(false);
      }
      if (verdict.status === 'revoked') {
        failure = new HostKeyRevokedError(khName, fingerprint);
        return verify(false);
      }
      const ask = opts.confirmHostKey ?? (async () => false);
      ask({ host: khName, keyType: keyTypeOfBlob(key), fingerprint }).then(
        async (ok) => {
          if (!ok) {
            failure = new HostKeyUnknownError(khName, fingerprint);
            return verify(false);
          }
          if (opts.knownHostsFiles[0]) await appendKnownHost(opts.knownHostsFiles[0], khName, key, opts.hashKnownHosts ?? true);
          log(`trusted ${khName} ${fingerprint}; recorded in ${opts.knownHostsFiles[0]}`);
          arm();
          verify(true);
        },
        (error) => {
          failure = error instanceof Error ? error : new Error(String(error));
          verify(false);
        },
      );
    };

    // Authentication methods, in OpenSSH's order: agent, key files, password.
    type Step = () => Promise<Record<string, unknown> | null>;
    const steps: Step[] = [];
    const agent = opts.agentSocket ?? process.env.SSH_AUTH_SOCK;
    if (agent) {
      steps.push(async () => {
        tried.push('agent');
        return { type: 'agent', username: target.user, agent };
      });
    }
    for (const file of target.identityFiles) {
      steps.push(async () => {
        let data: Buffer;
        try {
          data = await fs.readFile(file);
        } catch {
          return null; // absent default keys are normal
        }
        let parsed = utils.parseKey(data);
        let passphrase: string | undefined;
        if (parsed instanceof Error && /encrypted|passphrase/i.test(parsed.message)) {
          for (let attempt = 0; attempt < 3 && (parsed instanceof Error); attempt++) {
            pause();
            passphrase = await opts.askPassphrase?.(file, attempt > 0);
            arm();
            if (passphrase === undefined) return null;
            parsed = utils.parseKey(data, passphrase);
            if (parsed instanceof Error) {
              log(`wrong passphrase for ${file}`);
              opts.secretRejected?.('passphrase', file);
            }
          }
          if (parsed instanceof Error) return null;
          opts.secretAccepted?.('passphrase', file, passphrase!);
        } else if (parsed instanceof Error) {
          log(`cannot read key ${file}: ${parsed.message}`);
          return null;
        }
        tried.push(`publickey ${file}`);
        return { type: 'publickey', username: target.user, key: data, passphrase };
      });
    }
    if (opts.askPassword) {
      steps.push(async () => {
        pause();
        const password = await opts.askPassword!(where);
        arm();
        if (password === undefined) return null;
        tried.push('password');
        pendingPassword = password;
        return { type: 'password', username: target.user, password };
      });
    }
    let pendingPassword: string | undefined;

    const authHandler = (methodsLeft: string[] | null, _partial: boolean | null, next: (auth: unknown) => void) => {
      if (tried.at(-1) === 'password' && pendingPassword !== undefined) {
        opts.secretRejected?.('password', where);
        pendingPassword = undefined;
      }
      const run = async () => {
        while (steps.length > 0) {
          const step = steps.shift()!;
          const auth = await step();
          if (!auth) continue;
          const method = auth.type === 'agent' ? 'publickey' : (auth.type as string);
          if (methodsLeft && !methodsLeft.includes(method)) {
            tried.pop();
            continue;
          }
          log(`trying ${auth.type}${auth.type === 'publickey' ? '' : ''} for ${where}`);
          return auth;
        }
        return false;
      };
      run().then(next, (error) => {
        failure = error;
        next(false);
      });
    };

    client.on('ready', () => {
      if (pendingPassword !== undefined) opts.secretAccepted?.('password', where, pendingPassword);
      log(`connected to ${where}`);
      finish();
    });
    client.on('error', (error: Error & { level?: string }) => {
      if (failure) return finish(failure);
      if (error.level === 'client-authentication') return finish(new AuthenticationError(where, tried));
      if (/verification failed/i.test(error.message)) return finish(new HostKeyUnknownError(khName, '?'));
      finish(new RemoteError(`${where}: ${error.message}`));
    });
    client.on('close', () => {
      if (!settled) finish(failure ?? new RemoteError(`${where} closed the connection during setup`));
    });

    arm();
    const config: ConnectConfig = {
      host: target.hostName,
      port: target.port,
      username: target.user,
      sock: sock as ConnectConfig['sock'],
      readyTimeout: 0,
      keepaliveInterval: opts.keepaliveIntervalMs ?? 15000,
      keepaliveCountMax: opts.keepaliveCountMax ?? 3,
      hostVerifier: hostVerifier as unknown as ConnectConfig['hostVerifier'],
      authHandler: authHandler as unknown as ConnectConfig['authHandler'],
      algorithms: preferred.length ? { serverHostKey: { prepend: preferred } as never } : undefined,
    };
    client.connect(config);
  });
}
