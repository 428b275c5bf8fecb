import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { readModel, ModelFileError } from '../../../src/core/onnx/reader';
import { initializerMap, tensorToFloat32, tensorToInt64, opsetVersion, subgraphs, attrInt, attrInts, attrFloat, attrString } from '../../../src/core/onnx/graph';
import { DataType } from '../../../src/core/onnx/proto';
import { OnnxBuilder, float, graphAttr, rawBytes, seededValues } from '../../helpers/onnxBuilder';

/** This file's temp folder, removed after the tests; `tmp()` makes a fresh folder inside it. */
const root = mkdtempSync(path.join(os.tmpdir(), 'reader-'));
after(() => rmSync(root, { recursive: true, force: true }));
const tmp = () => mkdtempSync(path.join(root, 'case-'));

/** A small conv model whose weight is stored in `weights.bin` at `location`. */
function externalModel(dir: string, location: string, opts: { offset?: number; length?: number; writeData?: boolean } = {}) {
  const b = new OnnxBuilder();
  b.input('x', [1, 2, 4, 4]);
  b.node('Conv', ['x', 'w'], ['y']);
  b.output('y');
  const w = seededValues(3 * 2 * 1 * 1, 7);
  const payload = rawBytes(w, DataType.FLOAT);
  const offset = opts.offset ?? 16;
  if (opts.writeData !== false) {
    const file = Buffer.alloc(offset + payload.length);
    file.set(payload, offset);
    writeFileSync(path.join(dir, 'weights.bin'), file);
  }
  b.graph.initializer.push({
    name: 'w', dims: [3, 2, 1, 1], data_type: DataType.FLOAT, data_location: 1,
    external_data: [
      { key: 'location', value: location },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(opts.length ?? payload.length) },
    ],
  });
  const file = path.join(dir, 'model.onnx');
  writeFileSync(file, b.encode());
  return { file, w };
}

describe('readModel', () => {
  it('decodes a model, keeping raw_data as views into the file bytes', async () => {
    const b = new OnnxBuilder({ opset: 13, producer: 'unit' });
    b.input('x', ['N', 3, 8, 8]).initializer('w', [4, 3, 3, 3]).ints('shape', [1, -1]);
    b.node('Conv', ['x', 'w'], ['y'], { pads: [1, 1, 1, 1], group: 1 });
    b.node('LeakyRelu', ['y'], ['z'], { alpha: float(0.2) });
    b.output('z');
    b.meta('note', 'hello');
    const m = await readModel(b.save(path.join(tmp(), 'model.onnx')));
    assert.equal(m.proto.producer_name, 'unit');
    assert.equal(opsetVersion(m.proto), 13);
    assert.equal(m.sizeBytes, m.bytes.length);
    const w = initializerMap(m.proto.graph!).get('w')!;
    assert.equal(w.raw_data!.buffer, m.bytes.buffer, 'raw_data shares the file buffer');
    const expected = seededValues(108, 1);
    assert.deepEqual(Array.from(tensorToFloat32(w)), Array.from(expected));
    assert.deepEqual(tensorToInt64(initializerMap(m.proto.graph!).get('shape')!), [1, -1]);
    const conv = m.proto.graph!.node![0];
    assert.deepEqual(attrInts(conv, 'pads'), [1, 1, 1, 1]);
    assert.equal(attrInt(conv, 'group', 7), 1);
    assert.equal(attrInt(conv, 'missing', 7), 7);
    assert.ok(Math.abs(attrFloat(m.proto.graph!.node![1], 'alpha', 0) - 0.2) < 1e-7);
    assert.equal(attrString(conv, 'auto_pad', 'NOTSET'), 'NOTSET');
  });

  it('lists If/Loop bodies as subgraphs', async () => {
    const body = new OnnxBuilder();
    body.node('Identity', ['x'], ['then_out']);
    body.output('then_out');
    const b = new OnnxBuilder();
    b.input('x', [2]).input('c', [], DataType.BOOL);
    b.node('If', ['c'], ['y'], { then_branch: graphAttr(body.graph), else_branch: graphAttr(body.graph) });
    b.output('y');
    const m = await readModel(b.save(path.join(tmp(), 'model.onnx')));
    const subs = subgraphs(m.proto.graph!);
    assert.deepEqual(subs.map((s) => s.attribute), ['then_branch', 'else_branch']);
    assert.equal(subs[0].graph.node![0].op_type, 'Identity');
  });

  const bad: [string, (dir: string) => string, RegExp][] = [
    ['a path that does not exist', (d) => path.join(d, 'nope.onnx'), /no such file/],
    ['an empty file', (d) => { const f = path.join(d, 'e.onnx'); writeFileSync(f, ''); return f; }, /empty/],
    ['random bytes', (d) => { const f = path.join(d, 'r.onnx'); writeFileSync(f, Buffer.from(seededValues(4096, 3).buffer)); return f; }, /not (an|a complete) ONNX model/],
    ['a text file named .onnx', (d) => { const f = path.join(d, 't.onnx'); writeFileSync(f, 'name,value\nalpha,1\n'.repeat(20)); return f; }, /not (an|a complete) ONNX model/],
    ['a truncated model', (d) => {
      const b = new OnnxBuilder();
      b.input('x', [1, 3, 8, 8]).initializer('w', [16, 3, 3, 3]);
      b.node('Conv', ['x', 'w'], ['y']);
      b.output('y');
      const bytes = b.encode();
      const f = path.join(d, 'trunc.onnx');
      writeFileSync(f, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
      return f;
    }, /truncated|not a complete ONNX model/],
    ['external data with ..', (d) => { mkdirSync(path.join(d, 'm')); return externalModel(path.join(d, 'm'), '../weights.bin').file; }, /leaves the model's folder/],
    ['external data with an absolute path', (d) => externalModel(d, '/etc/passwd', { writeData: false }).file, /absolute path/],
    ['external data through a symlink out of the folder', (d) => {
      const outside = path.join(d, 'outside');
      mkdirSync(outside);
      mkdirSync(path.join(d, 'm'));
      writeFileSync(path.join(outside, 'data.bin'), Buffer.alloc(64));
      symlinkSync(path.join(outside, 'data.bin'), path.join(d, 'm', 'link.bin'));
      return externalModel(path.join(d, 'm'), 'link.bin', { writeData: false }).file;
    }, /outside the model's folder/],
    ['a missing external file', (d) => externalModel(d, 'gone.bin', { writeData: false }).file, /does not exist/],
    ['an external range beyond the file', (d) => externalModel(d, 'weights.bin', { length: 4096 }).file, /beyond the size/],
  ];
  for (const [what, make, pattern] of bad) {
    it(`refuses ${what} with a ModelFileError naming the file`, async () => {
      const file = make(tmp());
      await assert.rejects(readModel(file), (e: unknown) => {
        assert.ok(e instanceof ModelFileError, `expected ModelFileError, got ${String(e)}`);
        assert.ok(e.message.includes(file), e.message);
        assert.match(e.message, pattern);
        return true;
      });
    });
  }

  it('loads external data inside the folder lazily, as a view', async () => {
    const dir = tmp();
    const { file, w } = externalModel(dir, 'weights.bin');
    const m = await readModel(file);
    assert.equal(m.external?.count, 1);
    const t = initializerMap(m.proto.graph!).get('w')!;
    assert.deepEqual(Array.from(tensorToFloat32(t, m)), Array.from(w));
  });
});
