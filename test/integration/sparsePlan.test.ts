/**
 * The calibrated sparse plan (`export --variant sparse --calibrate`), with
 * the real onnxruntime and the bundled checkpoints on the storm samples:
 * - a local calibration prints the plan and records it in the file's
 *   metadata (`dynapruner.sparse_plan`), and it reads back as written: one
 *   entry per gatherable unit with its measured keep rate and both timed
 *   forms, the end-to-end ratio to clean dense and a verdict that says
 *   whether the plan is slower; the graph keeps dense what the plan says;
 * - a plan with forced-dense units still equals the checkpoint within 1e-4
 *   window by window;
 * - bad --calibrate values (empty, not an alias, unknown host, unreachable
 *   host, not the sparse variant) give one line and write nothing.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { openCheckpoint, PREDICTION } from '../../src/core/checkpoint/checkpoint';
import { readSparsePlan, SPARSE_PLAN_KEY, type SparsePlan } from '../../src/core/export/sparsePlan';
import { buildSparseVariant } from '../../src/core/export/sparseVariant';
import { DENSE_BY_PLAN, gatherGatedChannels } from '../../src/core/graph/channelGather';
import { decodeModelProto, encodeModelProto } from '../../src/core/onnx/proto';
import { InferencePool } from '../../src/core/runtime/inferencePool';
import { ModelRunner } from '../../src/core/runtime/modelRunner';
import { parseNpy } from '../../src/core/samples/npy';
import { checkpoint, ROOT, STORM_TEST_INPUTS } from '../helpers/engineFixtures';

const dir = mkdtempSync(path.join(os.tmpdir(), 'dp-sparse-plan-'));
const pool = new InferencePool({ size: 1, intraOpThreads: 1 });
after(async () => {
  await pool.close();
  rmSync(dir, { recursive: true, force: true });
});

function runCli(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'cli', 'main.ts'), 'export', ...args], { encoding: 'utf8', timeout: 180_000, cwd: ROOT, env: { ...process.env, HOME: dir } });
}

function assertOneLineFailure(r: ReturnType<typeof runCli>, pattern: RegExp): void {
  assert.notEqual(r.status, 0, `exit status ${r.status}; stdout ${r.stdout}`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${r.stderr}`);
  assert.match(lines[0], pattern);
}

/** Worst |diff| of `model` against the checkpoint's own prediction, window by window. */
async function worstAgainstCheckpoint(name: string, key: string, bytes: Uint8Array): Promise<number> {
  const ck = await openCheckpoint(checkpoint(name));
  const npy = parseNpy(readFileSync(STORM_TEST_INPUTS), 'inputs');
  const n = npy.shape[0];
  const per = npy.data.length / n;
  const own = (await new ModelRunner(ck, pool).full(npy.data, n)).prediction;
  const yi = own.length / n;
  pool.register(key, bytes);
  let worst = 0;
  for (let k = 0; k < n; k++) {
    const got = (await pool.run(key, { x: { data: npy.data.slice(k * per, (k + 1) * per), dims: [1, ...npy.shape.slice(1)] } }, [PREDICTION]))[PREDICTION].data;
    for (let i = 0; i < yi; i++) worst = Math.max(worst, Math.abs(got[i] - own[k * yi + i]));
  }
  return worst;
}

