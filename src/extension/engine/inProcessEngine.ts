/**
 * The engine in the calling thread (what the engine worker runs; see
 * ./engineWorker.ts): checkpoints are opened once per file version, inference
 * runs in the engine's worker-thread pool (sessions reused), and an analysis
 * is computed in chunks so samples stream out while the rest still runs: the
 * first chunk holds one sample, so the first maps appear as early as possible.
 * No `vscode` import.
 */
import { stat } from 'node:fs/promises';
import { aggregate, analyze, dataRef } from '../../core/experiments/analyze';
import { writeFileAtomic } from '../../core/runs/atomicWrite';
import { openCheckpoint, type Checkpoint } from '../../core/checkpoint/checkpoint';
import { InferencePool } from '../../core/runtime/inferencePool';
import { cleanDenseFromCache, ModelRunner } from '../../core/runtime/modelRunner';
import type { GraphCache } from '../../core/runtime/graphCache';
import { DEFAULT_SWEEP, sweep } from '../../core/experiments/sweep';
import { openTrainedDense } from '../../core/experiments/trainedDense';
import type { Analysis, SampleAnalysis, SweepResult } from '../../core/schema/results';
import { inspectLoaded, inspectModel, type InspectReport } from '../../core/inspect/inspect';
import { buildReportHtml } from '../../core/report/html';
import { loadPlotlySource } from '../../core/report/plotlySource';
import { loadSamples } from '../../core/samples/load';
import { takeSamples, type SampleSet } from '../../core/samples/sampleSet';
import type { AnalyzeCall, EngineClient, LatencyCall, LatencyRun, SweepCall } from './engineClient';
import { measureLatency } from './latencyJob';
import { StepTimes } from './stepTimes';
import { partialSweeps } from './partialSweeps';

/** Samples per streamed chunk after the first (one worker round trip each). */
const CHUNK = 8;

/** Where the engine logs (the extension's output channel, through the worker). */
export interface EngineLog {
  info(text: string): void;
}

interface Cached<T> {
  key: string;
  value: Promise<T>;
}

/** The engine, in this thread (inference in worker threads). */
export class InProcessEngine implements EngineClient {
  private pool: InferencePool | null = null;
  private poolSize = 0;
  private readonly opened = new Map<string, Cached<Checkpoint>>();
  private readonly inspected = new Map<string, Cached<InspectReport>>();
  private readonly runners = new Map<string, ModelRunner>();
  private readonly trained = new WeakMap<Checkpoint, Promise<Checkpoint | null>>();

  constructor(
    private readonly log: EngineLog,
    /** Samples in the first streamed chunk (1: the first maps as early as possible; the UI benchmark's baseline uses 8). */
    private readonly firstChunk = 1,
    /** Overlap the cold path's steps (false: one after the other, the UI benchmark's baseline). */
    private readonly overlapColdPath = true,
    /** Derived graphs kept between starts (the clean dense graphs; null: derived on every start). */
    private readonly graphCache: GraphCache | null = null,
  ) {}

  private getPool(workers: number): InferencePool {
    if (!this.pool || this.poolSize !== workers) {
      void this.pool?.close();
      this.runners.clear();
      this.pool = new InferencePool({ size: workers });
      this.poolSize = workers;
      this.log.info(`inference pool: ${workers} worker thread(s), ${this.pool.intraOpThreads} onnxruntime thread(s) each`);
    }
    return this.pool;
  }

  /** Cached per path and file version (mtime, size). */
  private async cached<T>(map: Map<string, Cached<T>>, file: string, make: () => Promise<T>): Promise<T> {
    const s = await stat(file);
    const key = `${s.mtimeMs}:${s.size}`;
    const hit = map.get(file);
    if (hit && hit.key === key) return hit.value;
    const value = make();
    map.set(file, { key, value });
    value.catch(() => map.delete(file));
    return value;
  }

  private checkpoint(file: string, signal?: AbortSignal): Promise<Checkpoint> {
    return this.cached(this.opened, file, () => openCheckpoint(file, signal));
  }

