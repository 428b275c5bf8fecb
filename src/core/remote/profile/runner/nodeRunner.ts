/**
 * The Node runner shipped with the extension (bundled to dist/remoteRunner.js)
 * and run ON THE DEVICE: `node remoteRunner.js <job.json>`. It loads each
 * variant with onnxruntime-node, runs warm-up, N timed iterations (batch 1,
 * cycling over the uploaded samples) and one inference per sample whose
 * outputs it saves as .npy (and, with `profileLayers`, a per-node profile),
 * printing the JSON-lines protocol of
 * ../runnerProtocol.ts. Self-contained: only node built-ins and onnxruntime.
 */
import { readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { encodeNpyF32, parseNpy } from '../../../samples/npy';
import { RUNNER_PROTOCOL, type RunnerJob, type RunnerMessage, type RunnerVariant } from '../runnerProtocol';
import { parseTrace } from '../../../runtime/ortTrace';

type Ort = typeof import('onnxruntime-node');

function emit(msg: RunnerMessage): void {
  process.stdout.write(JSON.stringify(msg) + '\n');
}

/** Progress at most every 250 ms of the device clock (and at each phase's end). */
let lastProgress = 0;
function progress(variant: string, phase: 'warmup' | 'timed' | 'samples', done: number, total: number): void {
  const now = performance.now();
  if (done < total && now - lastProgress < 250) return;
  lastProgress = now;
  emit({ type: 'progress', variant, phase, done, total });
}

/**
 * Per-node profile of one variant: a profiling session runs the first `n`
 * samples once untimed, then `job.layerRounds` times each (pass after pass);
 * its trace (written in the job's output folder, removed after) becomes one
 * `layers` message.
 */
async function profileLayers(ort: Ort, job: RunnerJob, variant: RunnerVariant, providers: string[], n: number, tensorOf: (i: number) => import('onnxruntime-node').Tensor): Promise<void> {
  const prefix = path.join(job.outputDir, `${variant.id.replace(/[^A-Za-z0-9_.-]/g, '_')}.profile`);
  const session = await ort.InferenceSession.create(variant.model, { executionProviders: providers, graphOptimizationLevel: 'all', enableProfiling: true, profileFilePrefix: prefix });
  const inputName = session.inputNames[0];
  const count = Math.max(1, n);
  try {
    for (let i = 0; i < (1 + (job.layerRounds ?? 1)) * count; i++) await session.run({ [inputName]: tensorOf(i % count) });
  } finally {
    session.endProfiling();
    await session.release();
  }
  const base = path.basename(prefix);
  const file = readdirSync(job.outputDir).find((f) => f.startsWith(`${base}_`) && f.endsWith('.json'));
  if (!file) throw new Error(`${variant.model}: onnxruntime wrote no profile trace in ${job.outputDir}`);
  const full = path.join(job.outputDir, file);
  const runs = parseTrace(JSON.parse(readFileSync(full, 'utf8')), full).slice(count);
  unlinkSync(full);
  emit({ type: 'layers', variant: variant.id, runs });
}

/** What every step of a job reads. */
interface RunContext {
  ort: Ort;
  job: RunnerJob;
  providers: string[];
  count: number;
  tensorOf: (i: number) => import('onnxruntime-node').Tensor;
}

/** A variant's open session. */
interface Loaded {
  variant: RunnerVariant;
  session: import('onnxruntime-node').InferenceSession;
  inputName: string;
}

/**
 * Opens a variant's session (one input, as every built variant has). With
 * `interleave`, its thread pools do not spin when idle: the worker threads
 * of the session that just ran would otherwise keep the cores busy during
 * the next session's run.
 */
async function load(ctx: RunContext, variant: RunnerVariant): Promise<Loaded> {
  const started = performance.now();
  const quiet = ctx.job.interleave ? { extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } } } : {};
  const session = await ctx.ort.InferenceSession.create(variant.model, { executionProviders: ctx.providers, graphOptimizationLevel: 'all', ...quiet });
  if (session.inputNames.length !== 1) {
    throw new Error(`${variant.model}: the runner feeds one input, the model has ${session.inputNames.length} (${session.inputNames.join(', ')})`);
  }
  const inputName = session.inputNames[0];
  emit({ type: 'loaded', variant: variant.id, inputName, outputNames: [...session.outputNames], loadMs: performance.now() - started, providers: ctx.providers });
  return { variant, session, inputName };
}

/**
 * Warm-up, then the timed runs (batch 1, cycling over the samples) of
 * `loaded`, taken in turn at every iteration in a rotating order: with
 * several variants, iteration i of each ran back to back on the same sample
 * (pairable), and they share one timed window.
 */
