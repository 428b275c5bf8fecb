/**
 * `dynapruner export` through the real CLI (src/cli/main.ts under tsx, so no
 * build is needed):
 * - `--variant dense` of the bundled SimVP and TAU checkpoints reproduces dense
 *   mode (every mask injected as ones) within 1e-5 of the output's scale, and
 *   `--variant l1c` the masked static L1 (the mask-cut graph with the static
 *   L1 gates at the contract's s_w injected) within 1e-5 of the scale, on the storm test
 *   windows; in both the all-ones masks are folded away (no node reads one);
 *   `--variant sparse` reproduces the checkpoint window by window (1e-4);
 *   each file records its variant, source sha256 and options;
 * - bad input (no contract, unknown variant, output = input, existing output
 *   without --force, l1c of a checkpoint without gates, missing flags) exits
 *   non-zero with one line and writes nothing (no file, no temp file).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { openCheckpoint, PREDICTION } from '../../src/core/checkpoint/checkpoint';
import { EXPORT_METADATA_KEY, type ExportRecord } from '../../src/core/export/exportVariant';
import { filterL1Norms, l1Gate, repeatRows } from '../../src/core/experiments/maskOps';
import { decodeModelProto } from '../../src/core/onnx/proto';
import { InferencePool } from '../../src/core/runtime/inferencePool';
import { ModelRunner } from '../../src/core/runtime/modelRunner';
import { parseNpy } from '../../src/core/samples/npy';
import { checkpoint, ROOT, STORM_TEST_INPUTS } from '../helpers/engineFixtures';
import { OnnxBuilder } from '../helpers/onnxBuilder';

const dir = mkdtempSync(path.join(os.tmpdir(), 'dp-export-'));
const pool = new InferencePool({ size: 1, intraOpThreads: 1 });
after(async () => {
  await pool.close();
  rmSync(dir, { recursive: true, force: true });
});

function runCli(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'cli', 'main.ts'), 'export', ...args], { encoding: 'utf8', timeout: 120_000, cwd: ROOT });
}

/** One-line failure: non-zero exit, a single stderr line matching `pattern`, no stack trace. */
function assertOneLineFailure(r: ReturnType<typeof runCli>, pattern: RegExp): void {
  assert.notEqual(r.status, 0, `exit status ${r.status}; stdout ${r.stdout}`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${r.stderr}`);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

/** Files in the scratch folder (temp files of a failed atomic write would show here). */
const listing = () => readdirSync(dir).sort();

function maxDiff(a: Float32Array, b: Float32Array): { abs: number; scale: number } {
  assert.equal(a.length, b.length);
  let abs = 0;
  let scale = 1;
  for (let i = 0; i < a.length; i++) {
    abs = Math.max(abs, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return { abs, scale };
}

async function runModel(key: string, file: string): Promise<Float32Array> {
  const npy = parseNpy(readFileSync(STORM_TEST_INPUTS), 'inputs');
  pool.register(key, readFileSync(file));
  return (await pool.run(key, { x: { data: npy.data.slice(), dims: npy.shape } }, [PREDICTION]))[PREDICTION].data;
}

function recordOf(file: string): ExportRecord {
  const entry = (decodeModelProto(readFileSync(file)).metadata_props ?? []).find((p) => p.key === EXPORT_METADATA_KEY);
  assert.ok(entry?.value, `${file}: has ${EXPORT_METADATA_KEY} metadata`);
  return JSON.parse(entry.value) as ExportRecord;
}

describe('dynapruner export', () => {
  for (const name of ['simvp_dynapruner', 'tau_dynapruner']) {
    test(`${name}: --variant dense reproduces dense mode, l1c the masked static L1, sparse the checkpoint`, async () => {
      const ck = await openCheckpoint(checkpoint(name));
      const npy = parseNpy(readFileSync(STORM_TEST_INPUTS), 'inputs');
      const n = npy.shape[0];
      const runner = new ModelRunner(ck, pool);
      const sha = createHash('sha256').update(readFileSync(checkpoint(name))).digest('hex');

      const denseFile = path.join(dir, `${name}.dense.onnx`);
      const d = runCli([checkpoint(name), '--variant', 'dense', '--out', denseFile]);
      assert.equal(d.status, 0, d.stderr);
      assert.match(d.stdout, /^wrote .*\(dense of /);
      const denseMode = await runner.injected(npy.data, n, { dataMask: null, gates: ck.gateTensors.map(() => null) });
      const dd = maxDiff(await runModel(`${name}:dense`, denseFile), denseMode);
      assert.ok(dd.abs <= 1e-5 * dd.scale, `dense export vs dense mode: max |diff| ${dd.abs} at scale ${dd.scale}`);
      const dr = recordOf(denseFile);
      assert.deepEqual([dr.variant, dr.source, dr.sourceSha256], ['dense', `${name}.onnx`, sha]);

      const l1cFile = path.join(dir, `${name}.l1c.onnx`);
      const l = runCli([checkpoint(name), '--variant', 'l1c', '--out', l1cFile]);
      assert.equal(l.status, 0, l.stderr);
      const s = ck.contract.targets.s_w!;
      const rows = ck.gateTensors.map((g) => l1Gate(filterL1Norms(ck, g.unit), s));
      const masked = await runner.injected(npy.data, n, { dataMask: null, gates: rows.map((r) => repeatRows(r, n)) });
      const ld = maxDiff(await runModel(`${name}:l1c`, l1cFile), masked);
      // Relative, as for dense: the compacted convs sum fewer (and padded) channels in another order, so float32
      // rounding grows with the output's scale (4.29e-6 absolute seen for TAU on one machine, 4e-6 was the old bound).
      assert.ok(ld.abs <= 1e-5 * ld.scale, `l1c export vs masked static L1: max |diff| ${ld.abs} at scale ${ld.scale}`);
      const lr = recordOf(l1cFile);
      assert.deepEqual([lr.variant, lr.sourceSha256, lr.options.sparsity], ['l1c', sha, s]);
      assert.ok(readFileSync(l1cFile).length < readFileSync(denseFile).length, 'l1c is smaller than dense');
      const sparseFile = path.join(dir, `${name}.sparse.onnx`);
      const sp = runCli([checkpoint(name), '--variant', 'sparse', '--out', sparseFile, '--calibrate-rounds', '1', '--calibrate-samples', '2']);
      assert.equal(sp.status, 0, sp.stderr);
      assert.deepEqual([recordOf(sparseFile).variant, recordOf(sparseFile).sourceSha256], ['sparse', sha]);
      pool.register(`${name}:sparse`, readFileSync(sparseFile));
      const own = (await runner.full(npy.data, n)).prediction;
      const per = npy.data.length / n;
      const yi = own.length / n;
      let sparseWorst = 0;
      for (let k = 0; k < n; k++) {
        const got = (await pool.run(`${name}:sparse`, { x: { data: npy.data.slice(k * per, (k + 1) * per), dims: [1, ...npy.shape.slice(1)] } }, [PREDICTION]))[PREDICTION].data;
        for (let i = 0; i < yi; i++) sparseWorst = Math.max(sparseWorst, Math.abs(got[i] - own[k * yi + i]));
      }
      assert.ok(sparseWorst <= 1e-4, `sparse export vs the checkpoint, window by window: max |diff| ${sparseWorst}`);

      for (const file of [denseFile, l1cFile]) {
        const nodes = decodeModelProto(readFileSync(file)).graph?.node ?? [];
        const readsMask = nodes.filter((nd) => (nd.input ?? []).some((i) => i.startsWith('dp_') || i.startsWith('dynapruner_studio/const_mask')));
        assert.deepEqual(readsMask.map((nd) => nd.name), [], `${path.basename(file)}: no node reads a mask (the ones are folded away)`);
      }
    });
  }

  test('bad input: one line, nothing written', () => {
    const ckCopy = path.join(dir, 'ckpt-copy.onnx');
    copyFileSync(checkpoint('simvp_dynapruner'), ckCopy);
    const original = readFileSync(ckCopy);
    const plain = path.join(dir, 'plain.onnx');
    const b = new OnnxBuilder();
    b.input('x', ['N', 3, 8, 8]).initializer('w', [4, 3, 3, 3]);
    b.node('Conv', ['x', 'w'], ['y'], { pads: [1, 1, 1, 1] }, 'conv');
    b.output('y');
    writeFileSync(plain, b.encode());
    const before = listing();
    const out = path.join(dir, 'never.onnx');

    assertOneLineFailure(runCli([plain, '--variant', 'dense', '--out', out]), /plain\.onnx: no Dyna-Pruner contract/);
    assertOneLineFailure(runCli([ckCopy, '--variant', 'sparce', '--out', out]), /--variant: expected 'dense', 'l1c' or 'sparse', found 'sparce'/);
    assertOneLineFailure(runCli([ckCopy, '--out', out]), /--variant is required/);
    assertOneLineFailure(runCli([ckCopy, '--variant', 'dense']), /--out is required/);
    assertOneLineFailure(runCli([ckCopy, '--variant', 'dense', '--out', ckCopy]), /ckpt-copy\.onnx.*--out names the checkpoint/);
    assertOneLineFailure(runCli([checkpoint('simvp_dense'), '--variant', 'l1c', '--out', out]), /simvp_dense\.onnx: the 'l1c' variant needs gated units/);
    assertOneLineFailure(runCli([checkpoint('simvp_dp_only'), '--variant', 'sparse', '--out', out]), /simvp_dp_only\.onnx: the 'sparse' variant needs gated units/);
    assertOneLineFailure(runCli([ckCopy, '--variant', 'dense', '--sparsity', '0.5', '--out', out]), /--sparsity applies to --variant l1c only/);
    assertOneLineFailure(runCli([ckCopy, '--variant', 'l1c', '--sparsity', '1.5', '--out', out]), /--sparsity: expected a fraction in \[0, 1\), found '1.5'/);
    assert.deepEqual(listing(), before, 'nothing written');
    assert.ok(!existsSync(out));
    assert.deepEqual(readFileSync(ckCopy), original, 'the checkpoint is untouched');

    // An existing output is refused without --force (left as it was) and replaced with it.
    const existing = path.join(dir, 'existing.onnx');
    writeFileSync(existing, 'keep me');
    assertOneLineFailure(runCli([ckCopy, '--variant', 'dense', '--out', existing]), /--out .*existing\.onnx: the file exists; give --force to replace it/);
    assert.equal(readFileSync(existing, 'utf8'), 'keep me');
    const forced = runCli([ckCopy, '--variant', 'dense', '--out', existing, '--force']);
    assert.equal(forced.status, 0, forced.stderr);
    assert.equal(recordOf(existing).variant, 'dense');
    assert.deepEqual(listing(), [...before, 'existing.onnx'].sort(), 'no temp file left');
  });
});
