/**
 * The TopK form of the channel-gathering executor (`export --variant sparse
 * --index topk`; src/core/graph/topkIndex.ts) on every bundled checkpoint
 * with gated units, k calibrated on the storm test windows (vector width 8):
 * - its prediction equals the checkpoint's within 1e-4 on every window (batch
 *   1) and `dp_index_overflow` is false on every one;
 * - every tensor of the graph has a static shape (the project's static shape
 *   inference resolves all of them without the runtime fallback) and there is
 *   no NonZero;
 * - with one unit's k forced below its largest active count the flag is true
 *   exactly on the windows that have more active filters than k.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, describe, test } from 'node:test';
import { openCheckpoint, PREDICTION, type Checkpoint } from '../../src/core/checkpoint/checkpoint';
import { calibrateTopk, unitActiveCounts } from '../../src/core/export/topkCalibration';
import { gatherGatedChannels } from '../../src/core/graph/channelGather';
import { calibratedK, INDEX_OVERFLOW } from '../../src/core/graph/topkIndex';
import { encodeModelProto, type ModelProto } from '../../src/core/onnx/proto';
import { inferStatic, resolveInputShapes } from '../../src/core/shapes/infer';
import { InferencePool } from '../../src/core/runtime/inferencePool';
import { poolEvaluator } from '../../src/core/runtime/graphEvaluator';
import { ModelRunner } from '../../src/core/runtime/modelRunner';
import type { WireTensor } from '../../src/core/runtime/workerProtocol';
import { parseNpy } from '../../src/core/samples/npy';
import { ALL_CHECKPOINTS, checkpoint, STORM_TEST_INPUTS } from '../helpers/engineFixtures';

const pool = new InferencePool({ size: 1, intraOpThreads: 1 });
after(() => pool.close());
const evaluate = poolEvaluator(pool, 'topk-test');

async function windows(): Promise<{ data: Float32Array; shape: number[]; feeds: Record<string, WireTensor>[] }> {
  const npy = parseNpy(await readFile(STORM_TEST_INPUTS), 'inputs');
  const per = npy.data.length / npy.shape[0];
  const feeds = Array.from({ length: npy.shape[0] }, (_, k) => ({ x: { data: npy.data.slice(k * per, (k + 1) * per), dims: [1, ...npy.shape.slice(1)] } }));
  return { data: npy.data, shape: npy.shape, feeds };
}

/** Prediction and overflow flag of `model` on each feed. */
async function runEach(key: string, model: ModelProto, feeds: Record<string, WireTensor>[]): Promise<{ prediction: Float32Array; overflow: boolean }[]> {
  pool.register(key, encodeModelProto(model));
  const out = [];
  for (const f of feeds) {
    const r = await pool.run(key, { x: { data: f.x.data.slice(), dims: [...f.x.dims] } }, [PREDICTION, INDEX_OVERFLOW]);
    assert.deepEqual(r[INDEX_OVERFLOW].dims, [1]);
    out.push({ prediction: r[PREDICTION].data, overflow: r[INDEX_OVERFLOW].data[0] !== 0 });
  }
  return out;
}

async function gated(name: string): Promise<Checkpoint | null> {
  const ck = await openCheckpoint(checkpoint(name));
  return ck.gateTensors.length ? ck : null;
}

