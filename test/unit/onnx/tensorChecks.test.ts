import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { decodeModel, ModelFileError, readModel } from '../../../src/core/onnx/reader';
import { DataType, type TensorProto } from '../../../src/core/onnx/proto';
import { inspectModel } from '../../../src/core/inspect/inspect';
import { OnnxBuilder, rawBytes } from '../../helpers/onnxBuilder';

/** This file's temp folder (removed after the tests). */
const tmp = mkdtempSync(path.join(os.tmpdir(), 'tensor-checks-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let saved = 0;
/** Saves a built model into the temp folder. */
const save = (b: OnnxBuilder): string => b.save(path.join(tmp, `model-${saved++}.onnx`));


/** A Conv model whose weight initializer is `w` (pushed as given, not through the builder's checks). */
function convWith(w: TensorProto): OnnxBuilder {
  const b = new OnnxBuilder();
  b.input('x', [1, 2, 4, 4]);
  b.graph.initializer.push(w);
  b.node('Conv', ['x', 'w'], ['y']);
  b.output('y');
  return b;
}

/** Asserts `p` rejects with a ModelFileError whose message names `file` and matches every pattern. */
async function rejectsNaming(p: Promise<unknown>, file: string, ...patterns: RegExp[]): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof ModelFileError, `expected ModelFileError, got ${String(e)}`);
    assert.ok(e.message.includes(file), e.message);
    for (const re of patterns) assert.match(e.message, re);
    assert.ok(!e.message.includes('\n'), 'one line');
    return true;
  });
}

describe('stored tensor checks (at decode, before any payload is read)', () => {
  it('refuses negative dims instead of reporting "Params -5"', async () => {
    const file = save(convWith({ name: 'w', dims: [-5], data_type: DataType.FLOAT }));
    await rejectsNaming(inspectModel(file), file, /tensor 'w' dims \[-5\]/, /expected non-negative integer dims, found -5/);
  });

  it('refuses an initializer whose declared size exceeds its bytes, without allocating it', async () => {
    const file = save(convWith({ name: 'w', dims: [3, 2, 1e8, 1], data_type: DataType.FLOAT, raw_data: rawBytes([1, 2, 3], DataType.FLOAT) }));
    const before = process.memoryUsage().rss;
    await rejectsNaming(readModel(file), file, /tensor 'w'/, /raw_data holds 12 bytes, expected 2400000000/);
    assert.ok(process.memoryUsage().rss - before < 200 * 1024 ** 2, 'nothing of the declared size was allocated');
  });

  it('refuses dims whose element count overflows 2^53', async () => {
    const file = save(convWith({ name: 'w', dims: [1e10, 1e10], data_type: DataType.FLOAT }));
    await rejectsNaming(readModel(file), file, /tensor 'w' dims \[10000000000,10000000000\]/, /at most 2\^53/);
  });

  it('refuses a typed field with the wrong number of values', async () => {
    const b = new OnnxBuilder();
    b.input('x', [2]);
    b.graph.initializer.push({ name: 'k', dims: [4], data_type: DataType.INT64, int64_data: [1, 2] });
    b.node('Add', ['x', 'k'], ['y']);
    b.output('y');
    const file = save(b);
    await rejectsNaming(readModel(file), file, /tensor 'k'/, /int64_data holds 2 values, expected 4/);
  });

  it('checks tensors held by attributes (Constant) and in subgraph bodies too', () => {
    const b = new OnnxBuilder();
    b.node('Constant', [], ['c'], { value: { name: 'cv', dims: [2, 2], data_type: DataType.FLOAT, raw_data: rawBytes([1], DataType.FLOAT) } });
    b.output('c');
    assert.throws(() => decodeModel('attr.onnx', b.encode()), /attr\.onnx: tensor 'cv' dims \[2,2\]: raw_data holds 4 bytes, expected 16/);
  });

  it('accepts consistent tensors, zero-element tensors and the bundled checkpoint', async () => {
    const b = convWith({ name: 'w', dims: [3, 2, 1, 1], data_type: DataType.FLOAT, raw_data: rawBytes([1, 2, 3, 4, 5, 6], DataType.FLOAT) });
    b.graph.initializer.push({ name: 'empty', dims: [0, 4], data_type: DataType.FLOAT });
    await readModel(save(b));
    await readModel(path.resolve('demo/checkpoints/simvp_dynapruner.onnx'));
  });

  it('refuses a model file over the size limit before reading it', async () => {
    const file = save(convWith({ name: 'w', dims: [3, 2, 1, 1], data_type: DataType.FLOAT, raw_data: rawBytes([1, 2, 3, 4, 5, 6], DataType.FLOAT) }));
    await rejectsNaming(readModel(file, { maxBytes: 64 }), file, /over the 64-byte .* limit for a model file/);
    await rejectsNaming(inspectModel(file, { maxModelBytes: 64 }), file, /limit for a model file/);
  });

  it('refuses an external range that does not hold the declared elements', async () => {
    const dir = mkdtempSync(path.join(tmp, 'ext-'));
    writeFileSync(path.join(dir, 'w.bin'), Buffer.alloc(64));
    const file = path.join(dir, 'model.onnx');
    writeFileSync(file, convWith({
      name: 'w', dims: [3, 2, 1, 1], data_type: DataType.FLOAT, data_location: 1,
      external_data: [{ key: 'location', value: 'w.bin' }, { key: 'offset', value: '0' }, { key: 'length', value: '12' }],
    }).encode());
    await rejectsNaming(readModel(file), file, /tensor 'w' dims \[3,2,1,1\]: external data range holds 12 bytes, expected 24/);
  });

  const malformed: [string, number[]][] = [
    ['a length field past the end', [0x08, 0x08, 0x3a, 0xff, 0x7f, 0x0a]],
    ['an invalid wire type', [0x08, 0x08, 0x3f, 0x01]],
    ['a varint that never ends', [0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]],
  ];
  for (const [what, bytes] of malformed) {
    it(`re-raises malformed protobuf (${what}) as a ModelFileError naming the file`, () => {
      assert.throws(() => decodeModel('bad.onnx', Uint8Array.from(bytes)), (e: unknown) => {
        assert.ok(e instanceof ModelFileError, String(e));
        assert.match(e.message, /^bad\.onnx: not (an|a complete) ONNX model/);
        return true;
      });
    });
  }
});
