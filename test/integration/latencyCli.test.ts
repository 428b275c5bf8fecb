/**
 * `dynapruner latency` through the real CLI (src/cli/main.ts under tsx) on the
 * bundled simvp_dynapruner.onnx (all four variants) and the storm test windows: 2 iterations, 2
 * samples, JSON written atomically; every compute layer of the checkpoint's
 * FLOPs breakdown is a row of every variant, MAC and time shares sum to 1,
 * the model predicts every sample of every variant. Bad input: one line,
 * nothing written. Structure and consistency only, no timing.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { openCheckpoint } from '../../src/core/checkpoint/checkpoint';
import { LAYER_LATENCY_SCHEMA, type LayerLatencyResult } from '../../src/core/schema/layerLatency';
import { checkpoint, ROOT } from '../helpers/engineFixtures';
import { OnnxBuilder } from '../helpers/onnxBuilder';

const dir = mkdtempSync(path.join(os.tmpdir(), 'dp-latency-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function runCli(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'cli', 'main.ts'), 'latency', ...args], { encoding: 'utf8', timeout: 300_000, cwd: ROOT });
}

function assertOneLineFailure(r: ReturnType<typeof runCli>, pattern: RegExp): void {
  assert.notEqual(r.status, 0, `exit status ${r.status}; stdout ${r.stdout}`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${r.stderr}`);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('dynapruner latency', () => {
  test('simvp_dynapruner: every compute layer, shares sum to 1, a prediction per sample', async () => {
    const out = path.join(dir, 'latency.json');
    const r = runCli([checkpoint('simvp_dynapruner'), '--variants', 'ckpt,dense,l1c,sparse', '--iterations', '2', '--warmup', '1', '--samples', '2', '--json', out]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(readdirSync(dir), ['latency.json'], 'no temp file left');
    const result = JSON.parse(readFileSync(out, 'utf8')) as LayerLatencyResult;
    assert.equal(result.schema, LAYER_LATENCY_SCHEMA);
    assert.deepEqual(result.variants.map((v) => v.variant), ['ckpt', 'dense', 'l1c', 'sparse']);
    const ck = await openCheckpoint(checkpoint('simvp_dynapruner'));
    const compute = ck.counts.layers.filter((l) => l.macs > 0);
    for (const v of result.variants) {
      const rows = new Map(v.layers.map((l) => [l.name, l]));
      for (const l of compute) assert.ok(rows.has(l.name), `${v.variant}: row for ${l.name}`);
      assert.ok(Math.abs(sum(v.layers.map((l) => l.macShare)) - 1) < 1e-6, `${v.variant}: MAC shares sum to 1`);
      assert.ok(Math.abs(sum([...v.layers, ...v.otherOps].map((l) => l.timeShare)) - 1) < 1e-6, `${v.variant}: time shares sum to 1`);
      assert.ok(Math.abs(sum([...v.layers, ...v.otherOps].map((l) => l.timeUs)) - v.nodeTimeUs) < 1e-6 * v.nodeTimeUs);
      assert.equal(v.perSampleMs.length, 2);
      assert.equal(v.perSampleMacs.length, 2);
      for (const l of v.layers) if (l.macs > 0) assert.ok(l.timeUs > 0 && l.nodes >= 1, `${v.variant}: ${l.name} has MACs and measured time`);
    }
    const byVariant = new Map(result.variants.map((v) => [v.variant, v]));
    // The clean dense graph computes the dense backbone; l1c fewer MACs; the checkpoint its mask-aware count.
    const dense = byVariant.get('dense')!.perSampleMacs[0];
    assert.ok(byVariant.get('l1c')!.perSampleMacs[0] < dense);
    for (const m of byVariant.get('ckpt')!.perSampleMacs) assert.ok(m < ck.denseMacs);
    // The sparse executor skips gated filters but not positions: between the checkpoint's count and dense.
    byVariant.get('sparse')!.perSampleMacs.forEach((m, i) => assert.ok(m < ck.denseMacs && m >= byVariant.get('ckpt')!.perSampleMacs[i]));
    assert.deepEqual(result.injectedKeptFractions, [1, 0.75, 0.5, 0.25]);
    for (const m of result.model) {
      assert.equal(m.samples.length, 2);
      for (const s of m.samples) for (const x of [s.predictedMs, s.measuredMs, s.macLimitMs!]) assert.ok(Number.isFinite(x) && x > 0);
      assert.ok(Number.isFinite(m.meanAbsPctError));
      const fitted = new Set(m.fits.map((f) => f.name));
      for (const l of byVariant.get(m.variant)!.layers) if (l.macs > 0) assert.ok(fitted.has(l.name), `${m.variant}: a fit for ${l.name}`);
    }
    assert.match(r.stdout, /latency model/);
    assert.match(r.stdout, /other ops: /);
  });

  test('bad input: one line, nothing written', () => {
    const plain = path.join(dir, 'plain.onnx');
    const b = new OnnxBuilder();
    b.input('x', ['N', 3, 8, 8]).initializer('w', [4, 3, 3, 3]);
    b.node('Conv', ['x', 'w'], ['y'], { pads: [1, 1, 1, 1] }, 'conv');
    b.output('y');
    writeFileSync(plain, b.encode());
    const out = path.join(dir, 'never.json');
    assertOneLineFailure(runCli([plain, '--variants', 'dense', '--json', out]), /plain\.onnx: no Dyna-Pruner contract .*--variants dense/);
    assertOneLineFailure(runCli([checkpoint('simvp_dynapruner'), '--variants', 'ckpt,sparce', '--json', out]), /latency: --variants: expected 'ckpt', 'dense', 'l1c' or 'sparse', found 'sparce'$/);
    assertOneLineFailure(runCli([checkpoint('simvp_dynapruner'), '--iterations', '0']), /latency: --iterations: expected an integer in 1\.\.100000, found 0$/);
    assertOneLineFailure(runCli([checkpoint('simvp_dense'), '--variants', 'l1c', '--json', out]), /simvp_dense\.onnx: the 'l1c' variant needs gated units/);
    assertOneLineFailure(runCli([checkpoint('simvp_dp_only'), '--variants', 'sparse', '--json', out]), /simvp_dp_only\.onnx: the 'sparse' variant needs gated units/);
    assert.equal(existsSync(out), false);
  });
});
