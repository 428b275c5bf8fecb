/** The derived-graph cache: round trip, keyed by checkpoint and build, damaged entries read as absent. */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { diskGraphCache } from '../../../src/core/runtime/graphCache';

describe('diskGraphCache', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dynapruner-graph-cache-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) % 256);

  it('returns what was stored, for the same checkpoint and build only, and leaves no temp file', () => {
    const cache = diskGraphCache(path.join(dir, 'a'), 'engineWorker.js-100-1');
    assert.equal(cache.get('cleanDense', 'ab'.repeat(32)), null);
    cache.put('cleanDense', 'ab'.repeat(32), bytes);
    assert.deepEqual(cache.get('cleanDense', 'ab'.repeat(32)), bytes);
    assert.equal(cache.get('cleanDense', 'cd'.repeat(32)), null, 'another checkpoint');
    assert.equal(cache.get('other', 'ab'.repeat(32)), null, 'another graph');
    assert.equal(diskGraphCache(path.join(dir, 'a'), 'engineWorker.js-100-2').get('cleanDense', 'ab'.repeat(32)), null, 'another build');
    assert.deepEqual(readdirSync(path.join(dir, 'a')).filter((f) => !f.endsWith('.onnx')), []);
  });

  it('a truncated or altered entry reads as absent, and a new put replaces it', () => {
    const cache = diskGraphCache(path.join(dir, 'b'), 'build');
    cache.put('cleanDense', 'ef'.repeat(32), bytes);
    const [name] = readdirSync(path.join(dir, 'b'));
    const file = path.join(dir, 'b', name);
    const stored = readFileSync(file);
    writeFileSync(file, stored.subarray(0, 500));
    assert.equal(cache.get('cleanDense', 'ef'.repeat(32)), null, 'truncated');
    const altered = Buffer.from(stored);
    altered[10] ^= 1;
    writeFileSync(file, altered);
    assert.equal(cache.get('cleanDense', 'ef'.repeat(32)), null, 'altered');
    writeFileSync(file, '');
    assert.equal(cache.get('cleanDense', 'ef'.repeat(32)), null, 'empty');
    cache.put('cleanDense', 'ef'.repeat(32), bytes);
    assert.deepEqual(cache.get('cleanDense', 'ef'.repeat(32)), bytes);
  });

  it('a folder it cannot write to is no error', () => {
    const blocker = path.join(dir, 'file');
    writeFileSync(blocker, 'x');
    const cache = diskGraphCache(path.join(blocker, 'sub'), 'build');
    cache.put('cleanDense', 'ab'.repeat(32), bytes);
    assert.equal(cache.get('cleanDense', 'ab'.repeat(32)), null);
  });
});
