/**
 * The extension's saveRun goes through the core run store: two analyses saved
 * at the same moment both appear in the Runs view's list, each readable.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { listRuns, readRun, saveRun } from '../../../src/extension/runStore';
import type { Analysis } from '../../../src/core/schema/results';

const runsDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'dp-ext-runs-')), 'runs');
after(() => rmSync(path.dirname(runsDir), { recursive: true, force: true }));

function analysis(mse: number): Analysis {
  const model = { path: '/m/simvp.onnx', name: 'simvp.onnx', sha256: 'ab', backbone: 'simvp', variant: 'dynapruner', contractVersion: 1, tIn: 4, tOut: 4, channels: ['p'], grid: [33, 36], dataThreshold: 0.5 };
  return { kind: 'analysis', model, data: null, denseMacs: 10, samples: [], aggregates: { effectiveMacs: { mean: 5 }, mse: { mean: mse }, auc: null } } as unknown as Analysis;
}

test('two runs saved at once are both listed and readable', async () => {
  const saved = await Promise.all([saveRun(runsDir, 'run', analysis(1), 1, ['a']), saveRun(runsDir, 'run', analysis(2), 1, ['b'])]);
  assert.notEqual(saved[0].record.id, saved[1].record.id);
  const listed = await listRuns(runsDir);
  assert.equal(listed.length, 2);
  const mses = await Promise.all(listed.map(async (r) => (await readRun(r.dir)).analysis?.aggregates.mse?.mean));
  assert.deepEqual(mses.sort(), [1, 2]);
  assert.deepEqual(saved.map((s) => s.record.files), [['analysis.json'], ['analysis.json']]);
});
