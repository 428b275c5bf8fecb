// `npm run bench:sweep`: samples x configurations per second of a noise-robustness
// sweep (method spec section 8: every test window x sigma x seed, per-sample MSE on
// valid pixels and mask-aware effective MACs) in the engine (onnxruntime-node in a
// worker thread) against the trainer's PyTorch eval loop
// (`python -m dynapruner_trainer.bench_eval`, Debian torch) on the same checkpoint,
// the same data and the same thread count, measured in the same run.
// Prints both rates, the ratio and peak memory (RSS) of each side.
//   node scripts/bench-sweep.mjs [--ckpt demo/checkpoints/simvp_dynapruner.onnx] [--threads 1] [--seeds 2] [--repeat 3]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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
const repeat = Number(arg('repeat', '3'));
const sigmas = [0, 0.01, 0.02, 0.05, 0.1];
const batch = 16;
const data = ['P', 'T', 'U', 'V', 'U500', 'V500'].map((c) => path.join(root, 'demo', 'data', 'ncl', `${c}storm.cdf`));

const mod = (p) => tsImport(path.join(root, p), import.meta.url);
const { openCheckpoint } = await mod('src/core/engine/checkpoint.ts');
const { InferencePool } = await mod('src/core/engine/inferencePool.ts');
const { ModelRunner } = await mod('src/core/engine/modelRunner.ts');
const { sampleMacs } = await mod('src/core/engine/analyze.ts');
const { maskedErrors } = await mod('src/core/metrics/errors.ts');
const { estimate } = await mod('src/core/metrics/stats.ts');
const { loadSamples } = await mod('src/core/samples/load.ts');
const { addGaussianNoise, mixSeed } = await mod('src/core/engine/random.ts');

/** One engine sweep: every window x sigma x seed; returns samples x configs done and per-sigma MSE. */
async function engineSweep(ck, samples, runner) {
  const [H, W] = ck.spec.grid;
  const plane = H * W;
  const xi = samples.inputs.length / samples.count;
  const yi = samples.targets.length / samples.count;
  let done = 0;
  const perSigma = {};
  for (const sigma of sigmas) {
    const mse = [];
    for (let seed = 0; seed < seeds; seed++) {
      for (let start = 0; start < samples.count; start += batch) {
        const n = Math.min(batch, samples.count - start);
        const clean = samples.inputs.subarray(start * xi, (start + n) * xi);
        const x = sigma > 0 ? addGaussianNoise(clean, sigma, mixSeed(seed, sigma, start)) : clean;
        const out = await runner.full(x, n);
        for (let j = 0; j < n; j++) {
          const k = start + j;
          mse.push(maskedErrors(out.prediction, samples.targets, samples.valid, j * yi, yi, k * yi).mse);
          sampleMacs(ck, out.dataMask?.subarray(j * plane, (j + 1) * plane) ?? null, ck.gateTensors.map((t, i) => out.gates[i].subarray(j * t.channels, (j + 1) * t.channels)));
          done++;
        }
      }
    }
    perSigma[sigma] = estimate(mse);
  }
  return { done, perSigma };
}

if (!existsSync(ckpt)) {
  console.error(`bench:sweep: checkpoint ${ckpt} not found`);
  process.exit(1);
}
const ck = await openCheckpoint(ckpt);
const samples = await loadSamples(data, ck.spec);
const pool = new InferencePool({ size: 1, intraOpThreads: threads });
const runner = new ModelRunner(ck, pool);
await engineSweep(ck, samples, runner); // warm-up: sessions created once, reused
/** One run of the trainer's PyTorch loop (its own timer excludes Python start-up). */
function torchRun() {
  const py = spawnSync('/usr/bin/python3', ['-m', 'dynapruner_trainer.bench_eval', '--ckpt', ckpt, '--data', path.join(root, 'demo', 'data', 'ncl'), '--threads', String(threads), '--sigmas', sigmas.join(','), '--seeds', String(seeds), '--batch', String(batch)], { cwd: path.join(root, 'trainer'), encoding: 'utf8' });
  if (py.status !== 0) {
    console.error(`PyTorch baseline failed:\n${py.stderr}`);
    process.exit(1);
  }
  return JSON.parse(py.stdout.slice(py.stdout.indexOf('{')));
}
// Interleaved (engine, torch, engine, torch, ...) so both see the same machine load; best of each.
let best = Infinity;
let result;
let torchRes = null;
for (let r = 0; r < repeat; r++) {
  const t0 = performance.now();
  result = await engineSweep(ck, samples, runner);
  best = Math.min(best, (performance.now() - t0) / 1000);
  const res = torchRun();
  if (!torchRes || res.per_second > torchRes.per_second) torchRes = res;
}
await pool.close();
const engineRate = result.done / best;
const engineRss = process.resourceUsage().maxRSS / 1024;
const torchRate = torchRes.per_second;

console.log(`checkpoint        ${path.relative(root, ckpt)}`);
console.log(`work              ${samples.count} windows x ${sigmas.length} sigmas x ${seeds} seeds = ${result.done} samples x configs, batch ${batch}, ${threads} thread(s)`);
console.log(`engine (ORT)      ${engineRate.toFixed(1)} samples x configs / s (best of ${repeat}), peak RSS ${engineRss.toFixed(0)} MB`);
console.log(`PyTorch loop      ${torchRate.toFixed(1)} samples x configs / s (best of ${repeat} runs), peak RSS ${torchRes.peak_rss_mb.toFixed(0)} MB`);
console.log(`ratio             ${(engineRate / torchRate).toFixed(2)}x (target >= 2x)`);
console.log(`MSE per sigma     engine ${sigmas.map((s) => result.perSigma[s].mean.toFixed(4)).join(' ')}`);
console.log(`                  torch  ${sigmas.map((s) => (torchRes.per_sigma[String(s)] ?? torchRes.per_sigma[s.toFixed(1)])?.mse?.toFixed(4) ?? '-').join(' ')}`);
