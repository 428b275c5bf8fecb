// `npm run bench:sweep`: samples x configurations per second of a noise-robustness
// sweep (method spec section 8: every test window x sigma x seed, per-sample MSE on
// valid pixels and mask-aware effective MACs) in the engine (`sweep()` of
// src/core/engine/sweep.ts: onnxruntime-node in a worker thread, rows of every
// configuration packed into batches) against the same sweep in the trainer's
// PyTorch model (scripts/bench_sweep_torch.py, Debian torch): same checkpoint, data,
// rows, batch size and thread count, measured in the same run, interleaved
// (engine, torch, engine, torch, ...) so both see the same machine load.
// Prints both rates (median of the repetitions), the ratio and peak RSS of each side.
//   node scripts/bench-sweep.mjs [--ckpt demo/checkpoints/simvp_dynapruner.onnx] [--threads 1] [--seeds 2] [--batch 16] [--repeat 5]
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
const seeds = Number(arg('seeds', '2'));
const batch = Number(arg('batch', '16'));
const repeat = Number(arg('repeat', '5'));
const sigmas = [0, 0.01, 0.02, 0.05, 0.1];
const data = ['P', 'T', 'U', 'V', 'U500', 'V500'].map((c) => path.join(root, 'demo', 'data', 'ncl', `${c}storm.cdf`));

const mod = (p) => tsImport(path.join(root, p), import.meta.url);
const { openCheckpoint } = await mod('src/core/engine/checkpoint.ts');
const { InferencePool } = await mod('src/core/engine/inferencePool.ts');
const { ModelRunner } = await mod('src/core/engine/modelRunner.ts');
const { sweep } = await mod('src/core/engine/sweep.ts');
const { loadSamples } = await mod('src/core/samples/load.ts');

if (!existsSync(ckpt)) {
  console.error(`bench:sweep: checkpoint ${ckpt} not found`);
  process.exit(1);
}
const ck = await openCheckpoint(ckpt);
const samples = await loadSamples(data, ck.spec);
const pool = new InferencePool({ size: 1, intraOpThreads: threads });
const runner = new ModelRunner(ck, pool);
const options = { noise: sigmas, failure: [], baselines: [], seeds, dataThresholds: [], tauOffsets: [], gateFailure: false, ablation: false, batchSize: batch };
const grid = samples.count * sigmas.length * seeds;
await sweep(ck, samples, runner, options); // warm-up: sessions created once, reused

/** One repetition of the PyTorch sweep (its own timer excludes Python start-up and model loading). */
function torchRun() {
  const py = spawnSync('/usr/bin/python3', [path.join(root, 'scripts', 'bench_sweep_torch.py'), '--ckpt', ckpt, '--data', ...data, '--threads', String(threads), '--sigmas', sigmas.join(','), '--seeds', String(seeds), '--batch', String(batch), '--repeat', '1'], { cwd: root, encoding: 'utf8' });
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
const engineSeconds = [];
const torchSeconds = [];
const engineCpu = [];
const torchCpu = [];
let result;
let torchRes;
let torchRss = 0;
for (let r = 0; r < repeat; r++) {
  const t0 = performance.now();
  const c0 = process.cpuUsage(); // the whole process: main thread and the inference worker thread
  result = await sweep(ck, samples, runner, options);
  const c = process.cpuUsage(c0);
  engineSeconds.push((performance.now() - t0) / 1000);
  engineCpu.push((c.user + c.system) / 1e6);
  torchRes = torchRun();
  torchSeconds.push(torchRes.seconds[0]);
  torchCpu.push(torchRes.cpu_seconds[0]);
  torchRss = Math.max(torchRss, torchRes.peak_rss_mb);
}
await pool.close();
const engineRate = grid / median(engineSeconds);
const torchRate = grid / median(torchSeconds);
const engineRss = process.resourceUsage().maxRSS / 1024;
const fmt = (xs) => xs.map((x) => x.toFixed(3)).join(' ');

console.log(`checkpoint        ${path.relative(root, ckpt)}`);
console.log(`machine           ${os.cpus().length} CPUs, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log(`work              ${samples.count} windows x ${sigmas.length} sigmas x ${seeds} seeds = ${grid} samples x configs (${torchRes.rows} inference rows: sigma 0 is deterministic and runs once on both sides), batch ${batch}, ${threads} thread(s)`);
console.log(`engine (ORT)      ${engineRate.toFixed(1)} samples x configs / s (median of ${repeat}; seconds ${fmt(engineSeconds)}), peak RSS ${engineRss.toFixed(0)} MB`);
console.log(`PyTorch           ${torchRate.toFixed(1)} samples x configs / s (median of ${repeat}; seconds ${fmt(torchSeconds)}), peak RSS ${torchRss.toFixed(0)} MB (torch ${torchRes.torch})`);
console.log(`ratio             ${(engineRate / torchRate).toFixed(2)}x wall-clock (target >= 2x)`);
console.log(`CPU time / rep    engine ${fmt(engineCpu)} s, torch ${fmt(torchCpu)} s: ratio ${(median(torchCpu) / median(engineCpu)).toFixed(2)}x (CPU seconds per sweep, torch / engine)`);
console.log(`MSE per sigma     engine ${result.noise.map((p) => p.mse.mean.toFixed(4)).join(' ')}`);
console.log(`                  torch  ${sigmas.map((s) => torchRes.per_sigma[String(s)] ?? torchRes.per_sigma[s.toFixed(1)]).map((v) => (v === undefined ? '-' : v.toFixed(4))).join(' ')}`);
