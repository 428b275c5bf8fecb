// One esbuild script for every bundle: extension host (node), CLI (node),
// inference worker (node), remote runner (node), the format readers they load
// on first use (dist/lazy/) and webviews (browser).
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { lazyReaderBundles, lazyReaders } from './lazyReaders.mjs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const root = path.resolve(import.meta.dirname, '..');

/** Node bundles: `vscode` is provided by the host, onnxruntime-node is a native package. */
const nodeEntries = {
  extension: 'src/extension/extension.ts',
  cli: 'src/cli/main.ts',
  inferenceWorker: 'src/core/runtime/inferenceWorker.ts',
  shapeRunChild: 'src/core/shapes/shapeRunChild.ts',
  engineWorker: 'src/extension/engine/engineWorker.ts',
  remoteRunner: 'src/core/remote/profile/runner/nodeRunner.ts',
};
/** Browser bundles: one per webview app (webview/<name>/main.ts). */
const webviewDir = path.join(root, 'webview');
const webviewEntries = Object.fromEntries(
  readdirSync(webviewDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(webviewDir, d.name, 'main.ts')))
    .map((d) => [d.name, path.join('webview', d.name, 'main.ts')]),
);

/**
 * ESM-only packages bundled into CommonJS (h5wasm's loader calls
 * `createRequire(import.meta.url)`): `import.meta.url` becomes the bundle's own URL.
 */
const esmInCjs = {
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__importMetaUrl' },
};

const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'info', absWorkingDir: root };
const existing = (entries) => Object.fromEntries(Object.entries(entries).filter(([, f]) => existsSync(path.join(root, f))));

const configs = [
  {
    ...common,
    entryPoints: existing(nodeEntries),
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'onnxruntime-node', 'ssh2', 'cpu-features'],
    plugins: [lazyReaders],
    ...esmInCjs,
  },
  { ...common, ...lazyReaderBundles('dist/lazy', root), ...esmInCjs },
  {
    ...common,
    entryPoints: webviewEntries,
    outdir: 'dist/webview',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    loader: { '.css': 'text' },
  },
].filter((c) => Object.keys(c.entryPoints).length > 0);

/** Files shipped as they are: the Python onnxruntime runner for remote devices. */
mkdirSync(path.join(root, 'dist'), { recursive: true });
copyFileSync(path.join(root, 'src/core/remote/profile/runner/ort_runner.py'), path.join(root, 'dist/ort_runner.py'));

if (watch) {
  for (const c of configs) (await esbuild.context(c)).watch();
} else {
  await Promise.all(configs.map((c) => esbuild.build(c)));
}
