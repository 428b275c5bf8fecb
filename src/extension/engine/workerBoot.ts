/**
 * Starting the engine worker from V8's code cache: the bundle (0.8 MB; the HDF5
 * and Zarr readers load from dist/lazy on first use) costs tens of milliseconds to
 * compile on every cold start. The boot script compiles it with the cached
 * data of an earlier start (kept in a per-user folder under the temp folder,
 * used only while nobody else can write it: {@link privateCacheDir};
 * keyed by the bundle's size, modification time and the Node version), runs
 * it as CommonJS, and writes a fresh cache a few seconds later (after the
 * first call, so the functions it compiled are in it), atomically.
 */
import { lstatSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Default folder of the code cache. */
export function defaultCodeCacheDir(): string {
  let user = 'user';
  try {
    user = String(os.userInfo().uid);
  } catch {
    // no passwd entry for this uid (some containers): one folder for all
  }
  return path.join(os.tmpdir(), `dynapruner-studio-${user}`, 'v8-cache');
}

/**
 * `dir` (created with mode 0700 if missing) when it and its parent, the
 * per-user folder under the shared temp folder, are real directories owned by
 * this user that nobody else can write; otherwise null and why. A code cache
 * is compiled code the engine runs, and the graph cache holds graphs it runs:
 * a folder another local user created first (or a symlink planted there) must
 * not feed them. Where uids do not exist (Windows, a per-user temp folder) the
 * folder is used as it is.
 */
export function privateCacheDir(dir: string): { dir: string | null; reason: string } {
  const uid = process.getuid?.();
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (uid === undefined) return { dir, reason: '' };
    for (const d of [path.dirname(dir), dir]) {
      const s = lstatSync(d);
      if (!s.isDirectory()) return { dir: null, reason: `${d} is not a directory (a link?)` };
      if (s.uid !== uid) return { dir: null, reason: `${d} belongs to uid ${s.uid}, not to this user (uid ${uid})` };
      if ((s.mode & 0o022) !== 0) return { dir: null, reason: `${d} is writable by others (mode ${(s.mode & 0o777).toString(8)})` };
    }
    return { dir, reason: '' };
  } catch (e) {
    return { dir: null, reason: (e as Error).message };
  }
}

/** A TypeScript loader given to Node (`--import tsx`, `--require tsx/cjs`, a path into node_modules/tsx). */
const TS_LOADER = /(^|[\\/])tsx([\\/]|$)/;
const LOADER_FLAGS = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader']);

/**
 * The Node options for a bundled worker: the parent's (`execArgv`), without a
 * TypeScript loader. A worker inherits its parent's options, so under tsx
 * (the tests, `npm run bench:ui`) every engine and inference thread would load
 * tsx and route its requires through it (tens of ms each) although a bundle
 * needs no loader; the extension host runs none, so its workers are unchanged.
 */
export function bundledWorkerExecArgv(execArgv: readonly string[] = process.execArgv): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const a = execArgv[i];
    if (LOADER_FLAGS.has(a) && TS_LOADER.test(execArgv[i + 1] ?? '')) {
      i++;
      continue;
    }
    const eq = a.indexOf('=');
    if (eq > 0 && LOADER_FLAGS.has(a.slice(0, eq)) && TS_LOADER.test(a.slice(eq + 1))) continue;
    out.push(a);
  }
  return out;
}

/** Delay before the cache is (re)written after a start (ms). */
const WRITE_AFTER_MS = 4000;

/** Source of an `eval` worker that loads the CommonJS bundle `file` through the code cache in `cacheDir`. */
export function cachedBootSource(file: string, cacheDir: string): string {
  return `'use strict';
const fs = require('node:fs'), path = require('node:path'), vm = require('node:vm'), Module = require('node:module');
const { parentPort } = require('node:worker_threads');
const file = ${JSON.stringify(file)}, dir = ${JSON.stringify(cacheDir)};
const stat = fs.statSync(file);
const cachePath = path.join(dir, path.basename(file) + '-' + stat.size + '-' + Math.round(stat.mtimeMs) + '-' + process.version + '.cache');
let cached;
try { cached = fs.readFileSync(cachePath); } catch { cached = undefined; }
// import() inside the bundle (h5wasm's loader) goes to Node's own loader, as when the file is required.
const importModuleDynamically = vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER ?? ((specifier) => import(specifier));
const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData: cached, importModuleDynamically });
const state = cached === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'used';
parentPort.postMessage({ type: 'log', text: 'engine worker: code cache ' + state });
const m = new Module(file);
m.filename = file;
m.paths = Module._nodeModulePaths(path.dirname(file));
script.runInThisContext().call(m.exports, m.exports, Module.createRequire(file), m, file, path.dirname(file));
if (state !== 'used') {
  setTimeout(() => {
    try {
      fs.mkdirSync(dir, { recursive: true });
      const tmp = cachePath + '.' + process.pid + '.' + Date.now() + '.tmp';
      fs.writeFileSync(tmp, script.createCachedData());
      fs.renameSync(tmp, cachePath);
    } catch {}
  }, ${WRITE_AFTER_MS}).unref();
}
`;
}
