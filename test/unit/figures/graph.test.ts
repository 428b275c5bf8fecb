import { strict as assert } from 'node:assert';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { buildGraph, COMPUTE_OPS, shortLabel, withoutMaskEdges, type GraphSource } from '../../../src/core/figures/graph';
import { graphOverlay, keptMacs } from '../../../src/core/figures/graphOverlay';
import { inspectModel, type InspectReport } from '../../../src/core/inspect/inspect';
import type { Analysis } from '../../../src/core/schema/results';
import { readGraphSource } from '../../../src/extension/graph/graphSource';
import { OnnxBuilder, seededValues } from '../../helpers/onnxBuilder';

const CKPT = path.resolve(import.meta.dirname, '../../../demo/checkpoints/simvp_dynapruner.onnx');

describe('buildGraph on the bundled SimVP Dyna-Pruner checkpoint', () => {
  let report: InspectReport;
  let source: GraphSource;
  before(async () => {
    report = await inspectModel(CKPT);
    source = await readGraphSource(CKPT, report);
  });

  it('draws the compute layers, the input and the outputs, and collapses the rest into edges', () => {
    const g = buildGraph(source);
    const compute = report.layers.filter((l) => COMPUTE_OPS.has(l.op));
    assert.equal(g.nodes.filter((n) => n.kind === 'compute').length, compute.length);
    assert.equal(compute.length, 33, '26 Conv + 7 Gemm');
    assert.deepEqual(g.nodes.filter((n) => n.kind === 'input').map((n) => n.label), ['x']);
    assert.equal(g.nodes.filter((n) => n.kind === 'output').length, report.outputs.length);
    assert.equal(g.totalNodes, 557);
    assert.equal(g.hiddenNodes, 557 - 33);
    assert.ok(g.nodes.every((n) => n.kind !== 'op'), 'no elementwise/shape node is drawn by default');
    const sumShares = g.nodes.reduce((s, n) => s + n.share, 0);
    assert.ok(Math.abs(sumShares - 1) < 1e-9, `compute shares sum to 1 (MACs are compute-only), got ${sumShares}`);
  });

  it('edges follow the data flow through the collapsed ops', () => {
    const g = buildGraph(source);
    const ids = new Set(g.nodes.map((n) => n.id));
    for (const e of g.edges) assert.ok(ids.has(e.from) && ids.has(e.to), `edge ${e.from} -> ${e.to} joins drawn nodes`);
    const edge = (from: string, to: string) => g.edges.find((e) => e.from === from && e.to === to);
    const enc0 = edge('/m/backbone/enc0/conv/Conv', '/m/backbone/enc1/conv/Conv');
    assert.ok(enc0 && enc0.hidden > 0 && !enc0.mask, 'enc0 feeds enc1 through hidden activation/mask ops');
    assert.ok(edge('/m/backbone/trans.0/conv/Conv', '/m/backbone/trans.1/conv/Conv'));
    assert.ok(edge('input:x', '/m/mask_gen/net/net.0/Conv'), 'the input reaches the mask generator');
    const maskEdge = edge('/m/mask_gen/net/net.4/Conv', '/m/backbone/trans.0/conv/Conv');
    assert.ok(maskEdge?.mask, 'the data mask reaches trans.0 and is marked as a mask edge');
    assert.ok(g.edges.some((e) => e.to === 'output:prediction'));
    assert.ok(!edge('/m/backbone/dec1/conv/Conv', '/m/backbone/enc0/conv/Conv'), 'no edge against the data flow');
  });

  it('marks the mask generator and gate heads as overhead and binds gated layers to their units', () => {
    const g = buildGraph(source);
    const overhead = g.nodes.filter((n) => n.overhead).map((n) => n.label).sort();
    assert.deepEqual(overhead, ['net/net.0', 'net/net.2', 'net/net.4', 'units.0/head', 'units.1/head', 'units.2/head', 'units.3/head', 'units.4/head', 'units.5/head', 'units.6/head'].sort());
    const trans0 = g.nodes.find((n) => n.id === '/m/backbone/trans.0/conv/Conv')!;
    assert.deepEqual(trans0.unit, { id: 2, name: 'trans.0', channels: 64 });
    assert.equal(trans0.macs, 11280384);
    assert.deepEqual(trans0.outputShape, report.layers.find((l) => l.name === trans0.id)!.outputShape);
    const gated = g.nodes.filter((n) => n.unit !== null);
    assert.equal(new Set(gated.map((n) => n.unit!.id)).size, 7, 'all seven units have a gated layer');
    const readout = g.nodes.find((n) => n.label === 'readout/conv')!;
    assert.equal(readout.unit, null, 'the readout is not gated');
  });

  it('without mask edges keeps the data flow and the mask generator chain, drops the mask outputs', () => {
    const full = buildGraph(source);
    const g = withoutMaskEdges(full);
    assert.ok(g.edges.length < full.edges.length);
    const overhead = new Set(g.nodes.filter((n) => n.overhead).map((n) => n.id));
    assert.ok(g.edges.every((e) => !e.mask || overhead.has(e.to)), 'only mask edges inside the overhead remain');
    assert.ok(g.edges.some((e) => e.from === '/m/mask_gen/net/net.0/Conv' && e.to === '/m/mask_gen/net/net.2/Conv'));
    assert.ok(g.edges.some((e) => e.from === '/m/backbone/enc0/conv/Conv' && e.to === '/m/backbone/enc1/conv/Conv'));
    assert.deepEqual(g.nodes.filter((n) => n.kind === 'output').map((n) => n.label), ['prediction']);
    assert.equal(g.nodes.filter((n) => n.kind === 'compute').length, 33);
  });

  it('draws every node with allNodes, edges then join direct tensors', () => {
    const g = buildGraph(source, { allNodes: true });
    assert.equal(g.nodes.filter((n) => n.kind === 'compute' || n.kind === 'op').length, 557);
    assert.equal(g.hiddenNodes, 0);
    assert.ok(g.edges.every((e) => e.hidden === 0));
    assert.ok(g.edges.length > 557);
  });
});

