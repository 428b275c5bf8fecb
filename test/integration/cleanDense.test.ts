/**
 * The clean dense graph (`src/core/graph/cleanDense.ts`) of every bundled
 * checkpoint, on the storm test windows:
 * - its prediction equals dense mode's (the engine's mask-cut graph with every
 *   mask injected as ones; the checkpoint itself when it has no masks) within
 *   1e-5 times the output's scale max(1, max |dense mode|) (TAU's dense mode, a
 *   model run with filters it was trained without, reaches |values| of 219 and
 *   differs by 6e-5 there: float rounding of a different kernel order);
 * - no node reads a folded mask or anything derived from one, no mask-generator
 *   or gate-head node is left, and every Mul by a mask was removed;
 * - `inspect`'s MACs of the clean file equal dense mode's mask-aware MACs
 *   without the overhead (the backbone plus unbound MAC nodes);
 * - it has fewer nodes than dense mode (as the engine runs it, and as materialized);
 * - a mask read by something other than a Mul (a Where) is refused, naming the
 *   node, and the engine's dense reference falls back to dense mode.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { hasMasks, openCheckpoint, PREDICTION, type Checkpoint } from '../../src/core/checkpoint/checkpoint';
import { sampleMacs } from '../../src/core/experiments/analyze';
import { cleanDense } from '../../src/core/graph/cleanDense';
import { allOnesMasks, materializeConstantMasks } from '../../src/core/graph/constantMasks';
import { inspectModel } from '../../src/core/inspect/inspect';
import { DataType, decodeModelProto, encodeModelProto } from '../../src/core/onnx/proto';
import { poolEvaluator } from '../../src/core/runtime/graphEvaluator';
import { InferencePool } from '../../src/core/runtime/inferencePool';
import { ModelRunner } from '../../src/core/runtime/modelRunner';
import { parseNpy } from '../../src/core/samples/npy';
import { ALL_CHECKPOINTS, checkpoint, STORM_TEST_INPUTS } from '../helpers/engineFixtures';

const pool = new InferencePool({ size: 1, intraOpThreads: 1 });
let tmp = '';
after(async () => {
  await pool.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** Largest |a - b| over the largest |b| (at least 1): absolute for outputs of magnitude <= 1, else relative to the output's scale. */
function maxScaledDiff(a: Float32Array, b: Float32Array): { scaled: number; abs: number; scale: number } {
  assert.equal(a.length, b.length);
  let worst = 0;
  let scale = 1;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return { scaled: worst / scale, abs: worst, scale };
}

/** Names of the Mul nodes of dense mode (as materialized) that read a mask or a tensor derived from one. */
function maskMulsOf(ck: Checkpoint): string[] {
  if (!hasMasks(ck)) return [];
  const masks = allOnesMasks(ck);
  const graph = decodeModelProto(materializeConstantMasks(ck.model.proto, masks, 'dense')).graph!;
  const derived = new Set(masks.map((m) => m.tensor));
  const muls: string[] = [];
  for (const node of graph.node ?? []) {
    if (!(node.input ?? []).some((i) => derived.has(i))) continue;
    if (node.op_type === 'Mul') muls.push(node.name ?? '');
    else for (const o of node.output ?? []) derived.add(o);
  }
  return muls;
}

