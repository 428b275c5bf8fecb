/**
 * Where the A/B panel's analyses come from: real analyses of the bundled
 * SimVP Dyna-Pruner and L1 checkpoints saved as runs in a temporary run
 * store, found again per checkpoint (newest first, other commands skipped),
 * read back as saved; a run without an analysis is refused by name.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { saveRunIn } from '../../../src/core/runs/runStore';
import type { Analysis } from '../../../src/core/schema/results';
import { newestSavedAnalysis, readSavedAnalysis, secondSample } from '../../../src/extension/panels/abSources';
import { checkpointsDir, realResults, requireDynaprunerCheckpoint } from '../../browser/harness/realResults';

describe('A/B sources in the run store', () => {
  let tmp: string;
  let dyna: Analysis;
  let l1: Analysis;
  const summary = { samples: 0, denseMacs: 0, meanEffectiveMacs: null, mse: null, auc: null };

  before(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'dynapruner-ab-'));
    dyna = (await realResults(requireDynaprunerCheckpoint(), { maxSamples: 2, sweep: false })).analysis;
    l1 = (await realResults(path.join(checkpointsDir(), 'simvp_mp_l1.onnx'), { maxSamples: 2, sweep: false })).analysis;
  });

  after(() => rmSync(tmp, { recursive: true, force: true }));

  const save = (a: Analysis, command: string, minutes: number, withAnalysis = true) =>
    saveRunIn(tmp, { command, model: a.model, data: a.data, args: [], durationSeconds: 1, summary, createdAt: new Date(Date.UTC(2026, 11, 1, 10, minutes)) }, withAnalysis ? { 'analysis.json': JSON.stringify(a) } : { 'latency.json': '{}' });

  it('finds the newest analysis run of each checkpoint and reads it back as saved', async () => {
    const older = await save(dyna, 'run', 1);
    const newer = await save(dyna, 'run', 5);
    await save(dyna, 'latency', 9, false);
    const other = await save(l1, 'run', 7);
    const found = await newestSavedAnalysis(tmp, dyna.model.path);
    assert.equal(found?.dir, newer.folder);
    assert.notEqual(found?.dir, older.folder);
    assert.deepEqual(found?.analysis, JSON.parse(JSON.stringify(dyna)));
    assert.equal((await newestSavedAnalysis(tmp, l1.model.path))?.dir, other.folder);
    assert.equal(await newestSavedAnalysis(tmp, path.join(checkpointsDir(), 'simvp_dense.onnx')), null);
  });

  it('a run without an analysis is refused, naming its folder', async () => {
    const latency = await save(l1, 'latency', 20, false);
    await assert.rejects(readSavedAnalysis(latency.folder), new RegExp(`^Error: ${latency.folder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: the run holds no analysis`));
  });

  it("pane B opens on the next sample of the same checkpoint, on A's sample of another", () => {
    const a = dyna.model.path;
    assert.equal(secondSample(a, a, 0, 3), 1);
    assert.equal(secondSample(a, a, 2, 3), 0);
    assert.equal(secondSample(a, a, 0, 1), 0);
    assert.equal(secondSample(a, l1.model.path, 2, 3), 2);
    assert.equal(secondSample(a, l1.model.path, 5, 3), 2);
  });
});
