/**
 * `dynapruner profile --backend trtexec --layers` over the loopback sshd with
 * the fixture trtexec (test/fixtures/orin/bin/trtexec, which writes the
 * constructed exportProfile fixture with simvp's node names): the per-layer
 * profile is asked for, read back and recorded per variant, and its fused
 * TensorRT layers land on the checkpoint's compute layers; a malformed
 * profile is one line naming the file and the entry; without --layers no
 * --exportProfile flag is passed. Structure only, no timing.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { profileCommand } from '../../src/cli/commands/profile';
import type { CliIO } from '../../src/cli/command';
import { openCheckpoint } from '../../src/core/checkpoint/checkpoint';
import { TraceLayerMap, TRT_LAYER_OP } from '../../src/core/experiments/traceLayers';
import type { ProfileResult } from '../../src/core/schema/profileResult';
import { fixtureDeviceRoot, repoRoot, startSshd, type SshdTestEnv } from './helpers/sshdTestEnv';
import { testModel, type TestModel } from './helpers/testModel';

let env: SshdTestEnv;
let dir: string;
let model: TestModel;
before(async () => {
  model = await testModel();
  env = await startSshd();
  dir = mkdtempSync(path.join(os.tmpdir(), 'dynapruner-profile-trt-layers-'));
});
after(async () => {
  await env?.stop();
  rmSync(dir, { recursive: true, force: true });
  model?.dispose();
});

/** Runs `profile --backend trtexec` on a host with its own work folder `work`; exit code, output and the --json result. */
async function run(work: string, ...extra: string[]): Promise<{ code: number; out: string; err: string; results: ProfileResult[]; calls: string[] }> {
  const workDir = path.join(dir, work);
  const host = { alias: 'orin-t', hostName: '127.0.0.1', port: env.port, user: env.user, identityFiles: [env.userKey], deviceRoot: fixtureDeviceRoot, workDir, ortModulePath: path.join(repoRoot, 'node_modules', 'onnxruntime-node'), tegrastatsIntervalMs: 50 };
  const hostsFile = path.join(dir, `${work}-hosts.json`);
  writeFileSync(hostsFile, JSON.stringify([host]));
  const text = { out: '', err: '' };
  const io: CliIO = { out: (t) => (text.out += t), err: (t) => (text.err += t), isTTY: false };
  const json = path.join(dir, `${work}-out.json`);
  const code = await profileCommand.run(
    [model.onnx, '--host', 'orin-t', '--hosts-file', hostsFile, '--known-hosts', env.knownHostsFile, '--samples', model.inputs, '--iterations', '5', '--backend', 'trtexec', '--variants', 'ckpt,dense', '--json', json, '--workspace', path.join(dir, `${work}-ws`), ...extra],
    io,
    new AbortController().signal,
  );
  const results = code === 0 ? (JSON.parse(readFileSync(json, 'utf8')) as ProfileResult[]) : [];
  const calls = readFileSync(path.join(workDir, 'fixture-trtexec-calls.log'), 'utf8').trim().split('\n');
  return { code, out: text.out, err: text.err, results, calls };
}

test('profile --backend trtexec --layers: per-layer times per variant, mapped onto the compute layers', async () => {
  const r = await run('layers', '--layers');
  assert.equal(r.code, 0, r.err);
  assert.equal(r.calls.length, 2);
  for (const c of r.calls) assert.match(c, / --dumpProfile --separateProfileRun --exportProfile=\S+\/trtexec-profile-(ckpt|dense)\.json$/);
  const [result] = r.results;
  for (const v of result.variants) {
    assert.equal(v.layerRuns?.length, 1, `${v.id}: one layer run from trtexec's profile`);
    const nodes = v.layerRuns![0].nodes;
    assert.equal(nodes.length, 27, `${v.id}: every layer of the exportProfile fixture`);
    assert.ok(nodes.every((n) => n.op === TRT_LAYER_OP && n.durUs > 0));
    assert.ok(Math.abs(v.layerRuns![0].runUs - nodes.reduce((a, n) => a + n.durUs, 0)) < 1e-6);
    assert.match(r.out, new RegExp(`^\\[orin-t\\] ${v.id}: per layer \\(trtexec --exportProfile, mean per iteration of its profile run, [\\d.]+ ms of nodes\\)`, 'm'));
  }
  if (!model.bundled) return; // the fixture's layer names are SimVP's: they map only on the bundled checkpoint
  const ck = await openCheckpoint(model.onnx);
  const backbone = ck.counts.layers.filter((l) => l.macs > 0 && l.name.startsWith('/m/backbone/') && l.op === 'Conv').map((l) => l.name);
  const map = new TraceLayerMap(ck.model.proto.graph ?? {}, new Set(ck.counts.layers.filter((l) => l.macs > 0).map((l) => l.name)));
  const dense = result.variants.find((v) => v.id === 'dense')!;
  const mapped = dense.layerRuns![0].nodes.map((n) => map.target(n.name, n.op)).flatMap((t) => ('layer' in t ? [t.layer] : []));
  assert.deepEqual([...mapped].sort(), [...backbone].sort(), 'each backbone conv of the checkpoint gets exactly one TensorRT layer');
  // The CLI table of the clean dense variant: every backbone conv a row with a share of the measured time.
  const table = r.out.slice(r.out.indexOf('[orin-t] dense: per layer'));
  for (const name of backbone) {
    const row = table.split('\n').find((l) => l.startsWith(`${name} `));
    assert.ok(row, `dense row for ${name}`);
    assert.match(row!, /\s\d+\.\d%\s+(?!0\.0%)\d+\.\d%\s+\d+$/, `dense row for ${name} has a non-zero time share: ${row}`);
  }
  assert.match(table, /^other ops: Reformat\s/m);
});

test('a malformed exportProfile file: one line naming the file and the entry', async () => {
  mkdirSync(path.join(dir, 'bad'), { recursive: true });
  writeFileSync(path.join(dir, 'bad', 'fixture-trtexec-profile.json'), '[{ "count" : 3 }, { "name" : "conv", "timeMs" : 1, "averageMs" : "fast", "percentage" : 100 }]');
  const r = await run('bad', '--layers');
  assert.equal(r.code, 1);
  assert.match(r.err, /^\[orin-t\] failed: orin-t:\S+\/trtexec-profile-ckpt\.json: entry 1: field 'averageMs': expected a number, found "fast"$/m);
});

test('without --layers, trtexec is not asked for a per-layer profile', async () => {
  const r = await run('plain');
  assert.equal(r.code, 0, r.err);
  assert.equal(r.calls.length, 2);
  for (const c of r.calls) assert.doesNotMatch(c, /--exportProfile|--dumpProfile|--separateProfileRun/);
  assert.ok(r.results[0].variants.every((v) => v.layerRuns === undefined));
});
