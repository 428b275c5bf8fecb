// OpenSSH client options from ~/.ssh/config against a real sshd on
// 127.0.0.1: UserKnownHostsFile, StrictHostKeyChecking (yes, accept-new,
// no), IdentitiesOnly with a real ssh-agent, ConnectTimeout; and the real
// reason when a key cannot be used or known_hosts is not a file.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import SSHConfig from 'ssh-config';
import { AuthenticationError, ConnectTimeoutError, HostKeyChangedError, HostKeyUnknownError, RemoteError } from '../../src/core/remote/errors';
import { resolveHost, type SshTarget } from '../../src/core/remote/ssh/hostConfig';
import { parseKnownHosts, verifyHostKey } from '../../src/core/remote/ssh/knownHosts';
import { connectSsh, type ConnectOptions } from '../../src/core/remote/ssh/sshConnection';
import { startSilentListener, startSshd, type SshdTestEnv } from './helpers/sshdTestEnv';

let env: SshdTestEnv;
before(async () => {
  env = await startSshd();
});
after(async () => {
  await env?.stop();
});

/** The target of `Host orin` in an ssh config holding `lines` (plus HostName, Port, User). */
function fromConfig(lines: string[], identityFiles = [env.userKey]): SshTarget {
  const text = ['Host orin', '  HostName 127.0.0.1', `  Port ${env.port}`, `  User ${env.user}`, ...identityFiles.map((f) => `  IdentityFile ${f}`), ...lines.map((l) => `  ${l}`), ''].join('\n');
  return resolveHost('orin', { sshConfig: SSHConfig.parse(text), hosts: [], home: env.dir, sshConfigFile: path.join(env.dir, 'ssh_config') }).target;
}
const noPrompt = (): Partial<ConnectOptions> => ({ confirmHostKey: async () => assert.fail('must not ask about the host key') });
const base = (extra: Partial<ConnectOptions> = {}): ConnectOptions => ({ agentSocket: '', connectTimeoutMs: 5000, ...extra });

function knownHostsCopy(name: string, text = readFileSync(env.knownHostsFile, 'utf8')): string {
  const file = path.join(env.dir, name);
  writeFileSync(file, text);
  return file;
}
function staleKnownHosts(name: string): string {
  const other = path.join(env.dir, `${name}_key`);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
  const [type, blob] = readFileSync(other + '.pub', 'utf8').trim().split(/\s+/);
  return knownHostsCopy(name, `[127.0.0.1]:${env.port} ${type} ${blob}\n`);
}

