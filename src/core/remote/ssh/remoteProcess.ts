/**
 * A long-running remote process in its own session and process group
 * (`setsid`), so cancel can kill everything it started (`kill -- -PGID`)
 * and nothing outlives the run. stdout is delivered line by line.
 */
import type { ClientChannel } from 'ssh2';
import { joinCommand, quoteArg } from './shellQuote';
import type { SshConnection } from './sshConnection';

const PGID_MARK = '@@dynapruner-pgid ';
/** How long a killed process's channel may take to close before it is closed from this side. */
const CHANNEL_CLOSE_WAIT_MS = 2000;
/** Constant wrapper: prints its process-group id, then execs the real argv ("$@"). */
const WRAPPER = `echo "${PGID_MARK}$$"; exec "$@"`;

/** A started remote process. */
export interface RemoteProcess {
  /** Process-group id on the device (resolves once the wrapper reported it). */
  readonly pgid: Promise<number>;
  /** Resolves with the exit status when the channel closes. */
  readonly exit: Promise<{ code: number | null; signal: string | null }>;
  /** Everything written to stderr so far (bounded to the last 64 KiB). */
  stderr(): string;
  /** TERM, then KILL after `graceMs`, the whole process group; resolves when the channel closed. */
  kill(graceMs?: number): Promise<void>;
}

/** Starts `argv` (each argument quoted) in `cwd` on the device. */
export async function startRemoteProcess(
  conn: SshConnection,
  argv: string[],
  opts: { cwd?: string; onLine?(line: string): void },
): Promise<RemoteProcess> {
  const cd = opts.cwd ? `cd -- ${quoteArg(opts.cwd)} && ` : '';
  const command = `${cd}exec setsid -w sh -c ${quoteArg(WRAPPER)} sh ${joinCommand(argv)}`;
  const channel: ClientChannel = await conn.channel(command);
  let resolvePgid!: (n: number) => void;
  let rejectPgid!: (e: Error) => void;
  const pgid = new Promise<number>((res, rej) => {
    resolvePgid = res;
    rejectPgid = rej;
  });
  pgid.catch(() => {});
  let stderr = '';
  let pending = '';
  let sawPgid = false;
  let exitCode: number | null = null;
  let exitSignal: string | null = null;
  channel.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-65536);
  });
  channel.on('data', (d: Buffer) => {
    pending += d.toString('utf8');
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (!sawPgid && line.startsWith(PGID_MARK)) {
        sawPgid = true;
        resolvePgid(Number(line.slice(PGID_MARK.length)));
        continue;
      }
      opts.onLine?.(line);
    }
  });
  channel.on('exit', (code: number | null, signal?: string) => {
    exitCode = code;
    exitSignal = signal ?? null;
  });
  const exit = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    channel.on('close', () => {
      if (pending) opts.onLine?.(pending);
      pending = '';
      if (!sawPgid) rejectPgid(new Error(`remote process ended before starting: ${stderr.trim() || `exit ${exitCode}`}`));
      resolve({ code: exitCode, signal: exitSignal });
    });
  });
  channel.end();

  return {
    pgid,
    exit,
    stderr: () => stderr,
    kill: async (graceMs = 300) => {
      let id: number;
      try {
        id = await Promise.race([pgid, exit.then(() => Promise.reject(new Error('gone')))]);
      } catch {
        return; // never started or already finished
      }
      const n = String(id);
      if (!/^\d+$/.test(n) || id <= 1) throw new Error(`refusing to kill process group '${n}'`);
      const script = `kill -TERM -- -${n} 2>/dev/null; i=0; while kill -0 -- -${n} 2>/dev/null && [ $i -lt ${Math.ceil(graceMs / 50)} ]; do sleep 0.05; i=$((i+1)); done; kill -KILL -- -${n} 2>/dev/null; true`;
      await conn.exec(script);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exit, new Promise((r) => (timer = setTimeout(r, CHANNEL_CLOSE_WAIT_MS)))]).finally(() => clearTimeout(timer));
      channel.close();
    },
  };
}
