// `dynapruner profile --variants ckpt,dense,l1c,sparse` over the loopback sshd:
// the sparse variant's per-unit plan is calibrated on the profiled host (its
// candidate graphs timed there through the node runner) before the variants
// are timed, the sparse graph that runs is the one built with that plan, its
// outputs match the engine's run of the checkpoint, the result records the
// plan and, with --layers, the latency model's predicted vs measured latency.
// Also: --sparse-plan FILE.onnx / none, bad input, and cancel during calibration.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { exportCommand } from '../../src/cli/commands/export';
import { profileCommand } from '../../src/cli/commands/profile';
import type { CliIO } from '../../src/cli/command';
import { openCheckpoint } from '../../src/core/checkpoint/checkpoint';
import { buildSparseVariant } from '../../src/core/export/sparseVariant';
import { gatherGatedChannels } from '../../src/core/graph/channelGather';
import { encodeModelProto } from '../../src/core/onnx/proto';
import { measuredPerSample } from '../../src/core/remote/profile/deviceLatencyModel';
import { parseNpy } from '../../src/core/samples/npy';
import type { ProfileResult } from '../../src/core/schema/profileResult';
import { fixtureDeviceRoot, repoRoot, startSshd, type SshdTestEnv } from './helpers/sshdTestEnv';
import { NO_ORT_PYTHON, ortPython } from './helpers/ortPython';
import { buildNodeRunner, testModel, type TestModel } from './helpers/testModel';

let env: SshdTestEnv;
let runner: string;
let dir: string;
let model: TestModel;
let hostsFile: string;
before(async () => {
  model = await testModel();
  env = await startSshd();
  runner = await buildNodeRunner();
  dir = mkdtempSync(path.join(os.tmpdir(), 'dynapruner-profile-sparse-plan-'));
  hostsFile = path.join(dir, 'hosts.json');
  const host = { alias: 'orin-plan', hostName: '127.0.0.1', port: env.port, user: env.user, identityFiles: [env.userKey], deviceRoot: fixtureDeviceRoot, workDir: path.join(dir, 'work'), ortModulePath: path.join(repoRoot, 'node_modules', 'onnxruntime-node'), tegrastatsIntervalMs: 50 };
  writeFileSync(hostsFile, JSON.stringify([host]));
});
after(async () => {
  await env?.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(runner, { force: true });
  model?.dispose();
});

