/**
 * Gate-threshold surgery on a graph built here: tau as a Constant node (the
 * bundled checkpoints use an initializer, covered by the integration test),
 * the comparison found, replaced by a `[N, 1]` input, run in onnxruntime with
 * a different tau per row; and the clear error when there is no comparison.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { exposeGateThresholds, findGateThresholds, tauInputName } from '../../../src/core/graph/gateThresholds';
import { AttributeType, DataType, encodeModelProto, type ModelProto } from '../../../src/core/onnx/proto';

const K = 5;

/** `mask = max(float(score >= tau), float(score >= max(score)))`, tau a Constant node. */
function gateModel(tau: number, compare = true): ModelProto {
  const nodes = [
    { name: 'tau_const', op_type: 'Constant', input: [], output: ['tau'], attribute: [{ name: 'value', type: AttributeType.TENSOR, t: { dims: [], data_type: DataType.FLOAT, float_data: [tau] } }] },
    { name: 'rmax', op_type: 'ReduceMax', input: ['score'], output: ['top'], attribute: [{ name: 'keepdims', type: AttributeType.INT, i: 1 }, { name: 'axes', type: AttributeType.INTS, ints: [1] }] },
    { name: 'is_top', op_type: 'GreaterOrEqual', input: ['score', 'top'], output: ['is_top_b'] },
    { name: 'cast_top', op_type: 'Cast', input: ['is_top_b'], output: ['is_top_f'], attribute: [{ name: 'to', type: AttributeType.INT, i: DataType.FLOAT }] },
    compare
      ? { name: 'thr', op_type: 'LessOrEqual', input: ['tau', 'score'], output: ['on_b'] }
      : { name: 'thr', op_type: 'Identity', input: ['is_top_b'], output: ['on_b'] },
    { name: 'cast_on', op_type: 'Cast', input: ['on_b'], output: ['on_f'], attribute: [{ name: 'to', type: AttributeType.INT, i: DataType.FLOAT }] },
    { name: 'gate', op_type: 'Max', input: ['on_f', 'is_top_f'], output: ['mask'] },
  ];
  const tensor = (name: string) => ({ name, type: { tensor_type: { elem_type: DataType.FLOAT, shape: { dim: [{ dim_param: 'N' }, { dim_value: K }] } } } });
  return { ir_version: 8, opset_import: [{ domain: '', version: 17 }], graph: { name: 'gate', node: nodes, input: [tensor('score')], output: [tensor('mask')] } };
}

test('a Constant tau is found, exposed as dp_tau_<i> [N, 1], and each row uses its own threshold', async () => {
  const model = gateModel(0.5);
  const [t] = findGateThresholds(model, [{ unit: 3, score: 'score' }], 'gate.onnx');
  assert.equal(t.node, 'thr');
  assert.equal(t.constant, 'tau');
  assert.equal(t.tau, 0.5);
  assert.equal(t.input, tauInputName(3));
  const exposed = exposeGateThresholds(model, [t]);
  assert.ok(model.graph!.node!.find((n) => n.name === 'thr')!.input!.includes('tau'), 'the original model is not mutated');
  const session = await ort.InferenceSession.create(encodeModelProto(exposed));
  try {
    const scores = Float32Array.from([0.1, 0.45, 0.55, 0.7, 0.3, 0.2, 0.25, 0.3, 0.35, 0.9]);
    const taus = Float32Array.from([0.5, 0.28]);
    const out = await session.run({ score: new ort.Tensor('float32', scores, [2, K]), [t.input]: new ort.Tensor('float32', taus, [2, 1]) });
    const mask = Array.from(out.mask.data as Float32Array);
    // Row 0, tau 0.5: 0.55 and 0.7 (0.7 is also the arg-max). Row 1, tau 0.28: 0.3, 0.35, 0.9.
    assert.deepEqual(mask, [0, 0, 1, 1, 0, 0, 0, 1, 1, 1]);
  } finally {
    await session.release();
  }
});

test('no comparison against a scalar constant: the error names the file, the unit and the score tensor', () => {
  assert.throws(
    () => findGateThresholds(gateModel(0.5, false), [{ unit: 2, score: 'score' }], 'gate.onnx'),
    /gate\.onnx: unit 2: expected one comparison of 'score' against a scalar constant tau, found 0/,
  );
});
