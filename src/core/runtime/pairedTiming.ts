/**
 * Paired, interleaved timing of several models on onnxruntime-node (CPU,
 * batch 1, sequential, all graph optimisations, `threads` intra-op threads):
 * after the warm-up, every round runs every feed set through every model in
 * a rotating order, so load changes on the machine hit all models alike.
 * Per model: the median time of a run and the median of its paired per-run
 * ratios to the first model, on the wall clock or on the process's CPU time
 * while the run is in flight (with one intra-op thread that is the inference
 * thread's own time, which does not grow when other jobs deschedule it, so it
 * stays readable on a loaded machine).
 */
import * as ort from 'onnxruntime-node';
import type { WireTensor } from './workerProtocol';

/** A model to time, under an id. */
export interface TimedModel {
  id: string;
  bytes: Uint8Array;
}

/** Options of {@link timePaired}. */
export interface PairedTimingOptions {
  threads: number;
  warmup: number;
  rounds: number;
  /** What is timed (default 'wall'). */
  clock?: 'wall' | 'cpu';
  signal?: AbortSignal;
}

/** What one model measured. */
export interface PairedTime {
  id: string;
  medianMs: number;
  /** Median of the per-run ratios to the first model (1 for the first). */
  pairedRatio: number;
  runs: number;
}

/** Median of a non-empty list. */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** One run's time, ms, on `clock`. */
async function timedRun(session: ort.InferenceSession, input: Record<string, ort.Tensor>, clock: 'wall' | 'cpu'): Promise<number> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await session.run(input);
  if (clock === 'wall') return performance.now() - t0;
  const used = process.cpuUsage(c0);
  return (used.user + used.system) / 1000;
}

/** Times every model on every feed set (see the file comment); the first model is the baseline of the ratios. */
export async function timePaired(models: TimedModel[], feeds: Record<string, WireTensor>[], opts: PairedTimingOptions): Promise<PairedTime[]> {
  const options: ort.InferenceSession.SessionOptions = { executionProviders: ['cpu'], intraOpNumThreads: opts.threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' };
  const sessions: ort.InferenceSession[] = [];
  try {
    for (const m of models) sessions.push(await ort.InferenceSession.create(m.bytes, options));
    const inputs = feeds.map((f) => Object.fromEntries(Object.entries(f).map(([k, t]) => [k, new ort.Tensor('float32', t.data, t.dims)])));
    const times = models.map(() => [] as number[]);
    const ratios = models.map(() => [] as number[]);
    let turn = 0;
    for (let r = 0; r < opts.warmup + opts.rounds; r++) {
      for (const input of inputs) {
        const t = new Array<number>(models.length);
        for (let j = 0; j < models.length; j++) {
          opts.signal?.throwIfAborted();
          const k = (turn + j) % models.length;
          t[k] = await timedRun(sessions[k], input, opts.clock ?? 'wall');
        }
        turn++;
        if (r < opts.warmup) continue;
        for (let k = 0; k < models.length; k++) {
          times[k].push(t[k]);
          ratios[k].push(t[k] / t[0]);
        }
      }
    }
    return models.map((m, k) => ({ id: m.id, medianMs: median(times[k]), pairedRatio: median(ratios[k]), runs: times[k].length }));
  } finally {
    await Promise.all(sessions.map((s) => s.release()));
  }
}