describe('ssh config client options', () => {
  test('values are read per host, and a bad value names the file, the host, the key and what was expected', () => {
    const t = fromConfig(['UserKnownHostsFile ~/kh1 %d/kh2', 'StrictHostKeyChecking accept-new', 'IdentitiesOnly yes', 'ConnectTimeout 7']);
    assert.deepEqual(t.options, { knownHostsFiles: [path.join(env.dir, 'kh1'), path.join(env.dir, 'kh2')], strictHostKeyChecking: 'accept-new', identitiesOnly: true, connectTimeoutMs: 7000 });
    assert.deepEqual(fromConfig(['StrictHostKeyChecking no']).options?.strictHostKeyChecking, 'accept-new', 'no never accepts a changed key: it means accept-new');
    assert.deepEqual(fromConfig(['UserKnownHostsFile none']).options?.knownHostsFiles, []);
    assert.throws(() => fromConfig(['StrictHostKeyChecking maybe']), /ssh_config: Host orin: StrictHostKeyChecking: expected yes, accept-new, no, off or ask, found "maybe"/);
    assert.throws(() => fromConfig(['ConnectTimeout 1.5']), /Host orin: ConnectTimeout: expected a whole number of seconds > 0, found "1.5"/);
    assert.throws(() => fromConfig(['IdentitiesOnly sometimes']), /Host orin: IdentitiesOnly: expected yes or no, found "sometimes"/);
  });

  test('UserKnownHostsFile: the host key is checked against the file the config names', async () => {
    const kh = knownHostsCopy('kh_user_file');
    const conn = await connectSsh(fromConfig([`UserKnownHostsFile ${kh}`]), base(noPrompt()));
    conn.close();
    // The caller's explicit file wins over the config's (as `ssh -o`).
    const empty = knownHostsCopy('kh_empty_explicit', '');
    await assert.rejects(connectSsh(fromConfig([`UserKnownHostsFile ${kh}`]), base({ knownHostsFiles: [empty] })), HostKeyUnknownError);
  });

  test('GlobalKnownHostsFile is checked after the user file and never written', async () => {
    const global = knownHostsCopy('kh_global');
    const conn = await connectSsh(fromConfig(['UserKnownHostsFile none', `GlobalKnownHostsFile ${global}`]), base(noPrompt()));
    conn.close();
    const user = knownHostsCopy('kh_user_for_new', '');
    const emptyGlobal = knownHostsCopy('kh_global_empty', '');
    const again = await connectSsh(fromConfig([`UserKnownHostsFile ${user}`, `GlobalKnownHostsFile ${emptyGlobal}`, 'StrictHostKeyChecking accept-new']), base(noPrompt()));
    again.close();
    assert.equal(verifyHostKey(parseKnownHosts(readFileSync(user, 'utf8')), `[127.0.0.1]:${env.port}`, env.hostKeyBlob).status, 'trusted', 'recorded in the user file');
    assert.equal(readFileSync(emptyGlobal, 'utf8'), '', 'the global file is not written');
  });

  test('StrictHostKeyChecking yes refuses an unknown key without asking', async () => {
    const kh = knownHostsCopy('kh_strict_yes', '');
    await assert.rejects(connectSsh(fromConfig([`UserKnownHostsFile ${kh}`, 'StrictHostKeyChecking yes']), base(noPrompt())), (error: unknown) => {
      assert.ok(error instanceof HostKeyUnknownError, String(error));
      assert.match(error.message, /not known and was not trusted \(StrictHostKeyChecking yes\); nothing was sent/);
      return true;
    });
    assert.equal(readFileSync(kh, 'utf8'), '');
  });

  for (const mode of ['accept-new', 'no']) {
    test(`StrictHostKeyChecking ${mode} records a new key without asking and still refuses a changed one`, async () => {
      const kh = knownHostsCopy(`kh_${mode}`, '');
      const conn = await connectSsh(fromConfig([`UserKnownHostsFile ${kh}`, `StrictHostKeyChecking ${mode}`]), base(noPrompt()));
      conn.close();
      assert.equal(verifyHostKey(parseKnownHosts(readFileSync(kh, 'utf8')), `[127.0.0.1]:${env.port}`, env.hostKeyBlob).status, 'trusted');
      const stale = staleKnownHosts(`kh_${mode}_changed`);
      await assert.rejects(connectSsh(fromConfig([`UserKnownHostsFile ${stale}`, `StrictHostKeyChecking ${mode}`]), base(noPrompt())), HostKeyChangedError);
      assert.equal(readFileSync(stale, 'utf8').split('\n').length, 2, 'the changed entry is left alone');
    });
  }

  test('ConnectTimeout from the config bounds a host that never answers', async () => {
    const silent = await startSilentListener();
    try {
      const target = { ...fromConfig(['ConnectTimeout 1']), port: silent.port };
      const started = Date.now();
      await assert.rejects(connectSsh(target, { agentSocket: '', knownHostsFiles: [env.knownHostsFile] }), (error: unknown) => {
        assert.ok(error instanceof ConnectTimeoutError, String(error));
        assert.match(error.message, /did not answer within 1000 ms/);
        return true;
      });
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 950 && elapsed < 3000, `timed out after ${elapsed} ms`);
    } finally {
      await silent.stop();
    }
  });
});

describe('IdentitiesOnly with a real ssh-agent', () => {
  let agent: ChildProcess;
  let socket: string;
  before(async () => {
    socket = path.join(env.dir, 'agent.sock');
    agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      try {
        execFileSync('ssh-add', [env.userKey], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'pipe' });
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    throw new Error('ssh-agent did not start');
  });
  after(() => {
    agent?.kill();
  });

  test('without it the agent offers its keys; with it only the IdentityFile keys may be used', async () => {
    const kh = { knownHostsFiles: [env.knownHostsFile] };
    const conn = await connectSsh(fromConfig([], [env.wrongKey]), base({ ...kh, agentSocket: socket }));
    conn.close();
    await assert.rejects(connectSsh(fromConfig(['IdentitiesOnly yes'], [env.wrongKey]), base({ ...kh, agentSocket: socket })), (error: unknown) => {
      assert.ok(error instanceof AuthenticationError, String(error));
      assert.match(error.message, /publickey .*id_wrong/);
      return true;
    });
    // With IdentitiesOnly the agent still signs for a key that is listed.
    const listed = await connectSsh(fromConfig(['IdentitiesOnly yes'], [env.wrongKey, env.userKey + '.missing', env.userKey]), base({ ...kh, agentSocket: socket }));
    listed.close();
  });
});

