/**
 * The device Node runner with `profileLayers`, run here as on a device
 * (`node nodeRunner.ts job.json` under tsx, onnxruntime-node from this
 * checkout, CPU): every line is a protocol message, the `layers` message
 * carries one run per per-sample input, and its nodes map onto every compute
 * layer of the FLOPs breakdown; the trace file is removed. No timing asserted.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { openCheckpoint } from '../../../src/core/checkpoint/checkpoint';
import { runTimes } from '../../../src/core/experiments/layerLatency';
import { TraceLayerMap } from '../../../src/core/experiments/traceLayers';
import { deviceLayerShares } from '../../../src/core/experiments/remoteLayers';
import { profileLayersText } from '../../../src/cli/commands/profileLayers';
import type { ProfileResult } from '../../../src/core/schema/profileResult';
import { parseRunnerLine, RUNNER_PROTOCOL, type RunnerJob, type RunnerMessage } from '../../../src/core/remote/profile/runnerProtocol';
import { parseTrace } from '../../../src/core/runtime/ortTrace';
import { encodeNpyF32, parseNpy } from '../../../src/core/samples/npy';
import { checkpoint, ROOT, STORM_TEST_INPUTS } from '../../helpers/engineFixtures';

const dir = mkdtempSync(path.join(os.tmpdir(), 'dp-runner-layers-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('nodeRunner profileLayers: a layers message that maps onto the FLOPs breakdown', async () => {
  const inputs = parseNpy(readFileSync(STORM_TEST_INPUTS), 'inputs');
  const per = inputs.data.length / inputs.shape[0];
  const samples = path.join(dir, 'samples.npy');
  writeFileSync(samples, encodeNpyF32(inputs.data.slice(0, 2 * per), [2, ...inputs.shape.slice(1)]));
  const outputDir = path.join(dir, 'out');
  rmSync(outputDir, { recursive: true, force: true });
  mkdirSync(outputDir);
  const job: RunnerJob = {
    protocol: RUNNER_PROTOCOL, variants: [{ id: 'dense', model: checkpoint('simvp_dense') }], samples, warmup: 1, iterations: 2, perSample: 2,
    outputDir, ortModule: path.join(ROOT, 'node_modules', 'onnxruntime-node'), providers: ['cpu'], profileLayers: true,
  };
  const jobFile = path.join(dir, 'job.json');
  writeFileSync(jobFile, JSON.stringify(job));
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'core', 'remote', 'profile', 'runner', 'nodeRunner.ts'), jobFile], { encoding: 'utf8', timeout: 120_000, cwd: ROOT });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const messages: RunnerMessage[] = r.stdout.trim().split('\n').map(parseRunnerLine);
  const layers = messages.find((m) => m.type === 'layers');
  assert.ok(layers && layers.type === 'layers', 'a layers message');
  assert.equal(layers.variant, 'dense');
  assert.equal(layers.runs.length, 2, 'one profiled run per per-sample input');
  assert.equal(messages.at(-1)?.type, 'done');
  const ck = await openCheckpoint(checkpoint('simvp_dense'));
  const compute = ck.counts.layers.filter((l) => l.macs > 0).map((l) => l.name);
  const map = new TraceLayerMap(ck.model.proto.graph ?? {}, new Set(compute));
  for (const run of layers.runs) assert.deepEqual([...runTimes(run, map).layers.keys()].sort(), [...compute].sort());
  // What `profile --layers` prints from it: shares of the graph's MACs and of the measured time.
  const shares = deviceLayerShares(ck, 'dense', ck.model.bytes, layers.runs);
  assert.ok(Math.abs(shares.layers.reduce((a, l) => a + l.macShare, 0) - 1) < 1e-6);
  assert.ok(Math.abs([...shares.layers, ...shares.otherOps].reduce((a, l) => a + l.timeShare, 0) - 1) < 1e-6);
  for (const l of shares.layers) assert.ok(l.macs > 0 && l.timeUs > 0, l.name);
  const result = { host: { alias: 'loop' }, backend: 'node', variants: [{ id: 'dense', label: 'simvp_dense.onnx', layerRuns: layers.runs }, { id: 'l1', label: 'x', layerRuns: undefined }] } as unknown as ProfileResult;
  const text = await profileLayersText(checkpoint('simvp_dense'), [{ id: 'dense', label: 'simvp_dense.onnx', file: checkpoint('simvp_dense') }], [result]);
  assert.match(text, /^\[loop\] dense: per layer \(median of 2 profiled runs/);
  for (const name of compute) assert.ok(text.includes(name), `table row for ${name}`);
  assert.match(text, /\[loop\] l1: no per-layer profile/);
  assert.ok(!readdirSync(outputDir).some((f) => f.endsWith('.json')), 'trace file removed');
});

test('parseRunnerLine: a layers message with a malformed node is refused, naming the field', () => {
  const line = JSON.stringify({ type: 'layers', variant: 'dense', runs: [{ runUs: 3, nodes: [{ name: 'a', op: 'Conv' }] }] });
  assert.throws(() => parseRunnerLine(line), /runner message 'layers': field 'runs\[\]\.nodes' is missing or of the wrong type/);
});

test('ort_runner.py parse_trace reads a real onnxruntime trace as parseTrace does', async () => {
  const ort = await import('onnxruntime-node');
  const prefix = path.join(dir, 'pytrace');
  const session = await ort.InferenceSession.create(checkpoint('simvp_dense'), { intraOpNumThreads: 1, enableProfiling: true, profileFilePrefix: prefix });
  const inputs = parseNpy(readFileSync(STORM_TEST_INPUTS), 'inputs');
  const per = inputs.data.length / inputs.shape[0];
  for (let i = 0; i < 2; i++) await session.run({ x: new ort.Tensor('float32', inputs.data.slice(0, per), [1, ...inputs.shape.slice(1)]) });
  session.endProfiling();
  await session.release();
  const trace = path.join(dir, readdirSync(dir).find((f) => f.startsWith('pytrace_') && f.endsWith('.json'))!);
  const runner = path.join(ROOT, 'src', 'core', 'remote', 'profile', 'runner', 'ort_runner.py');
  const script = `import importlib.util, json, sys\nspec = importlib.util.spec_from_file_location('r', sys.argv[1])\nm = importlib.util.module_from_spec(spec)\nspec.loader.exec_module(m)\nprint(json.dumps(m.parse_trace(json.load(open(sys.argv[2])))))`;
  const r = spawnSync('/usr/bin/python3', ['-c', script, runner, trace], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const fromPython = JSON.parse(r.stdout) as unknown;
  const fromTs = parseTrace(JSON.parse(readFileSync(trace, 'utf8')), trace);
  assert.equal(fromTs.length, 2);
  assert.ok(fromTs[0].nodes.length > 10);
  assert.deepEqual(fromPython, fromTs);
});
