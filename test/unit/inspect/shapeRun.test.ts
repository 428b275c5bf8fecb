import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { inspectModel } from '../../../src/core/inspect/inspect';
import { ModelFileError } from '../../../src/core/onnx/reader';
import { DataType } from '../../../src/core/onnx/proto';
import { OnnxBuilder, tensor } from '../../helpers/onnxBuilder';

/** This file's temp folder (removed after the tests). */
const tmp = mkdtempSync(path.join(os.tmpdir(), 'shape-run-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let saved = 0;
/** Saves a built model into the temp folder. */
const save = (b: OnnxBuilder): string => b.save(path.join(tmp, `model-${saved++}.onnx`));


/** ConstantOfShape([n]) -> NonZero -> Transpose: the 133-byte model that took 2 GB when inspect ran it. */
function nonZeroBomb(n: number): string {
  const b = new OnnxBuilder();
  b.ints('shape', [n]);
  b.node('ConstantOfShape', ['shape'], ['c'], { value: tensor('v', [1], [1]) });
  b.node('NonZero', ['c'], ['nz']);
  b.node('Transpose', ['nz'], ['y']);
  b.output('y', undefined, DataType.INT64);
  return save(b);
}

/** x [2,3] + t -> NonZero -> Transpose: a small data-dependent shape. */
function smallNonZero(): string {
  const b = new OnnxBuilder();
  b.input('x', [2, 3]);
  b.initializer('t', [2, 3], [1, 0, 0, 1, 1, 0]);
  b.node('Add', ['x', 't'], ['s']);
  b.node('NonZero', ['s'], ['nz']);
  b.node('Transpose', ['nz'], ['y']);
  b.output('y', undefined, DataType.INT64);
  return save(b);
}

async function refusedWith(p: Promise<unknown>, file: string, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof ModelFileError, `expected ModelFileError, got ${String(e)}`);
    assert.ok(e.message.startsWith(`${file}: `), e.message);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('inspect and data-dependent shapes', () => {
  it('does not run the model by default: a note says how many nodes need a run', async () => {
    const file = nonZeroBomb(1e8);
    const before = process.memoryUsage().rss;
    const started = Date.now();
    const r = await inspectModel(file);
    assert.ok(Date.now() - started < 2000, 'no run');
    assert.ok(process.memoryUsage().rss - before < 100 * 1024 ** 2, 'nothing of 1e8 elements was allocated');
    assert.equal(r.shapeSources.runtime, 0);
    assert.deepEqual(r.shapeSources.unresolved, ['nz', 'y']);
    assert.equal(r.shapeSources.nodesNeedingRun, 2);
    assert.deepEqual(r.notes, ['shapes of 2 nodes need a run: use --run-shapes (their counts are 0 until then; inspection does not run the model)']);
    assert.deepEqual(JSON.parse(JSON.stringify(r)).notes, r.notes, 'the note is in the JSON');
  });

  it('runShapes resolves them with one onnxruntime run (in a child process), marked runtime', async () => {
    const r = await inspectModel(smallNonZero(), { runShapes: true });
    assert.deepEqual(r.shapeSources.unresolved, []);
    assert.deepEqual(r.shapeSources.runtimeTensors.sort(), ['nz', 'y']);
    assert.deepEqual(r.outputs, [{ name: 'y', shape: [3, 2] }]);
    assert.deepEqual(r.notes, []);
  });

  it('runShapes refuses a statically known tensor over the size limit before running', async () => {
    const file = nonZeroBomb(1e8);
    await refusedWith(inspectModel(file, { runShapes: true }), file, /shape run refused: tensor 'c' of shape \[100000000\] takes 400000000 bytes, over the 268435456-byte limit/);
  });

  it('runShapes stops a run over its memory limit', async () => {
    const file = nonZeroBomb(6e7);
    const budget = { memoryBytes: 300 * 1024 ** 2, maxTensorBytes: 1024 ** 3 };
    await refusedWith(inspectModel(file, { runShapes: true, shapeRunBudget: budget }), file, /shape run stopped: onnxruntime used \d+ MiB, over its 300 MiB memory limit/);
  });

  it('runShapes stops a run over its time limit', async () => {
    const file = smallNonZero();
    await refusedWith(inspectModel(file, { runShapes: true, shapeRunBudget: { timeoutMs: 1 } }), file, /shape run stopped: still running after 0.001 s \(its time limit\)/);
  });

  it('an onnxruntime failure during the run names the file and the step', async () => {
    const b = new OnnxBuilder();
    b.input('x', [2, 3]);
    b.node('NonZero', ['x'], ['nz']);
    b.node('Reshape', ['nz', 'nz'], ['y']);
    b.output('y', undefined, DataType.INT64);
    const file = save(b);
    await refusedWith(inspectModel(file, { runShapes: true }), file, /onnxruntime could not run the model to resolve shapes: /);
  });
});