describe('the real reason a key cannot be used', () => {
  const opts = () => base({ knownHostsFiles: [env.knownHostsFile] });
  const failsWith = async (target: SshTarget, options: ConnectOptions, pattern: RegExp) =>
    assert.rejects(connectSsh(target, options), (error: unknown) => {
      assert.ok(error instanceof AuthenticationError, String(error));
      assert.match(error.message, pattern);
      assert.doesNotMatch(error.message, /refused every method offered/);
      assert.doesNotMatch(error.message, /\n/);
      return true;
    });

  test('a missing key file', async () => {
    await failsWith(fromConfig([], [path.join(env.dir, 'id_nope')]), opts(), /the key \S*\/id_nope does not exist/);
  });

  test('an encrypted key with nobody to ask for the passphrase, or no passphrase given', async () => {
    await failsWith(fromConfig([], [env.encryptedKey]), opts(), /the key \S*\/id_encrypted needs a passphrase and there is no terminal to ask for it/);
    await failsWith(fromConfig([], [env.encryptedKey]), { ...opts(), askPassphrase: async () => undefined }, /the key \S*\/id_encrypted needs a passphrase and none was given/);
    await failsWith(fromConfig([], [env.encryptedKey]), { ...opts(), askPassphrase: async () => 'wrong' }, /the passphrase for the key \S*\/id_encrypted was wrong 3 times/);
  });

  test('a key path that is a folder', async () => {
    const folder = path.join(env.dir, 'id_folder');
    mkdirSync(folder, { recursive: true });
    await failsWith(fromConfig([], [folder]), opts(), /the key \S*\/id_folder is a folder, not a key file/);
  });

  test('a refused key is still named, and a missing default key is not noise next to it', async () => {
    await failsWith(fromConfig([], [path.join(env.dir, 'id_nope'), env.wrongKey]), opts(), /the server refused publickey \S*id_wrong\. Check/);
  });

  // Root reads every file, so the key is read by an unprivileged child process (setpriv to nobody).
  const canDropPrivileges = process.getuid?.() === 0 && existsSync('/usr/bin/setpriv');
  test('a key file that cannot be read (permission denied)', { skip: !canDropPrivileges && 'needs root and setpriv' }, () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dynapruner-unreadable-key-'));
    try {
      chmodSync(dir, 0o755);
      const key = path.join(dir, 'id_private');
      writeFileSync(key, readFileSync(env.userKey), { mode: 0o600 });
      const script = `import('${path.join(__dirname, '..', '..', 'src', 'core', 'remote', 'ssh', 'identityKeys.ts')}').then(async (m) => console.log(JSON.stringify(await (m.loadIdentity ?? m.default.loadIdentity)(process.argv[1], {}))))`;
      const r = spawnSync('/usr/bin/setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--import', 'tsx', '-e', script, key], { encoding: 'utf8', cwd: path.join(__dirname, '..', '..') });
      assert.equal(r.status, 0, r.stderr);
      const loaded = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { ok: boolean; problem: string };
      assert.equal(loaded.ok, false);
      assert.match(loaded.problem, /^the key \S*id_private cannot be read \(permission denied\)$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a known_hosts path that is a folder is one line naming it', async () => {
    const folder = path.join(env.dir, 'kh_folder');
    mkdirSync(folder, { recursive: true });
    await assert.rejects(connectSsh(fromConfig([`UserKnownHostsFile ${folder}`]), base()), (error: unknown) => {
      assert.ok(error instanceof RemoteError, String(error));
      assert.equal(error.message, `known_hosts file ${folder}: cannot read it: it is a folder; expected a known_hosts file (set by UserKnownHostsFile, --known-hosts or dynapruner.remote.knownHostsFile)`);
      return true;
    });
  });
});
