// The SSH transport against a real OpenSSH sshd on 127.0.0.1: host-key
// verification (known, changed, unknown, hashed entries), authentication
// (key, encrypted key, wrong key, wrong password), timeouts and ProxyJump.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { connectSsh, type ConnectOptions } from '../../src/core/remote/ssh/sshConnection';
import type { SshTarget } from '../../src/core/remote/ssh/hostConfig';
import {
  AuthenticationError,
  ConnectTimeoutError,
  HostKeyChangedError,
  HostKeyUnknownError,
} from '../../src/core/remote/errors';
import { fingerprintSha256, parseKnownHosts, verifyHostKey } from '../../src/core/remote/ssh/knownHosts';
import { startSilentListener, startSshd, type SshdTestEnv } from './helpers/sshdTestEnv';

let env: SshdTestEnv;
before(async () => {
  env = await startSshd();
});
after(async () => {
  await env?.stop();
});

function target(identityFiles: string[], extra: Partial<SshTarget> = {}): SshTarget {
  return { alias: 'loopback', hostName: '127.0.0.1', user: env.user, port: env.port, identityFiles, jumps: [], ...extra };
}
function options(extra: Partial<ConnectOptions> = {}): ConnectOptions {
  return { knownHostsFiles: [env.knownHostsFile], connectTimeoutMs: 5000, agentSocket: '', ...extra };
}

