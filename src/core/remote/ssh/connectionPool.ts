/**
 * Reusable SSH connections, one per target, for a long-lived caller (the
 * extension, a test session): an operation asks the pool for the target's
 * connection; a cached one is reused after a cheap liveness check (`true`
 * over an exec channel, bounded by the connect timeout), and a connection
 * that dropped between operations (closed, or not answering) is replaced by
 * a fresh one transparently. A drop in the middle of an operation is not
 * retried: that operation fails and the next one reconnects.
 */
import { RemoteError } from '../errors';
import { effectiveClientOptions } from './clientOptions';
import { describeTarget, type SshTarget } from './hostConfig';
import { connectSsh, type ConnectOptions, type SshConnection } from './sshConnection';

/** What `acquire` did, for progress messages and tests. */
export type AcquireOutcome = 'connected' | 'reused' | 'reconnected';

/** Key of a target: user@host:port plus its jump chain. */
function keyOf(t: SshTarget): string {
  return [describeTarget(t), ...t.jumps.map((j) => describeTarget(j))].join(' via ');
}

async function answers(conn: SshConnection, timeoutMs: number): Promise<boolean> {
  if (conn.isClosed) return false;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new RemoteError('liveness check timed out')), timeoutMs);
  try {
    const r = await conn.exec('true', { signal: controller.signal });
    return r.code === 0;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** A pool of open connections; `dispose()` closes them all. */
export class SshConnectionPool {
  private readonly open = new Map<string, Promise<SshConnection>>();
  private readonly connectedOnce = new Set<string>();
  private disposed = false;
  /** How many times a dropped connection was replaced (diagnostics, tests). */
  reconnects = 0;

  /**
   * The target's connection: reused when it still answers, else (re)opened
   * with `options`. Concurrent callers for one target share one connection.
   */
  async acquire(target: SshTarget, options: ConnectOptions): Promise<{ conn: SshConnection; outcome: AcquireOutcome }> {
    if (this.disposed) throw new RemoteError('connection pool disposed');
    const key = keyOf(target);
    const cached = this.open.get(key);
    if (cached) {
      const conn = await cached.catch(() => undefined);
      if (conn && (await answers(conn, effectiveClientOptions(target.options, options).connectTimeoutMs))) return { conn, outcome: 'reused' };
      if (conn) {
        options.log?.(`connection to ${key} does not answer; reconnecting`);
        conn.close();
      }
      if (this.open.get(key) === cached) this.open.delete(key);
    }
    const wasConnected = this.connectedOnce.has(key);
    // Another caller may have started the reconnect meanwhile.
    const pending = this.open.get(key);
    if (pending) return { conn: await pending, outcome: wasConnected ? 'reconnected' : 'connected' };
    const opening = connectSsh(target, options);
    this.open.set(key, opening);
    try {
      const conn = await opening;
      conn.onClose(() => {
        if (this.open.get(key) === opening) this.open.delete(key);
      });
      this.connectedOnce.add(key);
      if (wasConnected) this.reconnects++;
      return { conn, outcome: wasConnected ? 'reconnected' : 'connected' };
    } catch (error) {
      if (this.open.get(key) === opening) this.open.delete(key);
      throw error;
    }
  }

  /** Closes and forgets the target's connection (e.g. after a cancelled run). */
  async drop(target: SshTarget): Promise<void> {
    const key = keyOf(target);
    const cached = this.open.get(key);
    this.open.delete(key);
    (await cached?.catch(() => undefined))?.close();
  }

  /** Closes every connection. */
  dispose(): void {
    this.disposed = true;
    for (const p of this.open.values()) void p.then((c) => c.close(), () => undefined);
    this.open.clear();
  }
}