  /** Starts the inference worker threads (they load onnxruntime) ahead of the first call. */
  warm(workers: number): void {
    this.getPool(workers).warm();
  }

  /**
   * Opens a checkpoint ahead of a call (cached per file version) and creates
   * the sessions an analysis runs first (the exported graph and the clean dense
   * graph); errors surface in the call itself.
   */
  prepare(file: string, workers = 1): void {
    this.warm(workers);
    void this.checkpoint(file)
      .then((ck) => this.runner(ck, workers).preload(['full', 'cleanDense']))
      .catch(() => undefined);
  }

  /**
   * Inspection report: reuses the decoded model when the checkpoint is already
   * open for analysis, otherwise reads the model only (no graph variants, nothing
   * kept: the Checkpoints tree inspects every checkpoint of the workspace).
   */
  inspect(file: string, signal?: AbortSignal): Promise<InspectReport> {
    return this.cached(this.inspected, file, async () => {
      const s = await stat(file);
      const hit = this.opened.get(file);
      const open = hit && hit.key === `${s.mtimeMs}:${s.size}` ? hit.value : undefined;
      const model = open ? await open.then((ck) => ck.model, () => null) : null;
      return model ? inspectLoaded(model, { signal, invalidContract: 'report' }) : inspectModel(file, { signal, invalidContract: 'report' });
    });
  }

  private runner(ck: Checkpoint, workers: number): ModelRunner {
    const pool = this.getPool(workers);
    let r = this.runners.get(ck.ref.sha256);
    if (!r) {
      r = new ModelRunner(ck, pool, this.graphCache);
      this.runners.set(ck.ref.sha256, r);
    }
    return r;
  }

  private async samples(ck: Checkpoint, call: AnalyzeCall | SweepCall | LatencyCall): Promise<SampleSet> {
    const all = await loadSamples(call.dataFiles, ck.spec, call.split ? { split: call.split } : {});
    call.signal.throwIfAborted();
    const n = Math.min(all.count, call.maxSamples);
    return n < all.count ? takeSamples(all, Array.from({ length: n }, (_, i) => i)) : all;
  }

  /** The trained dense checkpoint beside `ck` (opened once per checkpoint), its first session created ahead of the analysis. */
  private trainedDense(ck: Checkpoint, workers: number, signal: AbortSignal): Promise<Checkpoint | null> {
    let found = this.trained.get(ck);
    if (!found) {
      found = openTrainedDense(ck, signal);
      this.trained.set(ck, found);
      found.catch(() => this.trained.delete(ck));
    }
    return found.then((dense) => {
      if (dense) void this.runner(dense, workers).preload(['full'], signal).catch(() => undefined);
      return dense;
    });
  }

  /**
   * Per-sample analysis, streamed. The cold path overlaps what it can: the
   * inference thread loads onnxruntime while the checkpoint decodes, and creates
   * the sessions of the first sample (exported, clean dense, trained dense
   * graphs) while this thread reads the samples; the step times go to the log.
   */
  async analyze(call: AnalyzeCall): Promise<Analysis> {
    const { signal } = call;
    const times = new StepTimes();
    const overlap = this.overlapColdPath;
    if (overlap) this.warm(call.workers);
    call.onProgress(0, 'opening checkpoint');
    const ck = await this.checkpoint(call.checkpoint, signal);
    times.lap('checkpoint');
    const runner = this.runner(ck, call.workers);
    if (overlap) void runner.preload(['full', 'cleanDense'], signal).then(() => times.lap(cleanDenseFromCache(ck) ? 'sessions (clean dense graph cached)' : 'sessions'), () => undefined);
    // Without the overlap, analyze() looks the trained dense checkpoint up itself, per chunk.
    const trainedDense = overlap ? this.trainedDense(ck, call.workers, signal) : Promise.resolve('auto' as const);
    call.onProgress(0.02, 'loading samples');
    const samples = await this.samples(ck, call);
    times.lap('samples');
    const n = samples.count;
    if (n === 0) throw new Error(`${call.dataFiles.join(', ')}: no sample windows for this checkpoint`);
    const trained = await trainedDense;
    call.onStart({ model: ck.ref, data: dataRef(samples), layers: ck.layers, units: ck.units, denseMacs: ck.denseMacs, total: n });
    let first: Analysis | null = null;
    const out: SampleAnalysis[] = [];
    try {
      await this.streamChunks(ck, samples, runner, trained, call, times, (part, batch) => {
        first ??= part;
        out.push(...batch);
      });
      times.lap(`all ${n} samples`);
    } finally {
      this.log.info(times.line(`analysis of ${ck.ref.name}${signal.aborted ? ' (cancelled)' : ''}, ms since the call`));
    }
    return { ...first!, createdAt: new Date().toISOString(), data: dataRef(samples), samples: out, aggregates: aggregate(ck, out) };
  }

