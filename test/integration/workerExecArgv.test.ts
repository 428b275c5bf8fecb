/**
 * A bundled engine worker started by CoreEngine from a process running under
 * tsx (as the tests and `npm run bench:ui` do) does not load tsx: its Node
 * options are the parent's without the TypeScript loader, through the code
 * cache boot and without it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { CoreEngine } from '../../src/extension/engine/coreEngine';

test('the engine worker bundle starts without the parent\'s tsx loader, with and without the code cache', async () => {
  assert.ok(process.execArgv.some((a) => a.includes('tsx')), `this test runs under tsx (execArgv: ${process.execArgv.join(' ')})`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dynapruner-exec-argv-'));
  try {
    // A stand-in bundle answering like the engine worker: it logs what it was started with, then answers `inspect`.
    const bundle = path.join(dir, 'engineWorker.js');
    writeFileSync(bundle, [
      "const { parentPort } = require('node:worker_threads');",
      "parentPort.postMessage({ type: 'log', text: JSON.stringify({ execArgv: process.execArgv, tsx: Object.keys(require.cache).some((k) => k.includes('tsx')) }) });",
      "parentPort.on('message', (m) => { if (m.type === 'inspect') parentPort.postMessage({ type: 'done', id: m.id, value: null }); else if (m.type === 'shutdown') parentPort.close(); });",
    ].join('\n'));
    for (const codeCacheDir of [path.join(dir, 'cache'), null]) {
      const lines: string[] = [];
      const engine = new CoreEngine({ info: (t) => lines.push(t), error: (t) => lines.push(t) }, { workerPath: bundle, codeCacheDir });
      await engine.inspect(bundle);
      await engine.close();
      const started = lines.map((l) => { try { return JSON.parse(l) as { execArgv: string[]; tsx: boolean }; } catch { return null; } }).find((x) => x !== null);
      assert.ok(started, lines.join('\n'));
      assert.ok(!started.execArgv.some((a) => a.includes('tsx')), `code cache ${codeCacheDir ? 'on' : 'off'}: worker execArgv ${started.execArgv.join(' ')}`);
      assert.equal(started.tsx, false, 'tsx was loaded in the worker');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