describe('buildGraph on a plain ONNX model (no contract)', () => {
  it('draws its convs joined through the collapsed Relu, nothing overhead or gated', async () => {
    const b = new OnnxBuilder();
    b.input('x', [1, 3, 8, 8]);
    b.initializer('w1', [4, 3, 3, 3], seededValues(108));
    b.initializer('w2', [2, 4, 1, 1], seededValues(8, 2));
    b.node('Conv', ['x', 'w1'], ['a'], { pads: [1, 1, 1, 1] }, 'first');
    b.node('Relu', ['a'], ['r']);
    b.node('Conv', ['r', 'w2'], ['y']);
    b.output('y');
    const file = b.save();
    const g = buildGraph(await readGraphSource(file, await inspectModel(file)));
    assert.deepEqual(g.nodes.map((n) => [n.kind, n.id]), [['input', 'input:x'], ['compute', 'first'], ['compute', '/Conv_2'], ['output', 'output:y']]);
    assert.deepEqual(g.edges.map((e) => [e.from, e.to, e.hidden]), [['input:x', 'first', 0], ['first', '/Conv_2', 1], ['/Conv_2', 'output:y', 0]]);
    assert.equal(g.nodes[1].macs, 4 * 3 * 9 * 64);
    assert.ok(g.nodes.every((n) => !n.overhead && n.unit === null && !n.bound));
    assert.deepEqual(withoutMaskEdges(g), g, 'nothing to hide without masks');
  });
});

describe('shortLabel', () => {
  it('keeps the last two path segments without the op segment', () => {
    assert.equal(shortLabel('/m/backbone/enc0/conv/Conv', 'Conv'), 'enc0/conv');
    assert.equal(shortLabel('/m/backbone/units.0/head/Gemm', 'Gemm'), 'units.0/head');
    assert.equal(shortLabel('/m/mask_gen/Constant_3', 'Constant'), 'm/mask_gen');
    assert.equal(shortLabel('Conv_7', 'Conv'), 'Conv_7');
  });
});

describe('graphOverlay', () => {
  it('keeps per-layer kept MACs (mean and per sample) and the gate masks of each sample', () => {
    const layers = [{ node: 'a', op: 'Conv', denseMacs: 100, overhead: false, outUnit: 0, inUnit: null, spatialMask: true }];
    const sample = (index: number, kept: number, mask: number[]) => ({ index, windowStart: index * 4, macs: { perLayer: [kept] }, gates: [{ unit: 0, scores: mask, mask, active: mask.filter((v) => v).length }] });
    const analysis = {
      createdAt: '2026-01-01T00:00:00Z',
      layers,
      samples: [sample(0, 40, [1, 0]), sample(1, 60, [1, 1])],
      aggregates: { perLayer: [{ mean: 50 }] },
    } as unknown as Analysis;
    const o = graphOverlay(analysis);
    assert.deepEqual(o.meanKept, { a: 50 });
    assert.deepEqual(o.samples.map((s) => s.gates[0]), [[1, 0], [1, 1]]);
    assert.equal(keptMacs(o, 'a', null), 50);
    assert.equal(keptMacs(o, 'a', 1), 60);
    assert.equal(keptMacs(o, 'unknown', 0), null);
  });
});