async function timeVariants(ctx: RunContext, loaded: Loaded[]): Promise<void> {
  const { job, count, tensorOf } = ctx;
  const w0 = performance.now();
  for (let i = 0; i < job.warmup; i++) {
    for (let j = 0; j < loaded.length; j++) {
      const l = loaded[(i + j) % loaded.length];
      await l.session.run({ [l.inputName]: tensorOf(i % count) });
      progress(l.variant.id, 'warmup', i + 1, job.warmup);
    }
  }
  for (const l of loaded) emit({ type: 'warmup', variant: l.variant.id, iterations: job.warmup, totalMs: (performance.now() - w0) / loaded.length });
  const latencies = loaded.map((): number[] => []);
  const t0 = Date.now();
  for (let i = 0; i < job.iterations; i++) {
    for (let j = 0; j < loaded.length; j++) {
      const k = (i + j) % loaded.length;
      const l = loaded[k];
      const feed = { [l.inputName]: tensorOf(i % count) };
      const s = performance.now();
      await l.session.run(feed);
      latencies[k].push(performance.now() - s);
      progress(l.variant.id, 'timed', i + 1, job.iterations);
    }
  }
  const t1 = Date.now();
  loaded.forEach((l, k) => emit({ type: 'timed', variant: l.variant.id, t0, t1, latenciesMs: latencies[k] }));
}

/** One inference per checked sample (outputs saved as .npy), the session released, then the per-node profile when asked for. */
async function finishVariant(ctx: RunContext, l: Loaded): Promise<void> {
  const { job, count, tensorOf } = ctx;
  const n = Math.min(job.perSample, count);
  const collected = new Map<string, { parts: Float32Array[]; dims: number[] }>();
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    const out = await l.session.run({ [l.inputName]: tensorOf(i) });
    emit({ type: 'sample', variant: l.variant.id, index: i, ms: performance.now() - s });
    for (const [name, tensor] of Object.entries(out)) {
      if (tensor.type !== 'float32') continue;
      const entry = collected.get(name) ?? { parts: [], dims: [...tensor.dims].slice(1) };
      entry.parts.push(new Float32Array(tensor.data as Float32Array));
      collected.set(name, entry);
    }
  }
  const files: Record<string, string> = {};
  const shape: Record<string, number[]> = {};
  for (const [name, { parts, dims: d }] of collected) {
    const all = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
    let off = 0;
    for (const p of parts) {
      all.set(p, off);
      off += p.length;
    }
    const file = path.join(job.outputDir, `${l.variant.id}.${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.npy`);
    shape[name] = [parts.length, ...d];
    writeFileSync(file, encodeNpyF32(all, shape[name]));
    files[name] = file;
  }
  emit({ type: 'outputs', variant: l.variant.id, files, shape });
  await l.session.release();
  if (job.profileLayers) await profileLayers(ctx.ort, job, l.variant, ctx.providers, n, tensorOf);
}

async function main(jobFile: string): Promise<void> {
  const job = JSON.parse(readFileSync(jobFile, 'utf8')) as RunnerJob;
  if (job.protocol !== RUNNER_PROTOCOL) throw new Error(`${jobFile}: protocol ${job.protocol}, runner speaks ${RUNNER_PROTOCOL}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ort = require(job.ortModule) as Ort;
  let version = 'unknown';
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    version = (require(path.join(job.ortModule, 'package.json')) as { version: string }).version;
  } catch {
    // a bare package name resolves below
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      version = (require(`${job.ortModule}/package.json`) as { version: string }).version;
    } catch {
      /* version stays unknown */
    }
  }
  const providers = job.providers.length ? job.providers : ['cpu'];
  emit({ type: 'hello', protocol: RUNNER_PROTOCOL, runner: 'node', runtime: 'onnxruntime-node', version, providers, pid: process.pid });

  const samples = parseNpy(readFileSync(job.samples), job.samples);
  if (samples.shape.length < 2) throw new Error(`${job.samples}: expected [samples, ...input dims], found shape (${samples.shape.join(', ')})`);
  const count = samples.shape[0];
  const per = samples.data.length / count;
  const dims = [1, ...samples.shape.slice(1)];
  const tensorOf = (i: number) => new ort.Tensor('float32', samples.data.subarray(i * per, (i + 1) * per), dims);
  const ctx: RunContext = { ort, job, providers, count, tensorOf };

  if (job.interleave) {
    // Every session loaded first; warm-up and timed runs take the variants in turn, so load on the device hits them alike.
    const loaded: Loaded[] = [];
    for (const variant of job.variants) loaded.push(await load(ctx, variant));
    await timeVariants(ctx, loaded);
    for (const l of loaded) await finishVariant(ctx, l);
  } else {
    for (const variant of job.variants) {
      const l = await load(ctx, variant);
      await timeVariants(ctx, [l]);
      await finishVariant(ctx, l);
    }
  }
  emit({ type: 'done', t: Date.now() });
}

main(process.argv[2] ?? '').catch((error: unknown) => {
  emit({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  process.exitCode = 1;
});
