import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { countModel } from '../../../src/core/counting/count';
import { effectiveMacs } from '../../../src/core/counting/effective';
import { poolFactor, spatialMaskAt } from '../../../src/core/counting/spatialMask';
import type { DynaPrunerContract } from '../../../src/core/contract/contract';
import { inferShapes } from '../../../src/core/shapes/infer';
import { OnnxBuilder, seededValues } from '../../helpers/onnxBuilder';
import path from 'node:path';

const [H, W] = [33, 36];

/** Encoder-like model: full-res conv (unit 0), stride-2 conv (unit 1), stride-2 conv (unbound), mask-generator conv (overhead). */
async function encoder() {
  const b = new OnnxBuilder();
  b.input('x', [1, 6, H, W]);
  b.initializer('g', [1, 6, 3, 3]).initializer('w0', [8, 6, 3, 3]).initializer('w1', [16, 8, 3, 3]).initializer('w2', [16, 16, 3, 3]);
  b.node('Conv', ['x', 'g'], ['s'], { pads: [1, 1, 1, 1] }, '/mask_gen/Conv');
  b.node('Conv', ['x', 'w0'], ['a'], { pads: [1, 1, 1, 1] }, '/enc.0/Conv');
  b.node('Conv', ['a', 'w1'], ['c'], { pads: [1, 1, 1, 1], strides: [2, 2] }, '/enc.1/Conv');
  b.node('Conv', ['c', 'w2'], ['d'], { pads: [1, 1, 1, 1], strides: [2, 2] }, '/enc.2/Conv');
  b.output('s').output('d');
  const model = b.toLoadedModel();
  const counts = countModel(model, await inferShapes(model, { fallback: false }));
  const contract: DynaPrunerContract = {
    contract: 1, backbone: 'test', variant: 'dynapruner', t_in: 1, t_out: 1, channels: ['a', 'b', 'c', 'd', 'e', 'f'], grid: [H, W],
    normalization: { mean: [0, 0, 0, 0, 0, 0], std: [1, 1, 1, 1, 1, 1] }, data_threshold: 0.5, targets: { s_d: 0.7, s_w: 0.7 },
    units: [
      { id: 0, name: 'enc.0', node: '/enc.0/Conv', channels: 8, tau: 0.5, score: 'sc0', mask: 'm0' },
      { id: 1, name: 'enc.1', node: '/enc.1/Conv', channels: 16, tau: 0.5, score: 'sc1', mask: 'm1' },
    ],
    layers: [
      { node: '/enc.0/Conv', spatial_mask: true, out_unit: 0, in_unit: null },
      { node: '/enc.1/Conv', spatial_mask: true, out_unit: 1, in_unit: 0 },
    ],
    overhead_nodes: ['/mask_gen/Conv'], dataset: null, training: null,
  };
  return { counts, contract };
}

describe('effectiveMacs', () => {
  it('equals the dense total exactly with all-ones masks', async () => {
    const { counts, contract } = await encoder();
    const r = effectiveMacs(counts, contract, {
      dataMask: new Uint8Array(H * W).fill(1), height: H, width: W,
      gateMasks: new Map([[0, new Array(8).fill(1)], [1, new Array(16).fill(1)]]),
    });
    assert.equal(r.total, counts.totals.macs);
    assert.equal(r.dense, counts.totals.macs);
    assert.equal(r.overhead, 6 * 9 * H * W);
  });

  it('applies K_active, C_in_active and the active positions at each resolution', async () => {
    const { counts, contract } = await encoder();
    const dataMask = new Uint8Array(H * W);
    dataMask[0] = 1; // top-left pixel
    dataMask[H * W - 1] = 1; // bottom-right pixel
    const gate0 = [1, 1, 1, 0, 0, 0, 0, 0];
    const gate1 = Array.from({ length: 16 }, (_, i) => Number(i % 4 === 0));
    const r = effectiveMacs(counts, contract, { dataMask, height: H, width: W, gateMasks: new Map([[0, gate0], [1, gate1]]) });
    const by = new Map(r.layers.map((l) => [l.name, l]));
    assert.equal(by.get('/enc.0/Conv')!.effectiveMacs, 3 * 6 * 9 * 2);
    // two pixels in different corners stay two active cells at 17x18
    assert.equal(by.get('/enc.1/Conv')!.effectiveMacs, 4 * 3 * 9 * 2);
    const dense2 = by.get('/enc.2/Conv')!;
    assert.equal(dense2.effectiveMacs, dense2.denseMacs, 'unbound layers count dense');
    assert.equal(r.total, r.layers.reduce((s, l) => s + l.effectiveMacs, 0));
    assert.ok(by.get('/mask_gen/Conv')!.overhead);
  });
});

describe('spatialMaskAt', () => {
  it('uses the ceil convention: 33x36 -> 17x18 -> 9x9 with power-of-two factors', () => {
    assert.equal(poolFactor(33, 17), 2);
    assert.equal(poolFactor(33, 9), 4);
    assert.equal(poolFactor(36, 9), 4);
    assert.equal(poolFactor(33, 5), 8);
  });

  it('matches the trainer (masks.down_max) on a random mask at every level', () => {
    const root = process.env.DYNAPRUNER_ROOT ?? path.resolve(__dirname, '../../..');
    const values = seededValues(H * W, 11);
    const mask = Uint8Array.from(values, (v) => Number(v > 0.6));
    const levels: [number, number][] = [[17, 18], [9, 9], [5, 5]];
    const code = [
      'import sys, json, torch',
      'sys.path.insert(0, sys.argv[1])',
      'from dynapruner_trainer.masks import down_max',
      'm = torch.tensor(json.loads(sys.stdin.read()), dtype=torch.float32).reshape(1, 1, 33, 36)',
      'print(json.dumps([down_max(m, k).flatten().int().tolist() for k in (2, 4, 8)]))',
    ].join('\n');
    const out = execFileSync('/usr/bin/python3', ['-c', code, path.join(root, 'trainer')], { input: JSON.stringify(Array.from(mask)), encoding: 'utf8' });
    const expected = JSON.parse(out) as number[][];
    levels.forEach(([h, w], i) => assert.deepEqual(Array.from(spatialMaskAt(mask, H, W, h, w)), expected[i], `level ${h}x${w}`));
  });
});
