// `dynapruner profile` end to end over the loopback sshd: hosts file, two hosts
// at once with progress labelled per host, the checkpoint's variants (dense
// mode, static L1) built and checked against the engine, MACs next to
// latency in the table, runs saved, --json written; bad input is a clear error.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { profileCommand } from '../../src/cli/commands/profile';
import type { CliIO } from '../../src/cli/command';
import { fixtureDeviceRoot, repoRoot, startSshd, type SshdTestEnv } from './helpers/sshdTestEnv';
import { buildNodeRunner, testModel, type TestModel } from './helpers/testModel';

let env: SshdTestEnv;
let runner: string;
let dir: string;
let model: TestModel;
before(async () => {
  model = await testModel();
  env = await startSshd();
  runner = await buildNodeRunner();
  dir = mkdtempSync(path.join(os.tmpdir(), 'dynapruner-cli-profile-'));
});
after(async () => {
  await env?.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(runner, { force: true });
  model?.dispose();
});

function capture(): CliIO & { out: (t: string) => void; text: { out: string; err: string } } {
  const text = { out: '', err: '' };
  return { text, out: (t) => (text.out += t), err: (t) => (text.err += t), isTTY: false };
}

test('dynapruner profile on two hosts at once', async () => {
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
  assert.match(io.text.out, /host\s+variant\s+mean ms.*GMACs\s+MACs x\s+latency x/);
  const ids = ['ckpt', 'dense', 'l1'];
  for (const host of ['orin-1', 'orin-2']) {
    for (const id of ids) {
      assert.match(io.text.out, new RegExp(`^${host}\\s+${id}\\s`, 'm'), `${host}/${id} row`);
      // Progress is labelled with the host it comes from, also when both run at once.
      assert.match(io.text.err, new RegExp(`^\\[${host}\\] ${id} timed 8/8 \\(\\d+%\\)$`, 'm'), `${host}/${id} progress`);
    }
    assert.match(io.text.err, new RegExp(`^\\[${host}\\] connecting to `, 'm'));
  }
  assert.doesNotMatch(io.text.err, /\[devices\]/);
  const json = JSON.parse(readFileSync(out, 'utf8')) as Array<{ host: { alias: string }; variants: Array<{ id: string; outputsCheck: { maxAbsDiff: number; reference: string }; effectiveMacs?: { mean: number } }> }>;
  assert.deepEqual(json.map((r) => r.host.alias), ['orin-1', 'orin-2']);
  for (const r of json) {
    assert.deepEqual(r.variants.map((v) => v.id), ids);
    for (const v of r.variants) {
      assert.ok(v.outputsCheck.maxAbsDiff <= 1e-4, `${r.host.alias}/${v.id}: max |diff| ${v.outputsCheck.maxAbsDiff}`);
      assert.equal(v.outputsCheck.reference, 'engine');
    }
    const [ck, dense] = r.variants;
    assert.ok(ck.effectiveMacs!.mean < dense.effectiveMacs!.mean, 'the checkpoint counts fewer effective MACs than its dense mode');
    assert.match(io.text.out, /sparse executor/);
  }
  const runs = readdirSync(path.join(dir, '.dynapruner', 'runs'));
  assert.equal(runs.length, 2);
  assert.ok(runs.every((r) => existsSync(path.join(dir, '.dynapruner', 'runs', r, 'profile.json'))));
});

test('bad input names the option and what was expected', async () => {
  const signal = new AbortController().signal;
  await assert.rejects(profileCommand.run([model.onnx, '--host', 'x', '--backend', 'cuda'], capture(), signal), /--backend: expected 'node', 'ort' or 'trtexec', found 'cuda'/);
  await assert.rejects(profileCommand.run([model.onnx, '--host', 'x', '--iterations', '0', '--samples', model.inputs], capture(), signal), /--iterations: expected an integer in 1\.\.100000, found 0/);
  await assert.rejects(profileCommand.run([model.onnx], capture(), signal), /--host <alias> is required/);
  await assert.rejects(profileCommand.run([model.onnx, '--host', 'x', '--variants', 'ckpt,fp8'], capture(), signal), /--variants: expected a comma-separated subset of ckpt,dense,l1, found 'ckpt,fp8' \(also accepted: l1c,sparse\)/);
  await assert.rejects(profileCommand.run([model.onnx, '--host', 'x', '--compare-with', path.join(dir, 'nope.onnx')], capture(), signal), /--compare-with .*nope\.onnx: no such file/);
  const bad = path.join(dir, 'bad-hosts.json');
  writeFileSync(bad, JSON.stringify([{ alias: 'a', port: '22' }]));
  await assert.rejects(profileCommand.run([model.onnx, '--host', 'a', '--hosts-file', bad, '--samples', model.inputs], capture(), signal), /bad-hosts\.json\[0\]\.port: expected a number/);
  writeFileSync(bad, JSON.stringify([{ alias: 'a', password: 'x' }]));
  await assert.rejects(profileCommand.run([model.onnx, '--host', 'a', '--hosts-file', bad, '--samples', model.inputs], capture(), signal), /secrets are not read from settings/);
});

test("without --known-hosts the host's UserKnownHostsFile from ~/.ssh/config is used", async () => {
  // The sshd's key is recorded only in the file that the config names: the run connects
  // without a prompt (there is no terminal) only if the CLI leaves known_hosts to the config.
  const home = mkdtempSync(path.join(dir, 'home-'));
  const sshDir = path.join(home, '.ssh');
  mkdirSync(sshDir, { mode: 0o700 });
  writeFileSync(path.join(sshDir, 'config'), [
    'Host cfg-orin',
    '  HostName 127.0.0.1',
    `  Port ${env.port}`,
    `  User ${env.user}`,
    `  IdentityFile ${env.userKey}`,
    `  UserKnownHostsFile ${env.knownHostsFile}`,
    '  ConnectTimeout 20',
    '',
  ].join('\n'));
  const hostsFile = path.join(dir, 'hosts-cfg.json');
  writeFileSync(hostsFile, JSON.stringify([{ alias: 'cfg-orin', deviceRoot: fixtureDeviceRoot, workDir: path.join(dir, 'work'), ortModulePath: path.join(repoRoot, 'node_modules', 'onnxruntime-node'), tegrastatsIntervalMs: 50 }]));
  const savedHome = process.env.HOME;
  process.env.HOME = home;
  try {
    const io = capture();
    const code = await profileCommand.run(
      [model.onnx, '--host', 'cfg-orin', '--hosts-file', hostsFile, '--variants', 'ckpt', '--samples', model.inputs, '--iterations', '2', '--warmup', '1', '--workspace', dir, '--runner', runner],
      io,
      new AbortController().signal,
    );
    assert.equal(code, 0, io.text.err);
    assert.match(io.text.out, /^cfg-orin\s+ckpt\s/m);
  } finally {
    process.env.HOME = savedHome;
  }
});
