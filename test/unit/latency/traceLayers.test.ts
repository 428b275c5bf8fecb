/**
 * The trace-to-layer mapping on real onnxruntime traces: the bundled
 * simvp_dense.onnx profiled here (CPU, 1 thread, all optimisations, so its
 * convs come out fused with their activations and NCHWc-transformed) maps
 * every profiled conv to a compute layer of the FLOPs breakdown, every compute
 * layer gets exactly its one node, and the per-run sums keep every microsecond.
 * No timing is asserted.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openCheckpoint, INPUT } from '../../../src/core/checkpoint/checkpoint';
import { runTimes } from '../../../src/core/experiments/layerLatency';
import { TraceLayerMap } from '../../../src/core/experiments/traceLayers';
import { parseTrace, profileNodes } from '../../../src/core/runtime/nodeProfile';
import { parseNpy } from '../../../src/core/samples/npy';
import { readFileSync } from 'node:fs';
import { checkpoint, STORM_TEST_INPUTS } from '../../helpers/engineFixtures';
import { OnnxBuilder } from '../../helpers/onnxBuilder';

describe('trace to FLOPs-breakdown layers', () => {
  test('simvp_dense.onnx: every conv event lands on its compute layer, nothing lost', async () => {
    const ck = await openCheckpoint(checkpoint('simvp_dense'));
    const inputs = parseNpy(readFileSync(STORM_TEST_INPUTS), 'inputs');
    const per = inputs.data.length / inputs.shape[0];
    const feeds = [0, 1].map((i) => ({ [INPUT]: { data: inputs.data.slice(i * per, (i + 1) * per), dims: [1, ...inputs.shape.slice(1)] } }));
    const [measured] = await profileNodes([{ model: ck.model.bytes, feeds }], { iterations: 2, warmup: 1 });
    assert.equal(measured.runs.length, 2);
    assert.equal(measured.runs[0].length, 2);
    assert.equal(measured.perFeedMs.length, 2);
    const compute = ck.counts.layers.filter((l) => l.macs > 0).map((l) => l.name);
    const map = new TraceLayerMap(ck.model.proto.graph ?? {}, new Set(compute));
    for (const run of measured.runs.flat()) {
      assert.ok(run.nodes.some((n) => n.name.endsWith('_nchwc')), 'the optimiser renamed fused convs (the case under test)');
      const t = runTimes(run, map);
      assert.deepEqual([...t.layers.keys()].sort(), [...compute].sort(), 'every compute layer has time');
      for (const name of compute) assert.equal(t.nodes.get(`L:${name}`), 1, `${name}: one runtime node`);
      for (const op of t.other.keys()) assert.ok(!/^(Fused)?(Conv|Gemm|MatMul)$/.test(op), `no MAC op left in other ops (${op})`);
      const total = run.nodes.reduce((a, n) => a + n.durUs, 0);
      const mapped = [...t.layers.values(), ...t.other.values()].reduce((a, b) => a + b, 0);
      assert.equal(mapped, total, 'every node time is attributed');
    }
  });

  test('a fused name resolves through its tensor to the node of the event op', () => {
    const b = new OnnxBuilder();
    b.input('x', [1, 3, 8, 8]).initializer('w', [4, 3, 3, 3]);
    b.node('Conv', ['x', 'w'], ['c'], { pads: [1, 1, 1, 1] }, 'conv0');
    b.node('LeakyRelu', ['c'], ['act'], {}, 'relu0');
    b.node('Gemm', ['act', 'w'], ['g'], {}, 'gemm0');
    b.output('g');
    const map = new TraceLayerMap(b.build().graph ?? {}, new Set(['conv0', 'gemm0']));
    assert.deepEqual(map.target('act_nchwc', 'Conv'), { layer: 'conv0' });
    assert.deepEqual(map.target('conv0', 'FusedConv'), { layer: 'conv0' });
    assert.deepEqual(map.target('gemm0_token_3', 'FusedGemm'), { layer: 'gemm0' });
    assert.deepEqual(map.target('relu0', 'LeakyRelu'), { other: 'LeakyRelu' });
    assert.deepEqual(map.target('ReorderInput_7', 'ReorderInput'), { other: 'ReorderInput' });
  });

  test('parseTrace splits node events by model_run and refuses a non-array', () => {
    const trace = [
      { cat: 'Session', name: 'model_run', ts: 100, dur: 50 },
      { cat: 'Node', name: 'a_kernel_time', ts: 110, dur: 5, args: { op_name: 'Conv' } },
      { cat: 'Node', name: 'a_fence_before', ts: 109, dur: 0, args: { op_name: 'Conv' } },
      { cat: 'Session', name: 'model_run', ts: 200, dur: 50 },
      { cat: 'Node', name: 'b_kernel_time', ts: 210, dur: 7, args: { op_name: 'Add' } },
    ];
    const runs = parseTrace(trace, 't.json');
    assert.deepEqual(runs, [{ nodes: [{ name: 'a', op: 'Conv', durUs: 5 }], runUs: 50 }, { nodes: [{ name: 'b', op: 'Add', durUs: 7 }], runUs: 50 }]);
    assert.throws(() => parseTrace({}, 't.json'), /^Error: t\.json: expected a JSON array of trace events, found object$/);
  });
});
