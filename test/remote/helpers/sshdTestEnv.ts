/**
 * A real Debian OpenSSH `sshd` on 127.0.0.1 for the remote tests: a free
 * port, generated host and user keys, a test known_hosts, and a PATH that
 * holds the Orin fixture programs (tegrastats, trtexec, nvpmodel) and the
 * real `node`. Runs as a non-daemon child (`sshd -D -e`) and is torn down by
 * `stop()`. Run as root (CI does): `UsePAM no`, `StrictModes no`.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** Repository root (test/remote/helpers -> ../../..). */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');
/** Fixture programs standing in for the Jetson tools. */
export const fixtureBin = path.join(repoRoot, 'test', 'fixtures', 'orin', 'bin');
/** Fixture device-file root (proc/device-tree/model, etc/nv_tegra_release). */
export const fixtureDeviceRoot = path.join(repoRoot, 'test', 'fixtures', 'orin', 'root');

export interface SshdTestEnv {
  port: number;
  dir: string;
  user: string;
  /** Authorized, unencrypted user key. */
  userKey: string;
  /** Authorized key encrypted with `passphrase`. */
  encryptedKey: string;
  passphrase: string;
  /** A valid key that is NOT authorized. */
  wrongKey: string;
  /** known_hosts holding the server's real host key. */
  knownHostsFile: string;
  /** The server's host key blob. */
  hostKeyBlob: Buffer;
  /** sshd's log so far (LogLevel VERBOSE). */
  log(): string;
  /**
   * Stops sshd and every session process it forked (so open connections
   * drop), then starts it again on the same port with the same keys.
   */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

function keygen(file: string, passphrase = ''): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', path.basename(file), '-f', file]);
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Starts sshd; resolves when it listens. */
export async function startSshd(): Promise<SshdTestEnv> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dynapruner-sshd-'));
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // privilege-separation folder
  const hostKey = path.join(dir, 'ssh_host_ed25519_key');
  const userKey = path.join(dir, 'id_user');
  const encryptedKey = path.join(dir, 'id_encrypted');
  const wrongKey = path.join(dir, 'id_wrong');
  const passphrase = 'correct horse battery';
  keygen(hostKey);
  keygen(userKey);
  keygen(encryptedKey, passphrase);
  keygen(wrongKey);
  const authorized = path.join(dir, 'authorized_keys');
  writeFileSync(authorized, readFileSync(userKey + '.pub', 'utf8') + readFileSync(encryptedKey + '.pub', 'utf8'));
  const port = await freePort();
  const hostPub = readFileSync(hostKey + '.pub', 'utf8').trim().split(/\s+/);
  const knownHostsFile = path.join(dir, 'known_hosts');
  writeFileSync(knownHostsFile, `[127.0.0.1]:${port} ${hostPub[0]} ${hostPub[1]}\n`);
  const pathValue = [fixtureBin, path.dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin'].join(':');
  const config = path.join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorized}`,
      'UsePAM no',
      'StrictModes no',
      'PermitRootLogin yes',
      'PubkeyAuthentication yes',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication no',
      'AllowTcpForwarding yes',
      'Subsystem sftp internal-sftp',
      `SetEnv PATH=${pathValue}`,
      'LogLevel VERBOSE',
      'MaxStartups 50',
      'MaxSessions 50',
      '',
    ].join('\n'),
  );
  let logText = '';
  let child: ChildProcess = await spawnSshd(config, (t) => (logText += t), () => logText);
  const kill = async () => {
    if (child.exitCode !== null) return;
    const sessions = sessionPids(child.pid!);
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    for (const pid of sessions) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    }
  };
  return {
    port,
    dir,
    user: os.userInfo().username,
    userKey,
    encryptedKey,
    passphrase,
    wrongKey,
    knownHostsFile,
    hostKeyBlob: Buffer.from(hostPub[1], 'base64'),
    log: () => logText,
    restart: async () => {
      await kill();
      logText = '';
      child = await spawnSshd(config, (t) => (logText += t), () => logText);
    },
    stop: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Pids of the per-connection processes sshd `master` forked (children and their children). */
function sessionPids(master: number): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' });
  const pairs = out.trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
  const found: number[] = [];
  let frontier = [master];
  while (frontier.length) {
    const next = pairs.filter(([, ppid]) => frontier.includes(ppid)).map(([pid]) => pid);
    found.push(...next);
    frontier = next;
  }
  return found;
}

/** Spawns `sshd -D -e -f config`; resolves once it listens. */
async function spawnSshd(config: string, onLog: (text: string) => void, logText: () => string): Promise<ChildProcess> {
  const child: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => onLog(d.toString()));
  child.stderr!.on('data', (d: Buffer) => onLog(d.toString()));
  await new Promise<void>((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`sshd did not start within 10 s:\n${logText()}`)), 10_000);
    const check = setInterval(() => {
      if (/Server listening on 127\.0\.0\.1 port/.test(logText())) {
        clearInterval(check);
        clearTimeout(deadline);
        resolve();
      }
    }, 20);
    child.once('exit', (code) => {
      clearInterval(check);
      clearTimeout(deadline);
      reject(new Error(`sshd exited with ${code}:\n${logText()}`));
    });
  });
  return child;
}

/**
 * A TCP listener that accepts connections and never says anything: a host
 * that "does not answer" the SSH handshake.
 */
export async function startSilentListener(): Promise<{ port: number; stop(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    port: (srv.address() as net.AddressInfo).port,
    stop: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        srv.close(() => r());
      }),
  };
}

/** Accepts, never reads, never writes, never closes: a hung host, as seen from the client. */
const SILENT_PEER = `const s = require('node:net').createServer(() => {}); s.listen(0, '127.0.0.1', () => console.log(s.address().port));`;

/**
 * The silent host in a child process: its side of a connection never
 * closes (nothing is read, so the client's FIN is never seen), and its
 * sockets do not count among the test process's own.
 */
export async function startSilentPeerProcess(): Promise<{ port: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['-e', SILENT_PEER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    child.once('exit', (code) => reject(new Error(`silent peer exited with ${code}`)));
  });
  return {
    port,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
