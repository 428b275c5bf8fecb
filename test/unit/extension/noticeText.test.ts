/** Error notifications carry the first line of the message (which names the file), never a stack trace. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { noticeText } from '../../../src/extension/noticeText';

describe('noticeText', () => {
  it('keeps the first line of a multi-line message and drops the rest', () => {
    const error = new Error('/data/x.onnx: dynapruner metadata: normalization.std[0]: expected > 0, found 0\n    at parseContract (contract.ts:12)');
    assert.equal(noticeText(error), 'Dyna-Pruner: /data/x.onnx: dynapruner metadata: normalization.std[0]: expected > 0, found 0');
  });
  it('never shows the stack, also for an error whose message is empty', () => {
    const error = new Error('');
    assert.equal(noticeText(error), 'Dyna-Pruner: unknown error');
    assert.doesNotMatch(noticeText(error), /\bat\b/);
  });
  it('takes a prefix (the device, the step)', () => {
    assert.equal(noticeText('connect timed out', 'Dyna-Pruner (orin-1)'), 'Dyna-Pruner (orin-1): connect timed out');
  });
});
