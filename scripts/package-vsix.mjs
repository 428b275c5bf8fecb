// Packages the extension as a platform-specific .vsix that carries its native
// runtime: `node scripts/package-vsix.mjs [--target linux-x64] [--out file.vsix] [--no-build]`.
//
// `vsce package --no-dependencies` leaves node_modules out, but the extension
// host needs onnxruntime-node (native binding + libonnxruntime) and ssh2 at run
// time (everything else is bundled into dist/ by esbuild). So: production build,
// `vsce package --no-dependencies --target <t>` from a staging folder, then the
// runtime packages are added to the archive, with only the target platform's
// onnxruntime binaries (the npm package ships all platforms: ~290 MB).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync, zipSync } from 'fflate';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const target = opt('--target', `${process.platform === 'win32' ? 'win32' : process.platform}-${process.arch}`);
const [ortPlatform, ortArch] = target.split('-');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const out = path.resolve(opt('--out', path.join(root, `${pkg.name}-${pkg.version}-${target}.vsix`)));

/** Runtime packages the bundles load with require() (kept external by scripts/build.mjs). */
const RUNTIME = ['onnxruntime-node', 'onnxruntime-common', 'ssh2', 'asn1', 'bcrypt-pbkdf', 'safer-buffer', 'tweetnacl'];
/** Single files the engine reads at run time: the plotly bundle the HTML report inlines (src/core/report/plotlySource.ts). */
const RUNTIME_FILES = ['plotly.js-strict-dist-min/plotly-strict.min.js', 'plotly.js-strict-dist-min/package.json', 'plotly.js-strict-dist-min/LICENSE'];

if (!args.includes('--no-build')) execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--production'], { cwd: root, stdio: 'inherit' });

const stage = mkdtempSync(path.join(os.tmpdir(), 'dynapruner-vsix-'));
try {
  for (const f of ['package.json', 'package.nls.json', 'README.md', 'LICENSE', 'LICENSE.md', '.vscodeignore']) if (existsSync(path.join(root, f))) cpSync(path.join(root, f), path.join(stage, f));
  // Bundles only: no source maps, no @vscode/test-cli suite (dist/test).
  cpSync(path.join(root, 'dist'), path.join(stage, 'dist'), { recursive: true, filter: (src) => !src.endsWith('.map') && !src.startsWith(path.join(root, 'dist', 'test')) });
  cpSync(path.join(root, 'media'), path.join(stage, 'media'), { recursive: true, filter: (src) => !src.includes(`${path.sep}screenshots`) });
  // The translation bundles named by package.json's "l10n" (the English l10n/bundle.l10n.json from `npm run l10n`).
  cpSync(path.join(root, 'l10n'), path.join(stage, 'l10n'), { recursive: true });
  if (!existsSync(path.join(stage, 'LICENSE')) && !existsSync(path.join(stage, 'LICENSE.md'))) writeFileSync(path.join(stage, 'LICENSE'), `${pkg.license} licence; see the project repository.\n`);
  const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--target', target, '--out', out, '--allow-missing-repository', '--skip-license', '--no-rewrite-relative-links'], { cwd: stage, stdio: 'inherit' });
} finally {
  rmSync(stage, { recursive: true, force: true });
}

/** Files of a runtime package, without other platforms' onnxruntime binaries. */
function packageFiles(name) {
  const base = path.join(root, 'node_modules', name);
  if (!existsSync(base)) throw new Error(`node_modules/${name} is missing: run npm ci`);
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir)) {
      const p = path.join(dir, entry);
      const rel = path.relative(base, p).split(path.sep).join('/');
      if (name === 'onnxruntime-node' && rel.startsWith('bin/')) {
        const parts = rel.split('/'); // bin/napi-v6/<platform>/<arch>/...
        if (parts.length >= 3 && parts[2] !== ortPlatform) continue;
        if (parts.length >= 4 && parts[3] !== ortArch) continue;
      }
      if (statSync(p).isDirectory()) walk(p);
      else files.push([`extension/node_modules/${name}/${rel}`, p]);
    }
  };
  walk(base);
  return files;
}

const zip = unzipSync(readFileSync(out));
const types = new Set();
for (const name of RUNTIME) {
  for (const [entry, file] of packageFiles(name)) {
    zip[entry] = [readFileSync(file), { level: /\.(so(\.\d+)*|node|dylib|dll)$/.test(file) ? 6 : 9 }];
    const ext = path.extname(entry).toLowerCase();
    if (ext) types.add(ext);
  }
}
for (const rel of RUNTIME_FILES) {
  const file = path.join(root, 'node_modules', rel);
  if (!existsSync(file)) {
    if (rel.endsWith('LICENSE')) continue;
    throw new Error(`node_modules/${rel} is missing: run npm ci`);
  }
  zip[`extension/node_modules/${rel}`] = [readFileSync(file), { level: 9 }];
  const ext = path.extname(rel).toLowerCase();
  if (ext) types.add(ext);
}
// Register the new extensions' content types (the OPC manifest vsce writes).
const ctPath = '[Content_Types].xml';
let ct = Buffer.from(zip[ctPath]).toString('utf8');
for (const ext of types) {
  if (!ct.toLowerCase().includes(`extension="${ext}"`)) ct = ct.replace('</Types>', `<Default Extension="${ext}" ContentType="application/octet-stream"/></Types>`);
}
zip[ctPath] = Buffer.from(ct, 'utf8');
writeFileSync(out, zipSync(zip));
const mb = (statSync(out).size / 1024 / 1024).toFixed(1);
console.log(`${path.relative(root, out)}: ${mb} MB (${target}, with ${RUNTIME.join(', ')})`);
