import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { CONTRACT_VERSION, ContractError, parseContract } from '../../../src/core/contract/contract';
import { readContract } from '../../../src/core/contract/readContract';
import { contractModel, exampleContract } from './fixtures';
import { OnnxBuilder } from '../../helpers/onnxBuilder';

const errorOf = (json: string) => {
  try {
    parseContract(json, 'ckpt.onnx');
  } catch (e) {
    assert.ok(e instanceof ContractError);
    return e.message;
  }
  assert.fail('expected a ContractError');
};

describe('parseContract', () => {
  it('parses the spec example and ignores unknown keys', () => {
    const c = parseContract(JSON.stringify(exampleContract()), 'ckpt.onnx');
    assert.equal(c.contract, CONTRACT_VERSION);
    assert.equal(c.units[0].node, '/enc.1/Conv');
    assert.deepEqual(c.layers[0], { node: '/enc.1/Conv', spatial_mask: true, out_unit: 0, in_unit: null });
    assert.deepEqual(c.grid, [33, 36]);
    assert.equal((c as unknown as Record<string, unknown>).future_key, undefined);
  });
  it('names a missing key', () => {
    const o = exampleContract();
    delete o.t_in;
    assert.match(errorOf(JSON.stringify(o)), /ckpt\.onnx: dynapruner metadata: key 't_in' is missing/);
  });
  it('names a nested key with the wrong type', () => {
    const o = exampleContract();
    (o.units as Record<string, unknown>[])[0].channels = 'four';
    assert.match(errorOf(JSON.stringify(o)), /key 'units\[0\]\.channels' has the wrong type \(expected an integer/);
  });
  it('refuses a higher contract version naming both versions', () => {
    const o = { ...exampleContract(), contract: 7 };
    assert.match(errorOf(JSON.stringify(o)), /contract version 7 .*version 1/);
  });
  it('refuses invalid JSON and bindings to unknown units', () => {
    assert.match(errorOf('{"contract": 1,'), /not valid JSON/);
    const o = exampleContract();
    (o.layers as Record<string, unknown>[])[0].in_unit = 5;
    assert.match(errorOf(JSON.stringify(o)), /layers\[0\]\.in_unit is 5/);
  });
});

describe('readContract', () => {
  it('reads the metadata and checks nodes and tensors exist in the graph', () => {
    const c = readContract(contractModel(JSON.stringify(exampleContract())).toLoadedModel('ok.onnx'));
    assert.equal(c?.backbone, 'simvp');
    const o = exampleContract();
    (o.units as Record<string, unknown>[])[0].mask = 'no_such_tensor';
    assert.throws(() => readContract(contractModel(JSON.stringify(o)).toLoadedModel('bad.onnx')), /bad\.onnx: .*units\[0\]\.mask 'no_such_tensor' is not a tensor/);
  });
  it('returns null for a plain model', () => {
    const b = new OnnxBuilder();
    b.input('x', [1]);
    b.node('Relu', ['x'], ['y']);
    b.output('y');
    assert.equal(readContract(b.toLoadedModel()), null);
  });
});
