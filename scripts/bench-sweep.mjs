// `npm run bench:sweep`: samples x configurations per second of a noise-robustness
// sweep (method spec section 8: every test window x sigma x seed, per-sample MSE on
// valid pixels and mask-aware effective MACs) in the engine (`sweep()` of
// src/core/experiments/sweep.ts: onnxruntime-node in a worker thread, rows of every
// configuration packed into batches) against the same sweep in the trainer's
// PyTorch model (scripts/bench_sweep_torch.py, Debian torch): same checkpoint, data,
// rows, batch size and thread count, measured in the same run, interleaved
// (engine, torch, engine, torch, ...) so both see the same machine load. Two PyTorch
// schedules: 'loop' (the eval loop: per sigma and seed, the windows in batches) and
// 'rows' (the engine's own schedule, so that ratio isolates the runtime).
// Prints the rates (median of the repetitions), wall-clock and CPU-time ratios and peak RSS.
//   node scripts/bench-sweep.mjs [--ckpt demo/checkpoints/simvp_dynapruner.onnx] [--threads 1] [--workers 1] [--seeds 2] [--batch 16] [--repeat 5]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tsImport } from 'tsx/esm/api';

const root = path.resolve(import.meta.dirname, '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const ckpt = path.resolve(arg('ckpt', path.join(root, 'demo', 'checkpoints', 'simvp_dynapruner.onnx')));
const threads = Number(arg('threads', '1'));
// The engine may split its threads over several inference workers (each with
// threads / workers intra-op threads); the PyTorch loop gets all `threads`.
const workers = Number(arg('workers', '1'));
if (!(workers >= 1 && threads % workers === 0)) {
  console.error(`bench:sweep: --workers ${workers} must divide --threads ${threads}`);
  process.exit(2);
}
const seeds = Number(arg('seeds', '2'));
const batch = Number(arg('batch', '16'));
const repeat = Number(arg('repeat', '5'));
const sigmas = [0, 0.01, 0.02, 0.05, 0.1];
const data = ['P', 'T', 'U', 'V', 'U500', 'V500'].map((c) => path.join(root, 'demo', 'data', 'ncl', `${c}storm.cdf`));

const mod = (p) => tsImport(path.join(root, p), import.meta.url);
const { openCheckpoint } = await mod('src/core/checkpoint/checkpoint.ts');
const { InferencePool } = await mod('src/core/runtime/inferencePool.ts');
const { ModelRunner } = await mod('src/core/runtime/modelRunner.ts');
const { sweep } = await mod('src/core/experiments/sweep.ts');
const { loadSamples } = await mod('src/core/samples/load.ts');

if (!existsSync(ckpt)) {
  console.error(`bench:sweep: checkpoint ${ckpt} not found`);
  process.exit(1);
}
const ck = await openCheckpoint(ckpt);
const samples = await loadSamples(data, ck.spec);
const pool = new InferencePool({ size: workers, intraOpThreads: threads / workers });
const runner = new ModelRunner(ck, pool);
const options = { noise: sigmas, failure: [], baselines: [], seeds, dataThresholds: [], tauOffsets: [], gateFailure: false, ablation: false, batchSize: batch };
const grid = samples.count * sigmas.length * seeds;
await sweep(ck, samples, runner, options); // warm-up: sessions created once, reused

/** One repetition of the PyTorch sweep with a schedule (its own timer excludes Python start-up and model loading). */
function torchRun(schedule) {
  const py = spawnSync('/usr/bin/python3', [path.join(root, 'scripts', 'bench_sweep_torch.py'), '--ckpt', ckpt, '--data', ...data, '--schedule', schedule, '--threads', String(threads), '--sigmas', sigmas.join(','), '--seeds', String(seeds), '--batch', String(batch), '--repeat', '1'], { cwd: root, encoding: 'utf8' });
  if (py.status !== 0) {
    console.error(`PyTorch baseline failed:\n${py.stderr}`);
    process.exit(1);
  }
  return JSON.parse(py.stdout.slice(py.stdout.indexOf('{')));
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const engine = { seconds: [], cpu: [] };
const torch = { loop: { seconds: [], cpu: [], rss: 0, last: null }, rows: { seconds: [], cpu: [], rss: 0, last: null } };
let result;
// Interleaved (engine, torch loop, torch rows, engine, ...) so every side sees the same machine load.
for (let r = 0; r < repeat; r++) {
  const t0 = performance.now();
  const c0 = process.cpuUsage(); // the whole process: main thread and the inference worker thread
  result = await sweep(ck, samples, runner, options);
  const c = process.cpuUsage(c0);
  engine.seconds.push((performance.now() - t0) / 1000);
  engine.cpu.push((c.user + c.system) / 1e6);
  for (const schedule of ['loop', 'rows']) {
    const res = torchRun(schedule);
    const t = torch[schedule];
    t.seconds.push(res.seconds[0]);
    t.cpu.push(res.cpu_seconds[0]);
    t.rss = Math.max(t.rss, res.peak_rss_mb);
    t.last = res;
  }
}
await pool.close();
const engineRss = process.resourceUsage().maxRSS / 1024;
const fmt = (xs) => xs.map((x) => x.toFixed(3)).join(' ');
const rate = (xs) => grid / median(xs);

console.log(`checkpoint        ${path.relative(root, ckpt)}`);
console.log(`machine           ${os.cpus().length} CPUs, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log(`work              ${samples.count} windows x ${sigmas.length} sigmas x ${seeds} seeds = ${grid} samples x configs, batch ${batch}, ${threads} thread(s) each side (engine: ${workers} worker(s) x ${threads / workers}), median of ${repeat}`);
console.log(`engine (ORT)      ${rate(engine.seconds).toFixed(1)} samples x configs / s (${torch.rows.last.rows} inference rows; s: ${fmt(engine.seconds)}; CPU s: ${fmt(engine.cpu)}), peak RSS ${engineRss.toFixed(0)} MB`);
for (const [schedule, label] of [['loop', 'PyTorch eval loop'], ['rows', 'PyTorch, rows   ']]) {
  const t = torch[schedule];
  console.log(`${label}  ${rate(t.seconds).toFixed(1)} samples x configs / s (${t.last.rows} inference rows; s: ${fmt(t.seconds)}; CPU s: ${fmt(t.cpu)}), peak RSS ${t.rss.toFixed(0)} MB (torch ${t.last.torch})`);
}
console.log(`ratio vs loop     ${(median(torch.loop.seconds) / median(engine.seconds)).toFixed(2)}x wall-clock, ${(median(torch.loop.cpu) / median(engine.cpu)).toFixed(2)}x CPU time (target >= 2x)`);
console.log(`ratio vs rows     ${(median(torch.rows.seconds) / median(engine.seconds)).toFixed(2)}x wall-clock, ${(median(torch.rows.cpu) / median(engine.cpu)).toFixed(2)}x CPU time (same schedule: runtime alone)`);
console.log(`MSE per sigma     engine ${result.noise.map((p) => p.mse.mean.toFixed(4)).join(' ')}`);
console.log(`                  torch  ${sigmas.map((s) => torch.loop.last.per_sigma[String(s)] ?? torch.loop.last.per_sigma[s.toFixed(1)]).map((v) => (v === undefined ? '-' : v.toFixed(4))).join(' ')}`);
