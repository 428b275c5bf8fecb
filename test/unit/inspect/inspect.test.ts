import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { inspectModel } from '../../../src/core/inspect/inspect';
import { contractModel, exampleContract } from '../contract/fixtures';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'inspect-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('inspectModel', () => {
  it('reports header, contract, totals, layers, units with contract ids, and shape sources', async () => {
    const file = contractModel(JSON.stringify(exampleContract())).save(path.join(tmp, 'model.onnx'));
    const r = await inspectModel(file, { inputShapes: { x: [2, 6, 33, 36] } });
    assert.equal(r.model.path, file);
    assert.equal(r.model.opset, 13);
    assert.equal(r.contract?.variant, 'dynapruner');
    assert.deepEqual(r.inputs, [{ name: 'x', shape: [2, 6, 33, 36] }]);
    const conv = r.layers.find((l) => l.name === '/enc.1/Conv')!;
    assert.deepEqual(conv.outputShape, [2, 4, 33, 36]);
    assert.equal(conv.macs, 2 * 4 * 6 * 9 * 33 * 36);
    assert.equal(conv.shapeSource, 'static');
    assert.equal(r.totals.params, 4 * 6 * 9 + 24);
    assert.equal(r.totals.macs, conv.macs + 2 * 6 * 4);
    assert.deepEqual(r.units, [
      { name: '/enc.1/Conv', op: 'Conv', channels: 4, contractUnit: 0 },
      { name: '/gate/Gemm', op: 'Gemm', channels: 4, contractUnit: null },
    ]);
    assert.equal(r.shapeSources.runtime, 0);
    assert.deepEqual(r.shapeSources.unresolved, []);
    assert.match(r.convention, /FLOPs = 2 x MACs/);
    assert.deepEqual(JSON.parse(JSON.stringify(r)).totals, r.totals, 'the report is plain JSON');
  });
});
