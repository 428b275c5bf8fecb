// Bundles the @vscode/test-cli suite (test/vscode/*.test.ts) to
// dist/test/vscode/*.test.js for `vscode-test` (.vscode-test.mjs): node, CommonJS,
// `vscode` and `mocha` left to the extension host's test runner.
import * as esbuild from 'esbuild';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
const dir = path.join(root, 'test', 'vscode');
const entryPoints = readdirSync(dir).filter((f) => f.endsWith('.test.ts')).map((f) => path.join(dir, f));
await esbuild.build({
  entryPoints,
  outdir: path.join(root, 'dist', 'test', 'vscode'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  external: ['vscode', 'mocha'],
  logLevel: 'info',
});