function capture(onErr?: (t: string) => void): CliIO & { text: { out: string; err: string } } {
  const text = { out: '', err: '' };
  return { text, out: (t) => (text.out += t), err: (t) => { text.err += t; onErr?.(t); }, isTTY: false };
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const common = () => ['--host', 'orin-plan', '--hosts-file', hostsFile, '--known-hosts', env.knownHostsFile, '--samples', model.inputs, '--iterations', '4', '--warmup', '1', '--per-sample', '2', '--runner', runner];

test('profile --variants ckpt,dense,l1c,sparse calibrates the sparse plan on the host and records it', async () => {
  const io = capture();
  const out = path.join(dir, 'calibrated.json');
  const workspace = mkdtempSync(path.join(dir, 'ws-'));
  const code = await profileCommand.run([model.onnx, ...common(), '--variants', 'ckpt,dense,l1c,sparse', '--calibrate-rounds', '1', '--layers', '--json', out, '--workspace', workspace], io, new AbortController().signal);
  assert.equal(code, 0, io.text.err);
  // Calibration progress, labelled with the host, before the variants are timed.
  const calibrating = io.text.err.indexOf('[orin-plan] sparse plan: calibrating on orin-plan');
  assert.ok(calibrating >= 0, io.text.err);
  assert.match(io.text.err, /^\[orin-plan\] sparse plan all timed 2\/2 \(\d+%\)$/m, 'the candidates are timed on the host, 1 round x 2 samples');
  assert.match(io.text.err, /^\[orin-plan\] sparse plan on orin-plan: \d+ of \d+ units gathered/m);
  assert.ok(io.text.err.indexOf('[orin-plan] ckpt timed 4/4') > calibrating, 'the variants are timed after the calibration');

  const [r] = JSON.parse(readFileSync(out, 'utf8')) as ProfileResult[];
  const sampleCount = parseNpy(readFileSync(model.inputs), model.inputs).shape[0];
  assert.deepEqual(r.variants.map((v) => v.id), ['ckpt', 'dense', 'l1c', 'sparse']);
  const sparse = r.variants.find((v) => v.id === 'sparse')!;
  const plan = sparse.sparsePlan!;
  assert.ok(plan, 'the result records the plan');
  assert.equal(plan.measured.calibrate, 'orin-plan', 'calibrated on the profiled host');
  assert.match(plan.measured.device, /Jetson AGX Orin/, "the device as the host's probe reports it");
  assert.match(plan.measured.runtime, /onnxruntime-node/);
  const ck = await openCheckpoint(model.onnx);
  assert.deepEqual(plan.units.map((u) => u.unit), gatherGatedChannels(ck).report.gatheredUnits);
  assert.ok(plan.units.every((u) => u.gatheredMs! > 0 && u.denseMs! > 0 && (u.form === 'dense') === (plan.endToEnd!.chosen === 'all-dense' || (plan.endToEnd!.chosen === 'calibrated' && u.denseOverGathered! < 1))));
  assert.ok(plan.endToEnd!.cleanDenseMs > 0 && plan.endToEnd!.ratio > 0);
  assert.match(plan.verdict, /(faster|SLOWER) than clean dense on /);
  // The graph that ran is the one built with that plan, and it computes the checkpoint's function.
  assert.equal(sparse.sha256, sha(encodeModelProto(buildSparseVariant(ck, plan).model)));
  assert.equal(sparse.outputsCheck?.reference, 'engine');
  assert.ok(sparse.outputsCheck!.maxAbsDiff <= 1e-4, `sparse vs the engine's run of the checkpoint: max |diff| ${sparse.outputsCheck!.maxAbsDiff}`);
  for (const v of r.variants) assert.ok(v.outputsCheck!.maxAbsDiff <= 1e-4, `${v.id}: max |diff| ${v.outputsCheck!.maxAbsDiff}`);
  assert.match(sparse.description!, new RegExp(`calibrated on orin-plan\\): ${plan.units.filter((u) => u.form === 'gathered').length} of ${plan.units.length} units gathered`));
  // The summary prints the plan per host, and the latency model's predicted vs measured latency.
  assert.match(io.text.out, /^\[orin-plan\] sparse: sparse plan \(calibrate orin-plan; device .*Orin/m);
  assert.ok(io.text.out.includes(`verdict: ${plan.verdict}`));
  assert.match(io.text.out, /latency model, predicted vs measured per-sample latency/);
  for (const v of r.variants) {
    const p = v.latencyPrediction!;
    assert.ok(p, `${v.id}: a prediction from the per-node profile`);
    // Measured: per sample, the median of the timed runs on it (the timed loop cycles over the uploaded samples).
    const measured = measuredPerSample(v, sampleCount, p.samples);
    assert.ok(measured.every((m, i) => m === v.latenciesMs[i]), `${v.id}: 4 timed runs over ${sampleCount} samples: one each`);
    assert.ok(Math.abs(p.measuredMs - measured.reduce((a, b) => a + b, 0) / measured.length) < 1e-9, `${v.id}: measured is the mean per-sample latency`);
    assert.ok(p.predictedMs > 0 && Number.isFinite(p.meanAbsPctError), `${v.id}: ${JSON.stringify(p)}`);
    assert.match(io.text.out, new RegExp(`^orin-plan\\s+${v.id}\\s+${p.predictedMs.toFixed(3)}\\s+${p.measuredMs.toFixed(3)}\\s+${p.meanAbsPctError.toFixed(1)}%`, 'm'));
  }
  const saved = readdirSync(path.join(workspace, '.dynapruner', 'runs'));
  assert.equal(saved.length, 1);
  const stored = JSON.parse(readFileSync(path.join(workspace, '.dynapruner', 'runs', saved[0], 'profile.json'), 'utf8')) as ProfileResult;
  assert.deepEqual(stored.variants.find((v) => v.id === 'sparse')!.sparsePlan, plan, 'the saved run keeps the plan');
});

test('--sparse-plan FILE.onnx profiles the plan a sparse export records; none gathers every unit', async () => {
  const exported = path.join(dir, 'uncalibrated.sparse.onnx');
  const ex = capture();
  assert.equal(await exportCommand.run([model.onnx, '--variant', 'sparse', '--out', exported, '--calibrate', 'none', '--samples', model.inputs, '--calibrate-samples', '2'], ex, new AbortController().signal), 0, ex.text.err);
  const ck = await openCheckpoint(model.onnx);
  for (const [source, calibrate] of [[exported, 'none'], ['none', 'none']] as const) {
    const io = capture();
    const out = path.join(dir, `plan-${path.basename(source)}.json`);
    const code = await profileCommand.run([model.onnx, ...common(), '--variants', 'sparse', '--sparse-plan', source, '--json', out, '--workspace', dir], io, new AbortController().signal);
    assert.equal(code, 0, io.text.err);
    assert.doesNotMatch(io.text.err, /calibrating/);
    const [r] = JSON.parse(readFileSync(out, 'utf8')) as ProfileResult[];
    const plan = r.variants[0].sparsePlan!;
    assert.equal(plan.measured.calibrate, calibrate, source);
    assert.ok(plan.units.every((u) => u.form === 'gathered'));
    assert.equal(r.variants[0].sha256, sha(encodeModelProto(buildSparseVariant(ck, plan).model)));
    assert.ok(r.variants[0].outputsCheck!.maxAbsDiff <= 1e-4);
    assert.match(io.text.out, /verdict: not calibrated/);
  }
});

test('bad --sparse-plan input is a one-line error naming the flag, before any connection', async () => {
  const signal = new AbortController().signal;
  const run = (...args: string[]) => profileCommand.run([model.onnx, ...common(), ...args], capture(), signal);
  await assert.rejects(run('--sparse-plan', 'none'), /--sparse-plan applies when --variants lists sparse, found --variants \(default: ckpt,dense,l1\)/);
  await assert.rejects(run('--variants', 'ckpt,dense', '--calibrate-rounds', '2'), /--calibrate-rounds applies when --variants lists sparse, found --variants 'ckpt,dense'/);
  await assert.rejects(run('--variants', 'sparse', '--sparse-plan', 'fast'), /--sparse-plan: expected 'calibrate', 'none' or an exported sparse model FILE\.onnx, found 'fast'/);
  await assert.rejects(run('--variants', 'sparse', '--sparse-plan', path.join(dir, 'nope.onnx')), /--sparse-plan .*nope\.onnx: no such file/);
  await assert.rejects(run('--variants', 'sparse', '--sparse-plan', 'none', '--calibrate-rounds', '2'), /--calibrate-rounds applies to --sparse-plan calibrate, found --sparse-plan none/);
  await assert.rejects(run('--variants', 'sparse', '--backend', 'trtexec'), /--sparse-plan calibrate: the trtexec backend cannot run the sparse graph/);
  const dense = path.join(dir, 'dense.onnx');
  assert.equal(await exportCommand.run([model.onnx, '--variant', 'dense', '--out', dense], capture(), signal), 0);
  await assert.rejects(run('--variants', 'sparse', '--sparse-plan', dense), /--sparse-plan .*dense\.onnx: metadata 'dynapruner_export'\.variant: expected 'sparse' .*found 'dense'/);
  await assert.rejects(run('--variants', 'sparse', '--sparse-plan', model.onnx), /--sparse-plan .*: metadata 'dynapruner_export'\.variant: expected 'sparse' .*found no export record/);
  // A sparse export of another checkpoint: its record names that checkpoint's sha256.
  const other = path.join(dir, 'tau.sparse.onnx');
  const tau = path.join(repoRoot, 'demo', 'checkpoints', 'tau_dynapruner.onnx');
  assert.equal(await exportCommand.run([tau, '--variant', 'sparse', '--out', other, '--calibrate', 'none', '--samples', path.join(repoRoot, 'demo', 'checkpoints', 'storm_test.inputs.npy'), '--calibrate-samples', '1'], capture(), signal), 0);
  const ck = await openCheckpoint(model.onnx);
  await assert.rejects(run('--variants', 'sparse', '--sparse-plan', other), new RegExp(`--sparse-plan .*tau\\.sparse\\.onnx: metadata 'dynapruner_export'\\.sourceSha256: expected ${ck.ref.sha256} \\(${ck.ref.name.replace('.', '\\.')}\\), found [0-9a-f]{64} \\(tau_dynapruner\\.onnx\\)`));
});

test('cancel while the plan is calibrated: the run rejects and saves nothing', async () => {
  const controller = new AbortController();
  const workspace = mkdtempSync(path.join(dir, 'ws-cancel-'));
  const io = capture((t) => {
    if (/sparse plan (all|u\d+) (warmup|timed)/.test(t)) controller.abort(new Error('cancelled by the test'));
  });
  const started = Date.now();
  await assert.rejects(profileCommand.run([model.onnx, ...common(), '--variants', 'dense,sparse', '--workspace', workspace], io, controller.signal), /cancel/);
  assert.ok(controller.signal.aborted, `the abort came during the calibration: ${io.text.err}`);
  assert.doesNotMatch(io.text.err, /\[orin-plan\] dense timed/, 'the variants were never timed');
  assert.ok(!existsSync(path.join(workspace, '.dynapruner', 'runs')) || readdirSync(path.join(workspace, '.dynapruner', 'runs')).length === 0, 'nothing saved');
  assert.ok(Date.now() - started < 60_000);
});

const python = ortPython();

test('--backend ort: the Python runner calibrates the plan on the host and times every variant, outputs checked', { skip: python ? false : NO_ORT_PYTHON }, async () => {
  const pyHosts = path.join(dir, 'hosts-python.json');
  const [host] = JSON.parse(readFileSync(hostsFile, 'utf8')) as Array<Record<string, unknown>>;
  writeFileSync(pyHosts, JSON.stringify([{ ...host, pythonPath: python }]));
  const io = capture();
  const out = path.join(dir, 'python.json');
  const ortRunner = path.join(repoRoot, 'src', 'core', 'remote', 'profile', 'runner', 'ort_runner.py');
  const args = common().map((a) => (a === hostsFile ? pyHosts : a === runner ? ortRunner : a));
  const code = await profileCommand.run([model.onnx, ...args, '--backend', 'ort', '--variants', 'ckpt,dense,l1c,sparse', '--calibrate-rounds', '1', '--layers', '--json', out], io, new AbortController().signal);
  assert.equal(code, 0, io.text.err);
  assert.match(io.text.err, /^\[orin-plan\] sparse plan on orin-plan: \d+ of \d+ units gathered/m, 'calibrated through the Python runner');
  const [r] = JSON.parse(readFileSync(out, 'utf8')) as ProfileResult[];
  assert.deepEqual(r.variants.map((v) => v.id), ['ckpt', 'dense', 'l1c', 'sparse']);
  const plan = r.variants.find((v) => v.id === 'sparse')!.sparsePlan!;
  assert.match(plan.measured.runtime, /onnxruntime(?!-node)/, `the Python runtime: ${plan.measured.runtime}`);
  for (const v of r.variants) {
    assert.ok(v.outputsCheck!.maxAbsDiff <= 1e-4, `${v.id}: max |diff| ${v.outputsCheck!.maxAbsDiff}`);
    assert.ok(v.latencyPrediction && v.latencyPrediction.predictedMs > 0, `${v.id}: a prediction from the Python runner's per-node profile`);
  }
});
