// Benchmark: `dynapruner inspect --json` on the ~100 MB torchvision ResNet-50
// export vs Python's `onnx.load` + `onnx.shape_inference.infer_shapes` on the
// same file, side by side in one run. Each side is a fresh process (start-up
// included) timed over several repetitions; reports the median wall time, the
// ratio, and the peak RSS of each (GNU time's %M).
//   npm run bench:inspect [-- --reps 5]
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
const root = path.resolve(import.meta.dirname, '..');
process.env.DYNAPRUNER_ROOT ??= root;
const { torchvisionOnnx } = await import('../test/helpers/torchvisionExport.ts');
const repsArg = process.argv.indexOf('--reps');
const reps = repsArg > 0 ? Number(process.argv[repsArg + 1]) : 5;
const cli = path.join(root, 'dist', 'cli.js');
if (!existsSync(cli)) {
  const b = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) process.exit(1);
}
const model = torchvisionOnnx('resnet50');
const python = 'import sys, onnx\nm = onnx.load(sys.argv[1])\nonnx.shape_inference.infer_shapes(m)\n';

/** Runs a command under GNU time; returns wall seconds and peak RSS in MiB. */
function measure(cmd, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { encoding: 'utf8', maxBuffer: 256 << 20 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  const rssKb = Number(r.stderr.trim().split('\n').pop());
  return { wall, rssMiB: rssKb / 1024 };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const sides = {
  'dynapruner inspect --json': () => measure(process.execPath, [cli, 'inspect', model, '--json']),
  'python onnx.load + infer_shapes': () => measure('/usr/bin/python3', ['-c', python, model]),
};
const results = {};
for (const name of Object.keys(sides)) results[name] = [];
for (let i = 0; i < reps; i++) for (const [name, run] of Object.entries(sides)) results[name].push(run()); // interleaved

console.log(`model: ${path.relative(root, model)} (${(statSync(model).size / 2 ** 20).toFixed(1)} MiB), ${reps} repetitions, interleaved, node ${process.version}`);
const summary = Object.entries(results).map(([name, rs]) => ({
  name, wall: median(rs.map((r) => r.wall)), rss: Math.max(...rs.map((r) => r.rssMiB)),
}));
for (const s of summary) console.log(`${s.name.padEnd(34)} median ${s.wall.toFixed(3)} s   peak RSS ${s.rss.toFixed(0)} MiB`);
const ratio = summary[0].wall / summary[1].wall;
console.log(`ratio (ours / python): ${ratio.toFixed(2)} x time, ${(summary[0].rss / summary[1].rss).toFixed(2)} x peak RSS -> ${ratio <= 1 ? 'target met (no slower)' : 'SLOWER than python'}`);
