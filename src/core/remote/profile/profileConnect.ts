/**
 * Step "connect" of a profile run: the host's connection, from the pool
 * (reused or transparently re-opened) or opened for this run alone.
 */
import { describeTarget } from '../ssh/hostConfig';
import { connectSsh, type SshConnection } from '../ssh/sshConnection';
import type { EmitEvent, ProfileRequest } from './profileTypes';

/** A connection and how to let go of it: a pooled one stays open, an own one is closed. */
export interface HeldConnection {
  conn: SshConnection;
  pooled: boolean;
  release(): void;
}

/** Connects to the request's host (stage events say whether a pooled connection was reused). */
export async function connectForProfile(req: ProfileRequest, emit: EmitEvent): Promise<HeldConnection> {
  emit({ kind: 'stage', message: `connecting to ${describeTarget(req.host.target)}` });
  if (req.pool) {
    const got = await req.pool.acquire(req.host.target, { ...req.connection, signal: req.signal });
    if (got.outcome !== 'connected') emit({ kind: 'stage', message: got.outcome === 'reused' ? 'reusing the open connection' : 'the connection had dropped: reconnected' });
    return { conn: got.conn, pooled: true, release: () => {} };
  }
  const conn = await connectSsh(req.host.target, { ...req.connection, signal: req.signal });
  return { conn, pooled: false, release: () => conn.close() };
}
