// `npm run demo`: builds if needed, then runs `dynapruner report` on the bundled
// SimVP Dyna-Pruner checkpoint with the bundled storm data, prints the summary
// (dense vs Dyna-Pruner MACs, MSE, alignment AUC) and writes demo-report.html.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const cli = path.join(root, 'dist', 'cli.js');
const ckpt = path.join(root, 'demo', 'checkpoints', 'simvp_dynapruner.onnx');
const data = ['P', 'T', 'U', 'V', 'U500', 'V500'].map((c) => path.join(root, 'demo', 'data', 'ncl', `${c}storm.cdf`));
const out = path.join(root, 'demo-report.html');

/** Newest modification time of the files below a folder. */
function newestSource(dir) {
  let newest = 0;
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  if (existsSync(dir)) walk(dir);
  return newest;
}

if (!existsSync(cli) || !existsSync(path.join(root, 'dist', 'inferenceWorker.js')) || newestSource(path.join(root, 'src')) > statSync(cli).mtimeMs) {
  console.log('building (npm run build)...');
  const b = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}
for (const f of [ckpt, ...data]) {
  if (!existsSync(f)) {
    console.error(`demo: missing ${path.relative(root, f)}`);
    process.exit(1);
  }
}
console.log(`dynapruner report ${path.relative(root, ckpt)} --data demo/data/ncl/*storm.cdf --out demo-report.html\n`);
const r = spawnSync(process.execPath, [cli, 'report', ckpt, '--data', ...data, '--out', out, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
if (r.status === 0) console.log(`\nopen ${out} in a browser (standalone, no network needed)`);
process.exit(r.status ?? 1);