  /** Analyses the samples chunk by chunk (the first chunk {@link firstChunk} samples), streaming each. */
  private async streamChunks(ck: Checkpoint, samples: SampleSet, runner: ModelRunner, trained: Checkpoint | null | 'auto', call: AnalyzeCall, times: StepTimes, keep: (part: Analysis, batch: SampleAnalysis[]) => void): Promise<void> {
    const { signal } = call;
    const n = samples.count;
    for (let start = 0; start < n; ) {
      signal.throwIfAborted();
      const size = start === 0 ? this.firstChunk : CHUNK;
      const idx = Array.from({ length: Math.min(size, n - start) }, (_, i) => start + i);
      const part = await analyze(ck, takeSamples(samples, idx), runner, { signal, batchSize: size, trainedDense: trained });
      const batch = part.samples.map((s, j) => ({ ...s, index: idx[j] }));
      keep(part, batch);
      call.onSamples(batch);
      times.lap('first sample');
      start += idx.length;
      call.onProgress(0.05 + (0.95 * start) / n, `sample ${start}/${n}`);
    }
  }

  async sweep(call: SweepCall): Promise<SweepResult> {
    const { signal } = call;
    call.onProgress(0, 'opening checkpoint');
    const ck = await this.checkpoint(call.checkpoint, signal);
    call.onProgress(0.01, 'loading samples');
    const samples = await this.samples(ck, call);
    const g = call.grids;
    return sweep(ck, samples, this.runner(ck, call.workers), {
      ...DEFAULT_SWEEP,
      noise: g.noise,
      failure: g.failure,
      baselines: g.baselines,
      seeds: g.seeds.length,
      dataThresholds: g.dataThresholds,
      tauOffsets: g.tauOffsets,
      signal,
      ...partialSweeps(call, samples.count),
    });
  }

  /** Per-layer latency of the checkpoint's variants on the first `maxSamples` windows (the runner and evaluator share the engine's pool). */
  async latency(call: LatencyCall): Promise<LatencyRun> {
    call.onProgress(0, 'opening checkpoint');
    const ck = await this.checkpoint(call.checkpoint, call.signal);
    call.onProgress(0.02, 'loading samples');
    const samples = await this.samples(ck, call);
    if (samples.count === 0) throw new Error(`${call.dataFiles.join(', ')}: no sample windows for this checkpoint`);
    const latency = await measureLatency(ck, samples, this.getPool(call.workers), this.runner(ck, call.workers), call);
    return { latency, model: ck.ref, data: dataRef(samples), denseMacs: ck.denseMacs };
  }

  /** The engine's standalone report (figures from src/core/figures), written atomically. */
  async writeReport(analysis: Analysis, sweepResult: SweepResult | null, out: string): Promise<void> {
    await writeFileAtomic(out, buildReportHtml({ analysis, sweep: sweepResult, plotly: loadPlotlySource() }));
  }

  /** Closes the inference pool, waiting for native calls in flight to return (terminating a thread inside onnxruntime aborts the process). */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    this.runners.clear();
    await pool?.close();
  }

  dispose(): void {
    void this.close();
  }
}
