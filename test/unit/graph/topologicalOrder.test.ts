/**
 * Graph helpers of the clean dense and sparse rewrites: `topologicalOrder`
 * puts producers first and keeps an already valid order, and names the node
 * on a cycle or a missing producer; `staticTensors` marks what depends only
 * on the batch size (initializers, Constant, Shape and what is computed from
 * them alone) and never the input's values.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { staticTensors } from '../../../src/core/graph/staticTensors';
import { topologicalOrder } from '../../../src/core/graph/topologicalOrder';
import type { NodeProto } from '../../../src/core/onnx/proto';

const node = (name: string, op: string, input: string[], output: string[]): NodeProto => ({ name, op_type: op, input, output });

test('topologicalOrder moves a node behind its producers and keeps a valid order', () => {
  const a = node('a', 'Relu', ['x'], ['ya']);
  const b = node('b', 'Relu', ['ya'], ['yb']);
  const c = node('c', 'Add', ['yb', 'w'], ['yc']);
  assert.deepEqual(topologicalOrder([c, b, a], ['x', 'w']).map((n) => n.name), ['a', 'b', 'c']);
  assert.deepEqual(topologicalOrder([a, b, c], ['x', 'w']).map((n) => n.name), ['a', 'b', 'c']);
});

test('topologicalOrder names the node reading an unproduced tensor, and a cycle', () => {
  assert.throws(() => topologicalOrder([node('a', 'Relu', ['nowhere'], ['y'])], ['x']), /'a' reads 'nowhere', which no node produces/);
  assert.throws(() => topologicalOrder([node('a', 'Relu', ['yb'], ['ya']), node('b', 'Relu', ['ya'], ['yb'])], []), /a cycle through/);
});

test('staticTensors: shapes and constants are static, anything computed from the input values is not', () => {
  const graph = {
    initializer: [{ name: 'w' }],
    node: [
      node('shape', 'Shape', ['x'], ['s']),
      node('batch', 'Gather', ['s', 'w'], ['n']),
      node('mask', 'ConstantOfShape', ['n'], ['m']),
      node('pool', 'MaxPool', ['m'], ['m2']),
      node('relu', 'Relu', ['x'], ['r']),
      node('mul', 'Mul', ['r', 'm2'], ['y']),
      node('noise', 'RandomNormalLike', ['m2'], ['z']),
    ],
  };
  const s = staticTensors(graph);
  for (const t of ['w', 's', 'n', 'm', 'm2']) assert.ok(s.has(t), `${t} is static`);
  for (const t of ['x', 'r', 'y', 'z']) assert.ok(!s.has(t), `${t} is not static`);
});