describe('clean dense graph (constant masks folded)', () => {
  for (const name of ALL_CHECKPOINTS) {
    test(`${name}: equals dense mode, no mask left, inspect MACs = dense backbone, fewer nodes`, async () => {
      tmp ||= await mkdtemp(path.join(os.tmpdir(), 'dp-clean-dense-'));
      const ck = await openCheckpoint(checkpoint(name));
      const { model, report } = await cleanDense(ck, poolEvaluator(pool, `clean-test:${name}`));
      const bytes = encodeModelProto(model);

      const npy = parseNpy(await readFile(STORM_TEST_INPUTS), 'inputs');
      const n = npy.shape[0];
      const runner = new ModelRunner(ck, pool);
      const dense = hasMasks(ck)
        ? await runner.injected(npy.data, n, { dataMask: null, gates: ck.gateTensors.map(() => null) })
        : (await runner.full(npy.data, n)).prediction;
      pool.register(`clean-test:${name}:model`, bytes);
      const clean = (await pool.run(`clean-test:${name}:model`, { x: { data: npy.data.slice(), dims: npy.shape } }, [PREDICTION]))[PREDICTION].data;
      const diff = maxScaledDiff(clean, dense);
      assert.ok(diff.scaled <= 1e-5, `max |clean dense - dense mode| = ${diff.abs} at output scale ${diff.scale}`);

      const nodes = model.graph?.node ?? [];
      const masks = new Set(report.masks);
      for (const node of nodes) {
        assert.ok(!(node.input ?? []).some((i) => masks.has(i) || i.startsWith('dynapruner_studio/const_mask')), `'${node.name}' reads a folded mask`);
        assert.ok(!(node.name ?? '').startsWith('dynapruner_studio/const_mask'), `constant mask node '${node.name}' left`);
      }
      const overhead = new Set(ck.contract.overhead_nodes);
      // Constant nodes the exporter named under the mask generator may stay (the backbone reads them as indices).
      const overheadLeft = nodes.filter((nd) => overhead.has(nd.name ?? '') && nd.op_type !== 'Constant').map((nd) => nd.name);
      assert.deepEqual(overheadLeft, [], 'no mask-generator or gate-head node left');
      assert.deepEqual((model.graph?.input ?? []).map((v) => v.name), ['x']);
      assert.deepEqual((model.graph?.output ?? []).map((v) => v.name), [PREDICTION]);
      // Every Mul of dense mode reading a mask, directly or at another resolution, is gone.
      const maskMuls = maskMulsOf(ck);
      const left = new Set(nodes.map((nd) => nd.name));
      assert.deepEqual(maskMuls.filter((m) => left.has(m)), [], 'Muls by a mask left');
      if (hasMasks(ck)) assert.ok(report.foldedMuls.length >= maskMuls.length && maskMuls.length > 0, `folded ${report.foldedMuls.length} Muls`);

      const file = path.join(tmp, `${name}.clean-dense.onnx`);
      await writeFile(file, bytes);
      const inspected = await inspectModel(file);
      const denseMode = sampleMacs(ck, null, ck.gateTensors.map(() => null));
      assert.equal(inspected.totals.macs, denseMode.total - denseMode.overhead);

      const engineNodes = decodeModelProto(ck.variants.allCut ?? ck.variants.full).graph?.node?.length ?? 0;
      if (hasMasks(ck)) {
        assert.ok(report.nodesAfter < engineNodes && report.nodesAfter < report.nodesBefore, `nodes ${report.nodesAfter} vs dense mode ${engineNodes} (materialized ${report.nodesBefore})`);
      } else {
        assert.ok(report.nodesAfter <= engineNodes, `nodes ${report.nodesAfter} vs ${engineNodes}`);
      }
    });
  }
});

describe('a mask that cannot be folded', () => {
  test('a checkpoint reading its data mask through Where: the clean dense build is refused naming the node, and the engine falls back to dense mode', async () => {
    tmp ||= await mkdtemp(path.join(os.tmpdir(), 'dp-clean-dense-'));
    // simvp_dynapruner with its input Mul(x, mask) rewritten as Where(mask != 0, x, 0): the same function, no Mul by the mask.
    const proto = decodeModelProto(await readFile(checkpoint('simvp_dynapruner')));
    const graph = proto.graph!;
    const at = graph.node!.findIndex((nd) => nd.op_type === 'Mul' && (nd.input ?? [])[0] === 'x');
    assert.ok(at >= 0, 'the input Mul by the data mask');
    const mul = graph.node![at];
    const maskInput = mul.input![1];
    graph.initializer!.push({ name: 'test/zero', data_type: DataType.FLOAT, dims: [], raw_data: new Uint8Array(Float32Array.of(0).buffer) });
    graph.node!.splice(at, 1,
      { name: 'test/Cast', op_type: 'Cast', input: [maskInput], output: ['test/cond'], attribute: [{ name: 'to', type: 2, i: DataType.BOOL }] },
      { name: 'test/Where', op_type: 'Where', input: ['test/cond', 'x', 'test/zero'], output: mul.output });
    const file = path.join(tmp, 'simvp_where.onnx');
    await writeFile(file, encodeModelProto(proto));
    const ck = await openCheckpoint(file);
    await assert.rejects(cleanDense(ck, poolEvaluator(pool, 'where-test')), /'test\/Where' \(Where\) still reads/);

    const runner = new ModelRunner(ck, pool);
    const npy = parseNpy(await readFile(STORM_TEST_INPUTS), 'inputs');
    const n = npy.shape[0];
    const viaRunner = await runner.cleanDense(npy.data, n);
    assert.match(runner.cleanDenseError ?? '', /test\/Where/);
    const denseMode = await runner.injected(npy.data, n, { dataMask: null, gates: ck.gateTensors.map(() => null) });
    assert.deepEqual(viaRunner, denseMode, 'dense mode stands in for the clean dense graph');
  });
});
