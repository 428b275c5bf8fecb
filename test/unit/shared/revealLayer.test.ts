/** The Graph panel's `revealLayer` message crosses the webview boundary only in its exact shape. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isToWebview, parseFromWebview } from '../../../src/shared/validate';

describe('revealLayer validation', () => {
  it('accepts a node name with a unit id or null', () => {
    assert.deepEqual(parseFromWebview({ type: 'revealLayer', node: '/m/backbone/trans.0/conv/Conv', unit: 2 }), { ok: true, message: { type: 'revealLayer', node: '/m/backbone/trans.0/conv/Conv', unit: 2 } });
    assert.equal(parseFromWebview({ type: 'revealLayer', node: 'readout', unit: null }).ok, true);
  });

  it('rejects wrong fields with one line naming the field', () => {
    const error = (raw: unknown) => {
      const r = parseFromWebview(raw);
      return r.ok ? 'accepted' : r.error;
    };
    assert.match(error({ type: 'revealLayer', node: 3, unit: null }), /field 'node' must be a string/);
    assert.match(error({ type: 'revealLayer', node: 'a'.repeat(1001), unit: null }), /'node' is longer than 1000/);
    assert.match(error({ type: 'revealLayer', node: 'a', unit: -1 }), /field 'unit' must be null or a non-negative integer/);
    assert.match(error({ type: 'revealLayer', node: 'a', unit: 1.5 }), /field 'unit'/);
    assert.match(error({ type: 'revealLayer', node: 'a', unit: '2' }), /field 'unit'/);
    assert.match(error({ type: 'revealLayer', node: 'a', unit: 0, extra: 1 }), /unexpected field\(s\) extra/);
  });

  it('the host-to-webview graph and focusLayer messages pass the webview guard', () => {
    assert.equal(isToWebview({ type: 'graph' }), true);
    assert.equal(isToWebview({ type: 'focusLayer' }), true);
  });
});
