/**
 * The engine worker bundle (dist/engineWorker.js, `npm run build`) keeps the
 * clean dense graph it derives beside its code cache: the next cold start
 * reads it instead of folding again and analyses the same; the stored graph
 * is byte-equal to the one the sources derive; a damaged entry is derived and
 * written again; without a code cache folder nothing is kept.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { openCheckpoint } from '../../src/core/checkpoint/checkpoint';
import { InferencePool } from '../../src/core/runtime/inferencePool';
import { cleanDenseBytes } from '../../src/core/runtime/modelRunner';
import type { Analysis } from '../../src/core/schema/results';
import { CoreEngine } from '../../src/extension/engine/coreEngine';
import { checkpoint, ROOT, STORM_FILES } from '../helpers/engineFixtures';

const workerPath = path.join(ROOT, 'dist', 'engineWorker.js');
const dir = mkdtempSync(path.join(os.tmpdir(), 'dynapruner-graph-cache-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** One cold engine: analyses 2 test windows of simvp_dynapruner, returns the analysis and the step line. */
async function coldAnalysis(codeCacheDir: string | null): Promise<{ analysis: Analysis; steps: string }> {
  const lines: string[] = [];
  const engine = new CoreEngine({ info: (t) => lines.push(t), error: (t) => lines.push(t) }, { workerPath, codeCacheDir });
  try {
    const analysis = await engine.analyze({
      checkpoint: checkpoint('simvp_dynapruner'), dataFiles: STORM_FILES, maxSamples: 2, workers: 1, signal: new AbortController().signal,
      onProgress: () => undefined, onStart: () => undefined, onSamples: () => undefined,
    });
    return { analysis, steps: lines.find((l) => l.startsWith('analysis of simvp_dynapruner.onnx')) ?? lines.join('\n') };
  } finally {
    await engine.close();
  }
}

test('the clean dense graph derived on one cold start is read on the next; same analysis; damaged entries derived again; none kept without a cache folder', async () => {
  assert.ok(existsSync(workerPath), `${workerPath} is missing: run \`npm run build\` first`);
  const codeCacheDir = path.join(dir, 'cache');
  const graphs = `${codeCacheDir}-graphs`;

  const first = await coldAnalysis(codeCacheDir);
  assert.match(first.steps, /sessions \d+ ms/, 'the first start derives the graph');
  const files = readdirSync(graphs);
  assert.equal(files.length, 1, files.join(', '));
  assert.match(files[0], /^cleanDense-[0-9a-f]{32}\.onnx$/);
  const file = path.join(graphs, files[0]);
  const stored = readFileSync(file);

  // The bundle's graph is the one the sources derive, byte for byte.
  const pool = new InferencePool({ size: 1, intraOpThreads: 1 });
  try {
    const own = await cleanDenseBytes(await openCheckpoint(checkpoint('simvp_dynapruner')), pool);
    assert.ok(Buffer.from(own).equals(stored.subarray(0, stored.length - 32)), 'the stored clean dense graph differs from the one the sources derive');
  } finally {
    await pool.close();
  }

  const second = await coldAnalysis(codeCacheDir);
  assert.match(second.steps, /sessions \(clean dense graph cached\) \d+ ms/);
  assert.deepEqual(second.analysis.samples, first.analysis.samples, 'the analysis with the cached graph differs');
  assert.deepEqual(second.analysis.aggregates, first.analysis.aggregates);

  const damaged = Buffer.from(stored);
  damaged[1000] ^= 0xff;
  writeFileSync(file, damaged);
  const third = await coldAnalysis(codeCacheDir);
  assert.match(third.steps, /sessions \d+ ms/, 'a damaged entry was used');
  assert.deepEqual(third.analysis.samples, first.analysis.samples);
  assert.ok(readFileSync(file).equals(stored), 'the damaged entry was not written again');

  const before = readdirSync(dir).sort();
  await coldAnalysis(null);
  assert.deepEqual(readdirSync(dir).sort(), before, 'something was kept without a cache folder');
});
