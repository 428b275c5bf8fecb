/**
 * onnxruntime-node's per-node profile: per model, one session with profiling
 * on and one without (1 intra-op thread, sequential, all graph
 * optimisations); every feed set runs in both for the warm-up and then N
 * rounds, models interleaved. Each Chrome-trace file is parsed into one list
 * of node events per run; the plain session gives the wall time per feed set.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { parseTrace, type ProfiledRun } from './ortTrace';
import type { WireTensor } from './workerProtocol';

export { parseTrace, type NodeEvent, type ProfiledRun } from './ortTrace';

/** Options of the measurements. */
export interface ProfileOptions {
  /** Runs of every feed set before the measured ones (default 1). */
  warmup?: number;
  /** Measured runs of every feed set. */
  iterations: number;
  signal?: AbortSignal;
}

/** onnxruntime-node's version, for the result's runtime record. */
export function runtimeVersion(): string {
  return ort.env.versions?.common ?? 'unknown';
}

const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = {
  executionProviders: ['cpu'],
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
};

function tensors(feeds: Record<string, WireTensor>): Record<string, ort.Tensor> {
  return Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, new ort.Tensor('float32', t.data, t.dims)]));
}

/** A model and the feed sets it runs, one batch-1 run each. */
export interface ProfileJob {
  model: Uint8Array;
  feeds: Record<string, WireTensor>[];
}

/** Profiled node events and unprofiled wall times of every job. */
export interface JobMeasurements {
  /** `runs[iteration][feed]`, warm-up dropped. */
  runs: ProfiledRun[][];
  /** Per feed set: median wall time of one unprofiled run, ms. */
  perFeedMs: number[];
}

/**
 * Measures every job: each has a profiling session and a plain one; round
 * after round (warm-up first), every feed set of every job runs once in each,
 * so load changes on the machine hit all jobs and both sessions alike.
 */
export async function profileNodes(jobs: ProfileJob[], opts: ProfileOptions): Promise<JobMeasurements[]> {
  const warmup = opts.warmup ?? 1;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dynapruner-profile-'));
  const profiled: ort.InferenceSession[] = [];
  const plain: ort.InferenceSession[] = [];
  try {
    for (let j = 0; j < jobs.length; j++) {
      profiled.push(await ort.InferenceSession.create(jobs[j].model, { ...SESSION_OPTIONS, enableProfiling: true, profileFilePrefix: path.join(dir, `job${j}`) }));
      plain.push(await ort.InferenceSession.create(jobs[j].model, SESSION_OPTIONS));
    }
    const times = await interleaved(profiled, plain, jobs, warmup, opts);
    for (const s of profiled) s.endProfiling();
    const files = await readdir(dir);
    return await Promise.all(jobs.map(async (job, j) => {
      const file = files.find((f) => f.startsWith(`job${j}_`) && f.endsWith('.json'));
      if (!file) throw new Error(`onnxruntime wrote no profile trace for model ${j} in ${dir}`);
      const n = job.feeds.length;
      const runs = parseTrace(JSON.parse(await readFile(path.join(dir, file), 'utf8')), file).slice(warmup * n);
      if (runs.length !== opts.iterations * n) throw new Error(`${file}: expected ${opts.iterations * n} measured model runs, found ${runs.length}`);
      return { runs: Array.from({ length: opts.iterations }, (_, i) => runs.slice(i * n, (i + 1) * n)), perFeedMs: times[j].map(median) };
    }));
  } finally {
    await Promise.all([...profiled, ...plain].map((s) => s.release()));
    await rm(dir, { recursive: true, force: true });
  }
}

/** The rounds: per job and feed set, one profiled then one timed plain run; returns the plain wall times after the warm-up, ms. */
async function interleaved(profiled: ort.InferenceSession[], plain: ort.InferenceSession[], jobs: ProfileJob[], warmup: number, opts: ProfileOptions): Promise<number[][][]> {
  const inputs = jobs.map((j) => j.feeds.map(tensors));
  const times = jobs.map((j) => j.feeds.map(() => [] as number[]));
  for (let r = 0; r < warmup + opts.iterations; r++) {
    for (let j = 0; j < jobs.length; j++) {
      for (let f = 0; f < inputs[j].length; f++) {
        opts.signal?.throwIfAborted();
        await profiled[j].run(inputs[j][f]);
        const t0 = performance.now();
        await plain[j].run(inputs[j][f]);
        if (r >= warmup) times[j][f].push(performance.now() - t0);
      }
    }
  }
  return times;
}

/** Median of a non-empty list. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
