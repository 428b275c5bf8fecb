/**
 * The layer bindings' `masked_output` and `gate_mask_tensor` (written by the
 * exporter, read by compaction and channel gathering) are part of the
 * validated contract: read from the bundled checkpoint, and a wrong type is
 * refused naming the key.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseContract } from '../../../src/core/contract/contract';
import { decodeModelProto } from '../../../src/core/onnx/proto';

const CKPT = path.resolve(import.meta.dirname, '..', '..', '..', 'demo', 'checkpoints', 'simvp_dynapruner.onnx');
const json = decodeModelProto(readFileSync(CKPT)).metadata_props!.find((p) => p.key === 'dynapruner')!.value!;

describe('contract layer tensors', () => {
  it('are read from the bundled checkpoint', () => {
    const c = parseContract(json, CKPT);
    const gated = c.layers.filter((l) => l.out_unit !== null);
    assert.ok(gated.length > 0);
    for (const l of gated) assert.equal(typeof l.masked_output, 'string', `${l.node}.masked_output`);
  });

  it('refuse a wrong type, naming the key', () => {
    const raw = JSON.parse(json);
    raw.layers[0].masked_output = 5;
    assert.throws(() => parseContract(JSON.stringify(raw), CKPT), (e: Error) => e.message.includes(CKPT) && e.message.includes('layers[0].masked_output'));
  });
});