describe('ssh transport against a real sshd', () => {
  test('connects with a key listed in authorized_keys and runs a command', async () => {
    const conn = await connectSsh(target([env.userKey]), options());
    try {
      const r = await conn.exec('echo hello; echo oops >&2; exit 3');
      assert.equal(r.stdout, 'hello\n');
      assert.equal(r.stderr, 'oops\n');
      assert.equal(r.code, 3);
    } finally {
      conn.close();
    }
  });

  test('a changed host key is refused before anything is sent', async () => {
    const otherKey = path.join(env.dir, 'other_host_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', otherKey]);
    const fake = readFileSync(otherKey + '.pub', 'utf8').trim().split(/\s+/);
    const kh = path.join(env.dir, 'known_hosts_changed');
    writeFileSync(kh, `# stale entry\n[127.0.0.1]:${env.port} ${fake[0]} ${fake[1]}\n`);
    const logBefore = env.log().length;
    let passwordAsked = false;
    let prompted = false;
    await assert.rejects(
      connectSsh(
        target([env.userKey]),
        options({
          knownHostsFiles: [kh],
          askPassword: async () => {
            passwordAsked = true;
            return 'x';
          },
          confirmHostKey: async () => {
            prompted = true;
            return true;
          },
        }),
      ),
      (error: unknown) => {
        assert.ok(error instanceof HostKeyChangedError, String(error));
        assert.match(error.message, /CHANGED/);
        assert.match(error.message, new RegExp(fingerprintSha256(env.hostKeyBlob).replace(/[+/]/g, '\\$&')));
        assert.match(error.message, /known_hosts_changed:2/);
        return true;
      },
    );
    assert.equal(prompted, false, 'a changed key must not be offered for trust');
    assert.equal(passwordAsked, false, 'no secret may be requested');
    await new Promise((r) => setTimeout(r, 200));
    const serverSaw = env.log().slice(logBefore);
    assert.doesNotMatch(serverSaw, /Accepted|Failed|Postponed|Invalid user/, `sshd saw an authentication attempt:\n${serverSaw}`);
    assert.equal(readFileSync(kh, 'utf8').split('\n').length, 3, 'known_hosts unchanged');
  });

  test('an unknown host key without confirmation is refused; with confirmation it is recorded hashed', async () => {
    const kh = path.join(env.dir, 'known_hosts_empty');
    writeFileSync(kh, '');
    let shown = '';
    await assert.rejects(
      connectSsh(
        target([env.userKey]),
        options({
          knownHostsFiles: [kh],
          confirmHostKey: async (p) => {
            shown = p.fingerprint;
            return false;
          },
        }),
      ),
      HostKeyUnknownError,
    );
    assert.equal(shown, fingerprintSha256(env.hostKeyBlob));
    assert.equal(readFileSync(kh, 'utf8'), '');
    // No callback at all also refuses.
    await assert.rejects(connectSsh(target([env.userKey]), options({ knownHostsFiles: [kh] })), HostKeyUnknownError);

    const conn = await connectSsh(target([env.userKey]), options({ knownHostsFiles: [kh], confirmHostKey: async () => true }));
    conn.close();
    const text = readFileSync(kh, 'utf8');
    assert.match(text, /^\|1\|[^|]+\|[^ ]+ ssh-ed25519 /, 'entry is hashed');
    assert.equal(verifyHostKey(parseKnownHosts(text), `[127.0.0.1]:${env.port}`, env.hostKeyBlob).status, 'trusted');
    // Second connection: no prompt needed.
    const again = await connectSsh(
      target([env.userKey]),
      options({ knownHostsFiles: [kh], confirmHostKey: async () => assert.fail('must not prompt for a recorded key') }),
    );
    again.close();
  });

  test('a wrong key fails with a clear message', async () => {
    await assert.rejects(connectSsh(target([env.wrongKey]), options()), (error: unknown) => {
      assert.ok(error instanceof AuthenticationError, String(error));
      assert.match(error.message, /authentication failed for .*127\.0\.0\.1/);
      assert.match(error.message, /publickey .*id_wrong/);
      return true;
    });
  });

  test('a wrong password fails with a clear message and is reported as rejected', async () => {
    const rejected: string[] = [];
    await assert.rejects(
      connectSsh(
        target([]),
        options({ askPassword: async () => 'not-the-password', secretRejected: (kind, id) => rejected.push(`${kind}:${id}`) }),
      ),
      (error: unknown) => {
        assert.ok(error instanceof AuthenticationError, String(error));
        assert.match(error.message, /password/);
        assert.doesNotMatch(error.message, /not-the-password/, 'the secret never appears in messages');
        return true;
      },
    );
    assert.deepEqual(rejected, [`password:${env.user}@127.0.0.1:${env.port}`]);
  });

  test('an encrypted key asks for its passphrase and reports it accepted', async () => {
    const accepted: string[] = [];
    const conn = await connectSsh(
      target([env.encryptedKey]),
      options({ askPassphrase: async () => env.passphrase, secretAccepted: (kind, id) => accepted.push(`${kind}:${id}`) }),
    );
    const r = await conn.exec('printf ok');
    conn.close();
    assert.equal(r.stdout, 'ok');
    assert.deepEqual(accepted, [`passphrase:${env.encryptedKey}`]);
  });

  test('a host that never answers times out within the configured time', async () => {
    const silent = await startSilentListener();
    try {
      const started = Date.now();
      await assert.rejects(
        connectSsh({ ...target([env.userKey]), port: silent.port }, options({ connectTimeoutMs: 800 })),
        (error: unknown) => {
          assert.ok(error instanceof ConnectTimeoutError, String(error));
          assert.match(error.message, /did not answer within 800 ms/);
          return true;
        },
      );
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 750 && elapsed < 2500, `timed out after ${elapsed} ms`);
    } finally {
      await silent.stop();
    }
  });

  test('ProxyJump: reaches the target through a jump host', async () => {
    const jump: SshTarget = { ...target([env.userKey]), alias: 'bastion' };
    const conn = await connectSsh(target([env.userKey], { jumps: [jump] }), options());
    const r = await conn.exec('echo "$SSH_CONNECTION"');
    conn.close();
    assert.match(r.stdout, /^127\.0\.0\.1 \d+ 127\.0\.0\.1 \d+/);
    assert.ok(existsSync(env.knownHostsFile));
  });
});
