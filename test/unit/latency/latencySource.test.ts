/** A FLOPs panel's saved latency run survives the webview's persisted state, so a panel restored after a reload reads it back. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readPersistedState } from '../../../src/shared/state';

test('readPersistedState keeps the source\'s latencyRunDir; a non-string one is dropped', () => {
  const source = { checkpoints: ['/w/simvp_dynapruner.onnx'], runDir: '/w/.dynapruner/runs/a', latencyRunDir: '/w/.dynapruner/runs/b' };
  assert.deepEqual(readPersistedState({ source, ui: {} }).source, source);
  assert.equal(readPersistedState({ source: { ...source, latencyRunDir: 7 }, ui: {} }).source?.latencyRunDir, undefined);
});
