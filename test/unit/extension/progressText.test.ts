/** Progress text in the user's words, not the sweep's internal phase names. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { userProgress } from '../../../src/extension/progressText';

describe('userProgress', () => {
  it('sweep rows of any phase read as evaluations', () => {
    assert.equal(userProgress('allCut: 381/801 rows'), 'sweep: 381 of 801 evaluations');
    assert.equal(userProgress('full: 1200/2403 rows'), 'sweep: 1,200 of 2,403 evaluations');
    for (const phase of ['full', 'tauCut', 'dataCut', 'allCut']) assert.ok(!userProgress(`${phase}: 1/2 rows`).includes(phase));
  });

  it('analysis and the clean pass in words; other messages unchanged', () => {
    assert.equal(userProgress('analysed 8/16 samples'), 'analysed 8 of 16 samples');
    assert.equal(userProgress('clean pass'), 'sweep: evaluating the clean model');
    assert.equal(userProgress('analysing 9 samples'), 'analysing 9 samples');
  });
});
