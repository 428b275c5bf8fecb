/** The A/B panel's messages cross the webview boundary only in their exact shape. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isToWebview, parseFromWebview } from '../../../src/shared/validate';

describe('A/B message validation', () => {
  it("accepts the Masks panel's openAb with a sample index", () => {
    assert.deepEqual(parseFromWebview({ type: 'openAb', sample: 4 }), { ok: true, message: { type: 'openAb', sample: 4 } });
  });

  it('rejects a bad sample or extra fields with one line naming the field', () => {
    const error = (raw: unknown) => {
      const r = parseFromWebview(raw);
      return r.ok ? 'accepted' : r.error;
    };
    assert.equal(error({ type: 'openAb', sample: -1 }), "'openAb' message: field 'sample' must be a non-negative integer");
    assert.match(error({ type: 'openAb', sample: 1.5 }), /field 'sample'/);
    assert.match(error({ type: 'openAb' }), /field 'sample'/);
    assert.match(error({ type: 'openAb', sample: 0, checkpoint: '/etc/passwd' }), /unexpected field\(s\) checkpoint/);
  });

  it('the host-to-webview ab message passes the webview guard', () => {
    assert.equal(isToWebview({ type: 'ab' }), true);
  });
});
