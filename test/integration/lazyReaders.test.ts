/**
 * The format readers split out of the node bundles (scripts/lazyReaders.mjs):
 * the built engine worker, extension host and CLI bundles (`npm run build`)
 * do not carry h5wasm or the Zarr codecs and load them from dist/lazy/; a
 * reader bundled the same way (the same plugin, the project's netcdf4.ts and
 * zarr.ts) loads nothing of them until the first HDF5 / Zarr file is opened,
 * then reads the storm pressure field written as NetCDF-4, HDF5 and Zarr
 * (test/fixtures/formats/make_formats.py, Debian's xarray / h5py / zarr)
 * bit-equal to the NetCDF-3 original.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import { readGridVariable } from '../../src/core/samples/netcdf';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const STORM = path.join(ROOT, 'demo', 'data', 'ncl', 'Pstorm.cdf');
/** A string of h5wasm's code (its HDF5 C API glue), absent from a bundle without it. */
const H5WASM_MARKER = 'H5Fopen';
/** As scripts/build.mjs bundles node code: `import.meta.url` of ESM-only packages becomes the bundle's URL. */
const ESM_IN_CJS = {
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__importMetaUrl' },
};

interface LazySplit {
  LAZY: Record<string, string>;
  lazyReaders: never;
  lazyReaderBundles(outdir: string, root: string): Record<string, unknown>;
}
const split = (): Promise<LazySplit> => import(pathToFileURL(path.join(ROOT, 'scripts', 'lazyReaders.mjs')).href) as Promise<LazySplit>;

describe('format readers split out of the node bundles', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'dynapruner-lazy-readers-'));
    execFileSync('/usr/bin/python3', [path.join(ROOT, 'test', 'fixtures', 'formats', 'make_formats.py'), dir, '--src', STORM], { stdio: ['ignore', 'ignore', 'inherit'] });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the built engine worker, extension and CLI bundles load h5wasm and zarrita from dist/lazy/', async () => {
    const { LAZY } = await split();
    for (const name of Object.values(LAZY)) assert.ok(existsSync(path.join(ROOT, 'dist', 'lazy', `${name}.js`)), `dist/lazy/${name}.js is missing: run \`npm run build\``);
    assert.ok(readFileSync(path.join(ROOT, 'dist', 'lazy', 'h5wasm.js'), 'utf8').includes(H5WASM_MARKER), 'the marker is h5wasm code');
    for (const bundle of ['engineWorker.js', 'extension.js', 'cli.js']) {
      const file = path.join(ROOT, 'dist', bundle);
      const text = readFileSync(file, 'utf8');
      assert.ok(!text.includes(H5WASM_MARKER), `${bundle} still carries h5wasm`);
      for (const name of Object.values(LAZY)) assert.ok(text.includes(`require("./lazy/${name}.js")`), `${bundle} does not load ./lazy/${name}.js`);
      assert.ok(statSync(file).size < 2_000_000, `${bundle}: ${statSync(file).size} bytes (was 8 MB with the readers inside)`);
    }
  });

  it('a bundled reader loads nothing until an HDF5 / Zarr file is opened, then reads NetCDF-4, HDF5 and Zarr as the NetCDF-3 original', async () => {
    const { lazyReaders, lazyReaderBundles } = await split();
    const src = (f: string) => JSON.stringify(path.join(ROOT, 'src', 'core', 'samples', f));
    const driver = path.join(dir, 'driver.ts');
    writeFileSync(driver, [
      `import { openNetcdf4 } from ${src('netcdf4.ts')};`,
      `import { openZarr } from ${src('zarr.ts')};`,
      'const lazyLoaded = () => Object.keys(require.cache).filter((k) => k.includes(`${require("node:path").sep}lazy${require("node:path").sep}`)).length;',
      'async function main(): Promise<void> {',
      '  const before = lazyLoaded();',
      '  const out: Record<string, unknown> = { before };',
      `  for (const [name, open] of [['p.nc4', openNetcdf4], ['p.h5', openNetcdf4], ['p.zarr', openZarr]] as const) {`,
      `    const s = await open(require('node:path').join(${JSON.stringify(dir)}, name));`,
      '    const r = await s.readSteps(0, s.shape[0]);',
      '    s.close();',
      '    const sha = (a: ArrayBufferView) => require("node:crypto").createHash("sha256").update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest("hex");',
      '    out[name] = { shape: s.shape, values: sha(r.values), valid: sha(r.valid) };',
      '  }',
      '  out.after = lazyLoaded();',
      '  console.log(JSON.stringify(out));',
      '}',
      'void main();',
    ].join('\n'));
    const bundle = path.join(dir, 'driver.js');
    await build({ entryPoints: [driver], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: bundle, logLevel: 'silent', absWorkingDir: ROOT, plugins: [lazyReaders], ...ESM_IN_CJS });
    await build({ bundle: true, logLevel: 'silent', absWorkingDir: ROOT, ...lazyReaderBundles(path.join(dir, 'lazy'), ROOT), ...ESM_IN_CJS });
    assert.ok(!readFileSync(bundle, 'utf8').includes(H5WASM_MARKER), 'the reader bundle carries h5wasm');
    const got = JSON.parse(execFileSync(process.execPath, [bundle], { encoding: 'utf8' })) as Record<string, { shape: number[]; values: string; valid: string }> & { before: number; after: number };
    assert.equal(got.before, 0, 'a sidecar was loaded before any file was opened');
    assert.equal(got.after, 3, 'h5wasm, zarrita and its storage loaded once each');
    const ref = await readGridVariable(STORM);
    const sha = (a: ArrayBufferView) => createHash('sha256').update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest('hex');
    const values = sha(Float32Array.from(ref.values));
    const valid = sha(ref.valid);
    for (const name of ['p.nc4', 'p.h5', 'p.zarr']) {
      assert.deepEqual(got[name].shape, ref.shape, name);
      assert.equal(got[name].valid, valid, `${name}: validity`);
      assert.equal(got[name].values, values, `${name}: values`);
    }
  });
});
