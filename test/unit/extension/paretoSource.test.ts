/** A Compare panel's Pareto sources: a summary panel loads its file (also after a reload), groups survive the persisted state, bad summaries become one notice. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { planLoad } from '../../../src/extension/panels/loadPlan';
import { compareGroups } from '../../../src/extension/compareEntries';
import { loadParetoSummary } from '../../../src/extension/paretoSummaryPanel';
import { readPersistedState } from '../../../src/shared/state';
import type { ToWebview } from '../../../src/shared/protocol';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const SUMMARY = path.join(ROOT, 'trainer', 'results', 'pareto', 'storm_simvp', 'summary.json');

describe('Pareto sources of the Compare panel', () => {
  it('a summary panel reads its file on open and on restore, never runs a job', () => {
    for (const reason of ['open', 'restore'] as const) {
      assert.deepEqual(planLoad('compare', { checkpoints: [], runDir: null, paretoSummary: SUMMARY }, reason, false), { action: 'readParetoSummary', file: SUMMARY });
    }
  });

  it('the persisted state keeps the summary and the groups, and drops malformed groups', () => {
    const s = readPersistedState({ source: { checkpoints: ['/a.onnx', '/b.onnx'], runDir: null, paretoSummary: SUMMARY, groups: ['x', 'y'] }, ui: {} });
    assert.equal(s.source?.paretoSummary, SUMMARY);
    assert.deepEqual(s.source?.groups, ['x', 'y']);
    assert.equal(readPersistedState({ source: { checkpoints: [], runDir: null, groups: [1] }, ui: {} }).source?.groups, undefined);
  });

  it('groups reach the Compare model only when there is one per checkpoint', () => {
    assert.deepEqual(compareGroups({ checkpoints: ['/a', '/b'], runDir: null, groups: ['g', 'h'] }), { groups: ['g', 'h'] });
    assert.deepEqual(compareGroups({ checkpoints: ['/a', '/b'], runDir: null, groups: ['g'] }), {});
    assert.deepEqual(compareGroups({ checkpoints: ['/a'], runDir: null }), {});
  });

  it('posts the validated summary, or one error notice naming the file', async () => {
    const posted: ToWebview[] = [];
    await loadParetoSummary({ post: (m) => posted.push(m) }, SUMMARY);
    await loadParetoSummary({ post: (m) => posted.push(m) }, path.join(ROOT, 'package.json'));
    assert.equal(posted[0].type, 'paretoSummary');
    assert.equal(posted[1].type, 'notice');
    assert.match((posted[1] as { text: string }).text, /package\.json: points: expected a list, found nothing \(the field is missing\)$/);
  });
});