describe('channel gathering with a TopK index (static shapes)', () => {
  test('calibrated k: the largest active count rounded up to the vector width, capped at the filter count', () => {
    assert.deepEqual([calibratedK(0, 8, 16), calibratedK(1, 8, 16), calibratedK(8, 8, 16), calibratedK(9, 8, 16), calibratedK(15, 8, 12), calibratedK(5, 1, 16)], [8, 8, 8, 16, 12, 5]);
    assert.throws(() => calibratedK(3, 0, 16), /vector width must be a positive integer, found 0/);
  });

  for (const name of ALL_CHECKPOINTS) {
    test(`${name}: equals the checkpoint on every window (1e-4), no overflow, every shape static`, async (t) => {
      const ck = await gated(name);
      if (!ck) return t.diagnostic(`${name} has no gated units: the sparse export refuses it`);
      const w = await windows();
      const ks = await calibrateTopk(ck, w.feeds, evaluate, 8);
      const { model, report } = gatherGatedChannels(ck, { index: { kind: 'topk', k: new Map(ks.map((u) => [u.unit, u.k])) } });
      assert.ok(report.gathered.length > 0, `gathered convs (dense: ${JSON.stringify(report.dense)})`);
      assert.deepEqual(Object.keys(report.k ?? {}).map(Number), report.gatheredUnits);
      for (const u of ks) assert.ok(u.k % 8 === 0 || u.k === u.channels, `unit ${u.unit}: k ${u.k} is a multiple of 8 or the filter count ${u.channels}`);
      const nodes = model.graph?.node ?? [];
      assert.deepEqual(nodes.filter((n) => n.op_type === 'NonZero').map((n) => n.name), [], 'no NonZero');

      const want = (await new ModelRunner(ck, pool).full(w.data, w.shape[0])).prediction;
      const got = await runEach(`topk:${name}`, model, w.feeds);
      const yi = want.length / w.shape[0];
      let worst = 0;
      got.forEach((g, k) => {
        for (let i = 0; i < yi; i++) worst = Math.max(worst, Math.abs(g.prediction[i] - want[k * yi + i]));
      });
      assert.ok(worst <= 1e-4, `max |topk - checkpoint| = ${worst}`);
      assert.deepEqual(got.map((g) => g.overflow), got.map(() => false), 'no window overflows its calibrated k');

      const loaded = { file: `${name}.topk.onnx`, dir: '.', proto: model, bytes: new Uint8Array(0), sizeBytes: 0 };
      const table = inferStatic(loaded, resolveInputShapes(loaded));
      assert.deepEqual(table.unresolved, [], 'every tensor has a static shape');
      const produced = nodes.flatMap((n) => n.output ?? []).filter((o) => o !== '');
      const symbolic = produced.filter((o) => !table.shapes.get(o)?.every((d) => Number.isInteger(d) && d >= 0));
      assert.deepEqual(symbolic, [], 'concrete dims for every node output');
      const declared = new Map([...(model.graph?.value_info ?? []), ...(model.graph?.output ?? [])].map((v) => [v.name ?? '', v.type?.tensor_type?.shape?.dim ?? []]));
      assert.deepEqual(produced.filter((o) => !(declared.get(o)?.length !== undefined && declared.get(o)!.every((d) => (d.dim_value ?? -1) >= 0 && d.dim_param === undefined))), [], 'value_info records concrete dims for every node output');
      assert.deepEqual((model.graph?.input ?? []).find((i) => i.name === 'x')?.type?.tensor_type?.shape?.dim?.[0], { dim_value: 1 }, 'batch fixed to 1');
    });
  }

  test('simvp_dynapruner: the overflow flag fires exactly on the windows whose active count exceeds a forced k', async () => {
    const ck = (await gated('simvp_dynapruner'))!;
    const w = await windows();
    const counts = await unitActiveCounts(ck, w.feeds, evaluate);
    const { report } = gatherGatedChannels(ck);
    // The gathered unit whose active count varies most over the windows; its k set to one below its largest count.
    const spread = (u: number) => Math.max(...counts.map((c) => c.get(u)!)) - Math.min(...counts.map((c) => c.get(u)!));
    const unit = report.gatheredUnits.reduce((a, u) => (spread(u) > spread(a) ? u : a));
    const forced = Math.max(...counts.map((c) => c.get(unit)!)) - 1;
    assert.ok(forced >= 1, `unit ${unit} has more than one active filter somewhere`);
    const k = new Map(ck.gateTensors.map((g) => [g.unit, g.unit === unit ? forced : g.channels]));
    const { model } = gatherGatedChannels(ck, { index: { kind: 'topk', k } });
    const got = await runEach('topk:forced', model, w.feeds);
    const expected = counts.map((c) => c.get(unit)! > forced);
    assert.ok(expected.some(Boolean), 'some window exceeds the forced k');
    assert.deepEqual(got.map((g) => g.overflow), expected, `flag per window (unit ${unit}, k ${forced}, counts ${counts.map((c) => c.get(unit)).join(',')})`);
  });
});
