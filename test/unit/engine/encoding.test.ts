/** Base64 map encoding agrees with Node's Buffer and round-trips float32 exactly. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { base64ToBytes, bytesToBase64, decodeF32, decodeU8, encodeF32, encodeU8 } from '../../../src/core/schema/encoding';
import { rng } from '../../../src/core/experiments/random';

test('bytesToBase64 / base64ToBytes match Buffer for every length mod 3', () => {
  const next = rng(1);
  for (const n of [0, 1, 2, 3, 4, 5, 1000, 40001]) {
    const bytes = Uint8Array.from({ length: n }, () => Math.floor(next() * 256));
    const b64 = bytesToBase64(bytes);
    assert.equal(b64, Buffer.from(bytes).toString('base64'));
    assert.deepEqual(base64ToBytes(b64), bytes);
  }
});

test('float32 and u8 maps round-trip with their shapes', () => {
  const next = rng(2);
  const values = Float32Array.from({ length: 33 * 36 }, () => next() * 2 - 1);
  const enc = encodeF32(values, [33, 36]);
  assert.deepEqual(enc.shape, [33, 36]);
  assert.deepEqual(decodeF32(enc), values);
  const mask = Uint8Array.from(values, (v) => (v > 0 ? 1 : 0));
  assert.deepEqual(decodeU8(encodeU8(mask, [33, 36])), mask);
  assert.throws(() => encodeF32(values, [10, 10]), /shape \[10,10\] holds 100 values, got 1188/);
});
