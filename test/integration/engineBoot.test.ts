/**
 * The engine worker bundle (dist/engineWorker.js, from `npm run build`) starts
 * through V8's code cache: the first start writes the cache (atomically, into
 * the given folder only), the next start uses it and answers the same; a
 * cache folder other users can write is not used.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { CoreEngine } from '../../src/extension/engine/coreEngine';
import { cachedBootSource, privateCacheDir } from '../../src/extension/engine/workerBoot';
import { checkpoint, ROOT } from '../helpers/engineFixtures';

test('the engine worker writes its code cache on the first start and uses it on the next', async () => {
  const workerPath = path.join(ROOT, 'dist', 'engineWorker.js');
  assert.ok(existsSync(workerPath), `${workerPath} is missing: run \`npm run build\` first`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dynapruner-v8-cache-'));
  const cacheDir = path.join(dir, 'cache');
  try {
    const start = async () => {
      const lines: string[] = [];
      const engine = new CoreEngine({ info: (t) => lines.push(t), error: (t) => lines.push(t) }, { workerPath, codeCacheDir: cacheDir });
      const report = await engine.inspect(checkpoint('simvp_dense'));
      return { engine, lines, report };
    };
    const first = await start();
    assert.ok(first.lines.includes('engine worker: code cache none'), first.lines.join('\n'));
    const deadline = Date.now() + 20_000;
    while (!(existsSync(cacheDir) && readdirSync(cacheDir).some((f) => f.endsWith('.cache'))) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    await first.engine.close();
    const files = readdirSync(cacheDir);
    assert.equal(files.length, 1, `one cache file, no temp file left: ${files.join(', ')}`);
    assert.match(files[0], /^engineWorker\.js-\d+-\d+-v\d+\.\d+\.\d+\.cache$/);
    const second = await start();
    await second.engine.close();
    assert.ok(second.lines.includes('engine worker: code cache used'), second.lines.join('\n'));
    assert.deepEqual(second.report, first.report);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a bundle booted through the code cache can import() modules (h5wasm loads this way), with and without a cache', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dynapruner-v8-cache-'));
  try {
    const bundle = path.join(dir, 'bundle.js');
    writeFileSync(bundle, "const { parentPort } = require('node:worker_threads');\nimport('node:module').then((m) => parentPort.postMessage({ type: 'loaded', createRequire: typeof m.createRequire, file: __filename }), (e) => parentPort.postMessage({ type: 'failed', message: String(e) }));\n");
    const boot = () => new Promise<Record<string, string>[]>((resolve, reject) => {
      const got: Record<string, string>[] = [];
      const w = new Worker(cachedBootSource(bundle, path.join(dir, 'cache')), { eval: true });
      w.on('message', (m: Record<string, string>) => {
        got.push(m);
        if (m.type !== 'log') void w.terminate().then(() => resolve(got));
      });
      w.on('error', reject);
    });
    for (let i = 0; i < 2; i++) {
      const got = await boot();
      assert.deepEqual(got.filter((m) => m.type !== 'log'), [{ type: 'loaded', createRequire: 'function', file: bundle }]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a cache folder others can write (or a planted link) is not used: no code cache is read or written there', async () => {
  const workerPath = path.join(ROOT, 'dist', 'engineWorker.js');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dynapruner-v8-cache-'));
  try {
    // The per-user folder as another local user could have left it: world-writable.
    const shared = path.join(dir, 'dynapruner-studio-shared');
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    const cacheDir = path.join(shared, 'v8-cache');
    const lines: string[] = [];
    const engine = new CoreEngine({ info: (t) => lines.push(t), error: (t) => lines.push(t) }, { workerPath, codeCacheDir: cacheDir });
    const report = await engine.inspect(checkpoint('simvp_dense'));
    await new Promise((r) => setTimeout(r, 5_000)); // past the boot script's delayed cache write
    await engine.close();
    assert.ok(report.layers.length > 0, 'the engine still answers');
    assert.ok(lines.some((l) => /code and graph caches off: .*writable by others \(mode 777\)/.test(l)), lines.join('\n'));
    assert.ok(!lines.some((l) => l.startsWith('engine worker: code cache ')), `the cached boot was not used: ${lines.join('\n')}`);
    assert.deepEqual(existsSync(cacheDir) ? readdirSync(cacheDir) : [], [], 'nothing written into the shared folder');
    assert.equal(existsSync(`${cacheDir}-graphs`), false);
    // A link in place of the cache folder is refused too.
    const own = path.join(dir, 'own');
    mkdirSync(own, { mode: 0o700 });
    symlinkSync(path.join(dir), path.join(own, 'v8-cache'));
    assert.match(privateCacheDir(path.join(own, 'v8-cache')).reason, /not a directory/);
    assert.equal(privateCacheDir(path.join(dir, 'mine', 'v8-cache')).dir, path.join(dir, 'mine', 'v8-cache'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
