// `dynapruner profile` end to end over the loopback sshd: hosts file, two hosts
// at once, table on stdout, runs saved, --json written; bad input is a clear error.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { profileCommand } from '../../src/cli/commands/profile';
import type { CliIO } from '../../src/cli/command';
import { fixtureDeviceRoot, repoRoot, startSshd, type SshdTestEnv } from './helpers/sshdTestEnv';
import { buildNodeRunner, testModel } from './helpers/testModel';

let env: SshdTestEnv;
let runner: string;
let dir: string;
before(async () => {
  env = await startSshd();
  runner = await buildNodeRunner();
  dir = mkdtempSync(path.join(os.tmpdir(), 'dynapruner-cli-profile-'));
});
after(async () => {
  await env?.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(runner, { force: true });
});

function capture(): CliIO & { out: (t: string) => void; text: { out: string; err: string } } {
  const text = { out: '', err: '' };
  return { text, out: (t) => (text.out += t), err: (t) => (text.err += t), isTTY: false };
}

test('dynapruner profile on two hosts at once', async () => {
  const model = testModel();
  const common = { hostName: '127.0.0.1', port: env.port, user: env.user, identityFiles: [env.userKey], deviceRoot: fixtureDeviceRoot, workDir: path.join(dir, 'work'), ortModulePath: path.join(repoRoot, 'node_modules', 'onnxruntime-node'), tegrastatsIntervalMs: 50 };
  const hostsFile = path.join(dir, 'hosts.json');
  writeFileSync(hostsFile, JSON.stringify([{ alias: 'orin-1', ...common }, { alias: 'orin-2', ...common }]));
  const io = capture();
  const out = path.join(dir, 'out.json');
  const code = await profileCommand.run(
    [model.onnx, '--host', 'orin-1', '--host', 'orin-2', '--hosts-file', hostsFile, '--known-hosts', env.knownHostsFile, '--samples', model.inputs, '--iterations', '8', '--warmup', '1', '--json', out, '--workspace', dir, '--runner', runner],
    io,
    new AbortController().signal,
  );
  assert.equal(code, 0, io.text.err);
  assert.match(io.text.out, /host\s+variant\s+mean ms/);
  assert.match(io.text.out, /orin-1\s+dynapruner/);
  assert.match(io.text.out, /orin-2\s+dynapruner/);
  const json = JSON.parse(readFileSync(out, 'utf8'));
  assert.deepEqual(json.map((r: { host: { alias: string } }) => r.host.alias), ['orin-1', 'orin-2']);
  const runs = readdirSync(path.join(dir, '.dynapruner', 'runs'));
  assert.equal(runs.length, 2);
  assert.ok(runs.every((r) => existsSync(path.join(dir, '.dynapruner', 'runs', r, 'profile.json'))));
});

test('bad input names the option and what was expected', async () => {
  const model = testModel();
  const signal = new AbortController().signal;
  await assert.rejects(profileCommand.run([model.onnx, '--host', 'x', '--backend', 'cuda'], capture(), signal), /--backend: expected node, ort or trtexec, found 'cuda'/);
  await assert.rejects(profileCommand.run([model.onnx, '--host', 'x', '--iterations', '0', '--samples', model.inputs], capture(), signal), /--iterations: expected an integer >= 1, found '0'/);
  await assert.rejects(profileCommand.run([model.onnx], capture(), signal), /--host <alias> is required/);
  const bad = path.join(dir, 'bad-hosts.json');
  writeFileSync(bad, JSON.stringify([{ alias: 'a', port: '22' }]));
  await assert.rejects(profileCommand.run([model.onnx, '--host', 'a', '--hosts-file', bad, '--samples', model.inputs], capture(), signal), /bad-hosts\.json\[0\]\.port: expected a number/);
  writeFileSync(bad, JSON.stringify([{ alias: 'a', password: 'x' }]));
  await assert.rejects(profileCommand.run([model.onnx, '--host', 'a', '--hosts-file', bad, '--samples', model.inputs], capture(), signal), /secrets are not read from settings/);
});
