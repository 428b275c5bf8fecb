/**
 * One authenticated SSH connection (ssh2), opened with host-key verification
 * against known_hosts, agent / key-file / password authentication through
 * callbacks, a connect timeout, keep-alive and ProxyJump. Secrets are asked
 * for at use time and never logged. The TCP socket (or the jump channel) is
 * owned here and destroyed on every way out, so nothing is left open.
 */
import net from 'node:net';
import { Client, type ClientChannel, type ConnectConfig, type SFTPWrapper } from 'ssh2';
import type { Duplex } from 'node:stream';
import { AuthenticationError, ConnectTimeoutError, HostKeyUnknownError, RemoteError } from '../errors';
import { AuthSequence } from './authSequence';
import { effectiveClientOptions, type StrictHostKeyChecking } from './clientOptions';
import { describeTarget, type SshTarget } from './hostConfig';
import { checkHostKey, type HostKeyPrompt } from './hostKeyCheck';
import { knownHostsName, knownKeyTypes, loadKnownHosts } from './knownHosts';

export type { HostKeyPrompt };

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

/**
 * Connection settings. known_hosts files, the connect time-out and
 * StrictHostKeyChecking given here win over the host's ssh config
 * (UserKnownHostsFile, ConnectTimeout, StrictHostKeyChecking); left out,
 * the ssh config's values apply, else the defaults (clientOptions.ts).
 */
export interface ConnectOptions extends ConnectCallbacks {
  /** known_hosts files to check; new keys go to the first one. */
  knownHostsFiles?: string[];
  /** Write new entries hashed (HashKnownHosts yes). Default true. */
  hashKnownHosts?: boolean;
  /** Time for the host to answer and for authentication (prompts excluded). */
  connectTimeoutMs?: number;
  strictHostKeyChecking?: StrictHostKeyChecking;
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
/** How long a closing connection may take to say goodbye before its socket is destroyed. */
const CLOSE_GRACE_MS = 1000;

/** An open connection; `close()` when done. */
export class SshConnection {
  private sftpPromise: Promise<SFTPWrapper> | undefined;
  private closed = false;
  private readonly closeListeners: Array<() => void> = [];

  constructor(
    readonly target: SshTarget,
    private readonly client: Client,
    private readonly hops: SshConnection[],
    /** The socket or jump channel under the client; destroyed if a clean close does not finish. */
    private readonly transport: Duplex,
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

  /** Closes this connection and its jump hosts; a peer that does not answer the goodbye is cut off. */
  close(): void {
    if (!this.closed) {
      this.client.end();
      const force = setTimeout(() => this.transport.destroy(), CLOSE_GRACE_MS);
      force.unref();
      this.onClose(() => clearTimeout(force));
    }
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
    return await connectOne({ ...target, jumps: [] }, opts, sock, hops);
  } catch (error) {
    for (const h of hops) h.close();
    throw error;
  }
}

/** A timer for the connect time-out that prompts can pause. */
function connectTimer(ms: number, onTimeout: () => void): { arm(): void; pause(): void; clear(): void } {
  let timer: NodeJS.Timeout | undefined;
  const pause = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  return { arm: () => (pause(), (timer = setTimeout(onTimeout, ms))), pause, clear: pause };
}

async function connectOne(target: SshTarget, opts: ConnectOptions, sock?: Duplex, hops: SshConnection[] = []): Promise<SshConnection> {
  const where = describeTarget(target);
  const khName = knownHostsName(target.hostName, target.port);
  const settings = effectiveClientOptions(target.options, opts);
  const entries = await loadKnownHosts(settings.knownHostsFiles);
  const preferred = knownKeyTypes(entries, khName).flatMap((t) => (t === 'ssh-rsa' ? RSA_ALGOS : [t]));
  const log = opts.log ?? (() => {});
  const client = new Client();
  const transport: Duplex = sock ?? net.connect({ host: target.hostName, port: target.port });

  return new Promise<SshConnection>((resolve, reject) => {
    let settled = false;
    let failure: Error | undefined;
    const timer = connectTimer(settings.connectTimeoutMs, () => finish(new ConnectTimeoutError(where, settings.connectTimeoutMs)));
    // Local work and prompts (host-key decision, reading and decrypting keys, passwords) do not count
    // against the time-out: it bounds the time spent waiting for the host.
    const untimed = <T>(work: () => Promise<T>): Promise<T> => {
      timer.pause();
      return work().finally(() => {
        if (!settled) timer.arm();
      });
    };
    const agentSocket = opts.agentSocket ?? process.env.SSH_AUTH_SOCK ?? '';
    const auth = new AuthSequence({ user: target.user, where, identityFiles: target.identityFiles, agentSocket, identitiesOnly: settings.identitiesOnly }, opts);

    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      timer.clear();
      opts.signal?.removeEventListener('abort', onAbort);
      if (!error) return resolve(new SshConnection(target, client, hops, transport));
      transport.destroy();
      reject(error);
    };
    const onAbort = () => finish(opts.signal?.reason instanceof Error ? opts.signal.reason : new Error('connection cancelled'));
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    const hostVerifier = (key: Buffer, verify: (ok: boolean) => void) => {
      const check = { entries, name: khName, recordIn: settings.recordKnownHostsIn, strict: settings.strictHostKeyChecking, hashKnownHosts: opts.hashKnownHosts ?? true, log };
      untimed(() => checkHostKey(key, { ...check, confirm: opts.confirmHostKey })).then(
        () => verify(true),
        (error: unknown) => {
          failure = error instanceof Error ? error : new Error(String(error));
          verify(false);
        },
      );
    };
    const authHandler = (methodsLeft: string[] | null, _partial: boolean | null, next: (auth: unknown) => void) => {
      untimed(() => auth.next(methodsLeft)).then(next, (error: Error) => {
        failure = error;
        next(false);
      });
    };

    client.on('ready', () => {
      auth.succeeded();
      log(`connected to ${where}`);
      finish();
    });
    client.on('error', (error: Error & { level?: string }) => {
      if (failure) return finish(failure);
      if (error.level === 'client-authentication') return finish(new AuthenticationError(where, auth.tried, auth.problems()));
      if (/verification failed/i.test(error.message)) return finish(new HostKeyUnknownError(khName, '?'));
      finish(new RemoteError(`${where}: ${error.message}`));
    });
    client.on('close', () => {
      if (!settled) finish(failure ?? new RemoteError(`${where} closed the connection during setup`));
    });

    timer.arm();
    const config: ConnectConfig = {
      host: target.hostName,
      port: target.port,
      username: target.user,
      sock: transport as ConnectConfig['sock'],
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
