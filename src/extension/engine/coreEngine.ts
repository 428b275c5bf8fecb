/**
 * {@link EngineClient} over the core engine: checkpoints are opened once per
 * file version, inference runs in the engine's worker-thread pool (sessions
 * reused), and an analysis is computed in chunks so samples stream into the
 * panel while the rest is still running. The extension host only decodes the
 * model and aggregates; onnxruntime never runs on its thread.
 */
import { stat } from 'node:fs/promises';
import { aggregate, analyze, dataRef } from '../../core/engine/analyze';
import { openCheckpoint, type Checkpoint } from '../../core/engine/checkpoint';
import { InferencePool } from '../../core/engine/inferencePool';
import { ModelRunner } from '../../core/engine/modelRunner';
import { DEFAULT_SWEEP, sweep } from '../../core/engine/sweep';
import type { Analysis, SampleAnalysis, SweepResult } from '../../core/engine/results';
import { loadSamples } from '../../core/samples/load';
import { takeSamples } from '../../core/samples/sampleSet';
import type { Log } from '../log';
import type { AnalysisStart, EngineCall, EngineClient, SweepGrids } from './engineClient';

/** Samples per streamed chunk (one worker round trip each). */
const CHUNK = 8;

interface Opened {
  key: string;
  ck: Promise<Checkpoint>;
}

/** The engine, in process (inference in worker threads). */
export class CoreEngine implements EngineClient {
  private pool: InferencePool | null = null;
  private poolSize = 0;
  private readonly opened = new Map<string, Opened>();
  private readonly runners = new Map<string, ModelRunner>();

  constructor(private readonly log: Log) {}

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

  private async checkpoint(file: string, signal: AbortSignal): Promise<Checkpoint> {
    const s = await stat(file);
    const key = `${s.mtimeMs}:${s.size}`;
    const hit = this.opened.get(file);
    if (hit && hit.key === key) return hit.ck;
    const ck = openCheckpoint(file, signal);
    this.opened.set(file, { key, ck });
    ck.catch(() => this.opened.delete(file));
    return ck;
  }

  private runner(ck: Checkpoint, workers: number): ModelRunner {
    const pool = this.getPool(workers);
    let r = this.runners.get(ck.ref.sha256);
    if (!r) {
      r = new ModelRunner(ck, pool);
      this.runners.set(ck.ref.sha256, r);
    }
    return r;
  }

  async analyze(call: EngineCall & { onStart: (s: AnalysisStart) => void; onSamples: (s: SampleAnalysis[]) => void }): Promise<Analysis> {
    const { signal } = call;
    call.onProgress(0, 'opening checkpoint');
    const ck = await this.checkpoint(call.checkpoint, signal);
    call.onProgress(0.02, 'loading samples');
    const all = await loadSamples(call.dataFiles, ck.spec);
    signal.throwIfAborted();
    const n = Math.min(all.count, call.maxSamples);
    const samples = n < all.count ? takeSamples(all, Array.from({ length: n }, (_, i) => i)) : all;
    const runner = this.runner(ck, call.workers);
    let first: Analysis | null = null;
    const out: SampleAnalysis[] = [];
    for (let start = 0; start < n; start += CHUNK) {
      signal.throwIfAborted();
      const idx = Array.from({ length: Math.min(CHUNK, n - start) }, (_, i) => start + i);
      const part = await analyze(ck, takeSamples(samples, idx), runner, { signal, batchSize: CHUNK });
      const batch = part.samples.map((s, j) => ({ ...s, index: idx[j] }));
      if (!first) {
        first = part;
        call.onStart({ model: part.model, data: part.data, layers: part.layers, units: part.units, denseMacs: part.denseMacs, total: n });
      }
      out.push(...batch);
      call.onSamples(batch);
      call.onProgress(0.05 + (0.95 * (start + idx.length)) / n, `sample ${start + idx.length}/${n}`);
    }
    if (!first) throw new Error(`${call.dataFiles.join(', ')}: no sample windows for this checkpoint`);
    return {
      ...first,
      createdAt: new Date().toISOString(),
      data: dataRef(samples),
      samples: out,
      aggregates: aggregate(ck, out),
    };
  }

  async sweep(call: EngineCall & { grids: SweepGrids }): Promise<SweepResult> {
    const { signal } = call;
    call.onProgress(0, 'opening checkpoint');
    const ck = await this.checkpoint(call.checkpoint, signal);
    call.onProgress(0.01, 'loading samples');
    const all = await loadSamples(call.dataFiles, ck.spec);
    signal.throwIfAborted();
    const n = Math.min(all.count, call.maxSamples);
    const samples = n < all.count ? takeSamples(all, Array.from({ length: n }, (_, i) => i)) : all;
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
      onProgress: (f, m) => call.onProgress(0.02 + 0.98 * f, m),
    });
  }

  async writeReport(_analysis: Analysis, _sweep: SweepResult | null, _out: string): Promise<void> {
    throw new Error('the HTML report writer is not in this build of the engine yet (src/core/report)');
  }

  dispose(): void {
    void this.pool?.close();
    this.pool = null;
    this.runners.clear();
  }
}
