/**
 * The run store: two saves with the same id (same second, same command and
 * model) both survive under distinct ids; a profile run keeps its id in
 * profile.json and run.json; a run folder appears complete or not at all.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { runsFolder, saveRun, type RunInit } from '../../../src/core/runs/runStore';
import type { ModelRef } from '../../../src/core/schema/results';

const root = mkdtempSync(path.join(os.tmpdir(), 'dp-run-store-'));
after(() => rmSync(root, { recursive: true, force: true }));

const model: ModelRef = { path: '/m/simvp.onnx', name: 'simvp.onnx', sha256: 'ab', backbone: 'simvp', variant: 'dynapruner', contractVersion: 1, tIn: 4, tOut: 4, channels: ['p'], grid: [33, 36], dataThreshold: 0.5 };
const init = (createdAt: Date): RunInit => ({ command: 'run', model, data: null, args: ['run'], durationSeconds: 1, summary: { samples: 1, denseMacs: 1, meanEffectiveMacs: 1, mse: 1, auc: null }, createdAt });

test('two saves in the same second keep both runs', async () => {
  const same = new Date(2026, 11, 1, 12, 0, 0);
  const [a, b] = await Promise.all([saveRun(root, init(same), { 'analysis.json': '"first"' }), saveRun(root, init(same), { 'analysis.json': '"second"' })]);
  const c = await saveRun(root, init(same), { 'analysis.json': '"third"' });
  const ids = [a.record.id, b.record.id, c.record.id];
  assert.equal(new Set(ids).size, 3, ids.join(' '));
  assert.ok(ids.every((id) => id.startsWith('20261201-120000-run-simvp')));
  const texts = ids.map((id) => readFileSync(path.join(runsFolder(root), id, 'analysis.json'), 'utf8')).sort();
  assert.deepEqual(texts, ['"first"', '"second"', '"third"']);
  for (const id of ids) {
    const record = JSON.parse(readFileSync(path.join(runsFolder(root), id, 'run.json'), 'utf8'));
    assert.equal(record.id, id);
    assert.deepEqual(record.files, ['analysis.json']);
  }
  assert.deepEqual(readdirSync(runsFolder(root)).filter((n) => n.startsWith('.')), [], 'no partial folders left');
});

test('files built from the final record carry the id the folder got', async () => {
  const when = new Date(2026, 11, 1, 13, 0, 0);
  const first = await saveRun(root, { ...init(when), command: 'profile', id: 'p-1' }, (r) => ({ 'profile.json': JSON.stringify({ id: r.id }) }));
  const second = await saveRun(root, { ...init(when), command: 'profile', id: 'p-1' }, (r) => ({ 'profile.json': JSON.stringify({ id: r.id }) }));
  assert.equal(first.record.id, 'p-1');
  assert.equal(second.record.id, 'p-1-2');
  assert.equal(JSON.parse(readFileSync(path.join(second.folder, 'profile.json'), 'utf8')).id, 'p-1-2');
});