describe('sparse plan', () => {
  test('simvp: a local calibration is printed, recorded and read back as written', async () => {
    const out = path.join(dir, 'simvp.sparse.onnx');
    const r = runCli([checkpoint('simvp_dynapruner'), '--variant', 'sparse', '--out', out, '--calibrate', 'local', '--calibrate-rounds', '2', '--calibrate-samples', '3', '--samples', STORM_TEST_INPUTS]);
    assert.equal(r.status, 0, r.stderr);
    const plan = readSparsePlan(decodeModelProto(readFileSync(out)));
    assert.ok(plan, `${SPARSE_PLAN_KEY} recorded`);
    const ck = await openCheckpoint(checkpoint('simvp_dynapruner'));
    assert.deepEqual(plan.units.map((u) => u.unit), gatherGatedChannels(ck).report.gatheredUnits, 'one entry per gatherable unit');
    assert.deepEqual([plan.measured.calibrate, plan.measured.threads, plan.measured.clock, plan.measured.samples, plan.measured.rounds], ['local', 1, 'cpu', 3, 2]);
    for (const u of plan.units) {
      assert.ok(u.keepRate > 0 && u.keepRate < 1, `unit ${u.unit}: keep rate ${u.keepRate} measured from the checkpoint's gates`);
      assert.ok(u.gatheredMs! > 0 && u.denseMs! > 0, `unit ${u.unit}: both forms timed`);
      const chosen: string = plan.endToEnd!.chosen;
      const expected: string = chosen === 'all-dense' ? 'dense' : chosen === 'all-gathered' ? 'gathered' : u.denseOverGathered! < 1 ? 'dense' : 'gathered';
      assert.equal(u.form, expected, `unit ${u.unit}: form follows its measurement and the chosen candidate (${chosen})`);
    }
    const e = plan.endToEnd!;
    assert.ok(e.cleanDenseMs > 0 && e.planMs > 0 && e.ratio > 0);
    assert.ok(e.ratio <= Math.min(e.allGatheredRatio, e.allDenseRatio), 'the plan is the fastest measured candidate');
    assert.match(plan.verdict, e.ratio > 1 ? /^SLOWER than clean dense on .*: \d+\.\d\dx its time/ : /^faster than clean dense/);
    assert.ok(r.stdout.includes(`verdict: ${plan.verdict}`), 'the verdict is printed');
    assert.match(r.stdout, /^unit\s+filters\s+keep rate\s+form/m);
    // The graph keeps dense exactly the units the plan says.
    const dense = plan.units.filter((u) => u.form === 'dense').map((u) => u.unit);
    const rebuilt = gatherGatedChannels(ck, { denseUnits: new Set(dense) });
    assert.deepEqual(rebuilt.report.gatheredUnits, plan.units.filter((u) => u.form === 'gathered').map((u) => u.unit));
    const written = decodeModelProto(readFileSync(out));
    assert.equal(written.graph?.node?.length, rebuilt.model.graph?.node?.length);
  });

  test('--calibrate none records an untimed all-gathered plan', () => {
    const out = path.join(dir, 'none.sparse.onnx');
    const r = runCli([checkpoint('simvp_dynapruner'), '--variant', 'sparse', '--out', out, '--calibrate', 'none', '--calibrate-samples', '2', '--samples', STORM_TEST_INPUTS]);
    assert.equal(r.status, 0, r.stderr);
    const plan = readSparsePlan(decodeModelProto(readFileSync(out)))!;
    assert.equal(plan.endToEnd, null);
    assert.ok(plan.units.every((u) => u.form === 'gathered' && u.gatheredMs === null));
    assert.match(plan.verdict, /^not calibrated/);
  });

  for (const name of ['simvp_dynapruner', 'convlstm_dynapruner']) {
    test(`${name}: a plan with forced-dense units equals the checkpoint within 1e-4`, async () => {
      const ck = await openCheckpoint(checkpoint(name));
      const units = gatherGatedChannels(ck).report.gatheredUnits;
      const plan: SparsePlan = {
        version: 1,
        measured: { calibrate: 'none', device: 'none', runtime: 'none', threads: 0, clock: 'wall', samples: 0, rounds: 0 },
        units: units.map((u, i) => ({ unit: u, channels: 0, keepRate: 0.5, form: i % 2 === 0 ? 'dense' : 'gathered', gatheredMs: null, denseMs: null, denseOverGathered: null })),
        endToEnd: null,
        verdict: 'forced',
      };
      const { model, info } = buildSparseVariant(ck, plan);
      assert.deepEqual(info.denseUnits, units.filter((_, i) => i % 2 === 0));
      assert.ok(info.denseConvs.some((d) => d.reason === DENSE_BY_PLAN), 'forced-dense convs are reported');
      assert.ok(info.gatheredConvs > 0, 'the other units stay gathered');
      assert.deepEqual(readSparsePlan(model), plan, 'the plan round-trips through the metadata');
      const worst = await worstAgainstCheckpoint(name, `${name}:forced`, encodeModelProto(model));
      assert.ok(worst <= 1e-4, `forced-dense plan vs the checkpoint: max |diff| ${worst}`);
    });
  }

  test('bad --calibrate: one line, nothing written', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = net.createServer();
      s.listen(0, '127.0.0.1', () => {
        const port = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    const hosts = path.join(dir, 'hosts.json');
    writeFileSync(hosts, JSON.stringify([{ alias: 'gone', hostName: '127.0.0.1', port: closed, user: 'nobody' }]));
    const before = readdirSync(dir).sort();
    const out = path.join(dir, 'never.onnx');
    const ck = checkpoint('simvp_dynapruner');
    assertOneLineFailure(runCli([ck, '--variant', 'sparse', '--out', out, '--calibrate', '']), /--calibrate: expected 'local', 'none' or a profiling host alias, found ''/);
    assertOneLineFailure(runCli([ck, '--variant', 'sparse', '--out', out, '--calibrate', 'a b']), /--calibrate: expected 'local', 'none' or a profiling host alias, found 'a b'/);
    assertOneLineFailure(runCli([ck, '--variant', 'sparse', '--out', out, '--calibrate', 'nosuchhost', '--hosts-file', hosts]), /--calibrate nosuchhost: not a configured profiling host \(known: gone;/);
    assertOneLineFailure(runCli([ck, '--variant', 'sparse', '--out', out, '--calibrate', 'gone', '--hosts-file', hosts, '--connect-timeout', '2000']), /--calibrate gone: cannot reach the host: /);
    assertOneLineFailure(runCli([ck, '--variant', 'dense', '--out', out, '--calibrate', 'local']), /--calibrate applies to --variant sparse only, found --variant dense/);
    assertOneLineFailure(runCli([ck, '--variant', 'sparse', '--out', out, '--calibrate-rounds', '0']), /--calibrate-rounds: expected an integer in 1\.\.1000, found 0/);
    assert.deepEqual(readdirSync(dir).sort(), before, 'nothing written');
  });
});
