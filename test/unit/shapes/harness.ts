/**
 * Test harness for the shape rules: infers shapes statically (no fallback) and
 * measures the same tensors with one real onnxruntime-node run, so every
 * expected shape in the op tests is also checked against the runtime.
 */
import { strict as assert } from 'node:assert';
import { inferShapes, resolveInputShapes } from '../../../src/core/shapes/infer';
import { runtimeShapes } from '../../../src/core/shapes/runtimeFallback';
import type { OnnxBuilder } from '../../helpers/onnxBuilder';

/**
 * Asserts static inference gives `expected` for the named tensors, that
 * nothing is unresolved, and (unless `ort` is false) that onnxruntime produces
 * the same shapes for every node output.
 */
export async function expectShapes(b: OnnxBuilder, expected: Record<string, number[]>, opts: { ort?: boolean; inputShapes?: Record<string, number[]> } = {}): Promise<void> {
  const model = b.toLoadedModel();
  const table = await inferShapes(model, { fallback: false, inputShapes: opts.inputShapes });
  assert.deepEqual(table.unresolved, [], `unresolved: ${table.unresolved.join(', ')}`);
  for (const [name, shape] of Object.entries(expected)) {
    assert.deepEqual(table.shapes.get(name), shape, `static shape of ${name}`);
    assert.equal(table.source.get(name), 'static', `source of ${name}`);
  }
  if (opts.ort === false) return;
  const outputs = (model.proto.graph?.node ?? []).flatMap((n) => n.output ?? []).filter((o) => o);
  const measured = await runtimeShapes(model, resolveInputShapes(model, opts.inputShapes), outputs);
  for (const name of outputs) {
    if (!measured.has(name)) continue; // optional outputs onnxruntime does not produce
    assert.deepEqual(table.shapes.get(name), measured.get(name), `static vs onnxruntime shape of ${name}`);
  }
  for (const name of Object.keys(expected)) assert.ok(measured.has(name), `onnxruntime produced ${name}`);
}
