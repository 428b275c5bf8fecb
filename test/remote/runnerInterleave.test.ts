// The device runners with `interleave` (how a sparse plan is calibrated on a
// host), run here as on a device: the Node runner (`node nodeRunner.ts
// job.json` under tsx, onnxruntime-node of this checkout) and, where a Python
// with onnxruntime is found (DYNAPRUNER_ORT_PYTHON, else `python3` on PATH),
// the Python runner (ort_runner.py). Every session is loaded before any is
// timed, the variants share one timed window with one latency per iteration
// each, and the per-sample outputs and `layerRounds` passes of the per-node
// profile are those of the sequential mode; the Python runner's outputs equal
// the Node runner's. No timing asserted. CI has no Python onnxruntime (not in
// Debian, no PyPI there), so the Python case is skipped there, with the reason.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { parseRunnerLine, RUNNER_PROTOCOL, type RunnerJob, type RunnerMessage } from '../../src/core/remote/profile/runnerProtocol';
import { encodeNpyF32, parseNpy } from '../../src/core/samples/npy';
import { repoRoot } from './helpers/sshdTestEnv';
import { NO_ORT_PYTHON, ortPython } from './helpers/ortPython';

const dir = mkdtempSync(path.join(os.tmpdir(), 'dp-runner-interleave-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const checkpoints = path.join(repoRoot, 'demo', 'checkpoints');

const python = ortPython();
const runnerDir = path.join(repoRoot, 'src', 'core', 'remote', 'profile', 'runner');
const RUNNERS = {
  node: [process.execPath, '--import', 'tsx', path.join(runnerDir, 'nodeRunner.ts')],
  python: python ? [python, path.join(runnerDir, 'ort_runner.py')] : null,
} as const;
type Runner = keyof typeof RUNNERS;

function runJob(runner: Runner, name: string, extra: Partial<RunnerJob>): RunnerMessage[] {
  const inputs = parseNpy(readFileSync(path.join(checkpoints, 'storm_test.inputs.npy')), 'inputs');
  const per = inputs.data.length / inputs.shape[0];
  const samples = path.join(dir, 'samples.npy');
  writeFileSync(samples, encodeNpyF32(inputs.data.slice(0, 3 * per), [3, ...inputs.shape.slice(1)]));
  const outputDir = path.join(dir, runner, name);
  mkdirSync(outputDir, { recursive: true });
  const job: RunnerJob = {
    protocol: RUNNER_PROTOCOL, samples, warmup: 2, iterations: 5, perSample: 2, outputDir, ortModule: path.join(repoRoot, 'node_modules', 'onnxruntime-node'), providers: ['cpu'],
    variants: [{ id: 'dense', model: path.join(checkpoints, 'simvp_dense.onnx') }, { id: 'ckpt', model: path.join(checkpoints, 'simvp_dynapruner.onnx') }],
    ...extra,
  };
  const jobFile = path.join(outputDir, 'job.json');
  writeFileSync(jobFile, JSON.stringify(job));
  const [cmd, ...argv] = RUNNERS[runner]!;
  const r = spawnSync(cmd, [...argv, jobFile], { encoding: 'utf8', timeout: 120_000, cwd: repoRoot });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  return r.stdout.trim().split('\n').map(parseRunnerLine);
}

const of = <T extends RunnerMessage['type']>(ms: RunnerMessage[], type: T) => ms.filter((m): m is Extract<RunnerMessage, { type: T }> => m.type === type);

/** Runs the interleaved and the sequential job with `runner` and checks them; returns the interleaved run's messages. */
function checkInterleave(runner: Runner): RunnerMessage[] {
  const inter = runJob(runner, 'interleaved', { interleave: true, profileLayers: true, layerRounds: 2 });
  const seq = runJob(runner, 'sequential', { profileLayers: true, layerRounds: 2 });
  const firstTimed = inter.findIndex((m) => m.type === 'timed');
  const lastLoaded = inter.map((m) => m.type).lastIndexOf('loaded');
  assert.ok(lastLoaded < firstTimed, 'every variant loaded before any is timed');
  const timed = of(inter, 'timed');
  assert.deepEqual(timed.map((t) => t.variant), ['dense', 'ckpt']);
  assert.ok(timed.every((t) => t.t0 === timed[0].t0 && t.t1 === timed[0].t1), 'one timed window');
  assert.ok(timed.every((t) => t.latenciesMs.length === 5 && t.latenciesMs.every((x) => x > 0)));
  // Sequential mode: each variant loaded, timed and finished before the next is loaded.
  const seqTypes = seq.filter((m) => 'variant' in m && (m.type === 'loaded' || m.type === 'timed' || m.type === 'outputs')).map((m) => `${m.type}:${(m as { variant: string }).variant}`);
  assert.deepEqual(seqTypes, ['loaded:dense', 'timed:dense', 'outputs:dense', 'loaded:ckpt', 'timed:ckpt', 'outputs:ckpt']);
  for (const ms of [inter, seq]) {
    assert.deepEqual(of(ms, 'sample').map((s) => `${s.variant}${s.index}`), ['dense0', 'dense1', 'ckpt0', 'ckpt1']);
    assert.deepEqual(of(ms, 'layers').map((l) => [l.variant, l.runs.length]), [['dense', 4], ['ckpt', 4]], '2 passes x 2 per-sample inputs');
    assert.equal(ms.at(-1)?.type, 'done');
  }
  // Same outputs either way (same models, same samples).
  for (const id of ['dense', 'ckpt']) {
    const a = of(inter, 'outputs').find((o) => o.variant === id)!;
    const b = of(seq, 'outputs').find((o) => o.variant === id)!;
    assert.deepEqual(parseNpy(readFileSync(a.files.prediction), 'a').data, parseNpy(readFileSync(b.files.prediction), 'b').data);
  }
  return inter;
}

const predictionOf = (ms: RunnerMessage[], id: string) => parseNpy(readFileSync(of(ms, 'outputs').find((o) => o.variant === id)!.files.prediction), id);

test('Node runner: interleave loads every session first, one shared timed window, outputs and layer passes as in sequential mode', () => {
  checkInterleave('node');
});

test('Python runner: the same, and its outputs equal the Node runner\'s', { skip: python ? false : NO_ORT_PYTHON }, () => {
  const py = checkInterleave('python');
  const node = runJob('node', 'reference', {});
  assert.equal(of(py, 'hello')[0].runner, 'python');
  for (const id of ['dense', 'ckpt']) {
    const a = predictionOf(py, id);
    const b = predictionOf(node, id);
    assert.deepEqual(a.shape, b.shape);
    const worst = a.data.reduce((m, x, i) => Math.max(m, Math.abs(x - b.data[i])), 0);
    assert.ok(worst < 1e-5, `${id}: Python vs Node prediction differ by ${worst}`);
  }
});
