/**
 * {@link EngineClient} over the engine worker thread (./engineWorker.ts): the
 * extension host only posts requests and receives progress, streamed samples
 * and results, so decoding a large checkpoint never blocks it. The worker is
 * started on first use (or by {@link CoreEngine.warmUp} at activation) and
 * keeps opened checkpoints and onnxruntime sessions between calls.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Analysis, SweepResult } from '../../core/schema/results';
import type { InspectReport } from '../../core/inspect/inspect';
import type { AnalyzeCall, EngineClient, LatencyCall, LatencyRun, SweepCall } from './engineClient';
import type { EngineWorkerData, FromEngineWorker, ToEngineWorker } from './engineProtocol';
import { bundledWorkerExecArgv, cachedBootSource, defaultCodeCacheDir, privateCacheDir } from './workerBoot';

/** Where the engine worker script is: dist/engineWorker.js beside the bundle, or the .ts source under tsx. */
export function defaultEngineWorkerPath(): string {
  const here = path.dirname(__filename);
  const candidates = [path.join(here, 'engineWorker.js'), path.join(here, 'engineWorker.ts'), path.join(here, '..', '..', '..', 'dist', 'engineWorker.js')];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`engine worker script not found (looked for ${candidates.join(', ')}); run 'npm run build'`);
  return found;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  on?: (m: FromEngineWorker) => void;
}

/** Options of {@link CoreEngine}. */
export interface CoreEngineOptions {
  /** Path of the worker script (default: {@link defaultEngineWorkerPath}). */
  workerPath?: string;
  /** The worker's start options. */
  workerData?: EngineWorkerData;
  /**
   * Folder of the bundle's V8 code cache (./workerBoot.ts; default
   * {@link defaultCodeCacheDir}); the derived graphs go to `<folder>-graphs`
   * (core/runtime/graphCache.ts). null: neither is kept.
   */
  codeCacheDir?: string | null;
}

/** The engine, in a worker thread. */
export class CoreEngine implements EngineClient {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(
    private readonly log: { info(text: string): void; error(text: string): void },
    private readonly options: CoreEngineOptions = {},
  ) {}

  /** Starts the worker and its inference threads now (activation), so the first command does not wait for them. */
  warmUp(workers = 1): void {
    this.getWorker().postMessage({ type: 'prepare', workers, file: null } satisfies ToEngineWorker);
  }

  prepare(file: string, workers: number): void {
    this.getWorker().postMessage({ type: 'prepare', workers, file } satisfies ToEngineWorker);
  }

  /** The code cache folder of a bundled worker, or null (none asked for, a TypeScript worker, or a folder others can write). */
  private cacheDir(workerFile: string): string | null {
    const wanted = this.options.codeCacheDir === undefined ? defaultCodeCacheDir() : this.options.codeCacheDir;
    if (!wanted || workerFile.endsWith('.ts')) return null;
    const { dir, reason } = privateCacheDir(wanted);
    if (!dir) this.log.info(`engine worker: code and graph caches off: ${reason}`);
    return dir;
  }

  private getWorker(): Worker {
    if (this.worker) return this.worker;
    const file = this.options.workerPath ?? defaultEngineWorkerPath();
    // Under tsx (tests, dev) the worker source is TypeScript: load it through tsx's require hook.
    const cacheDir = this.cacheDir(file);
    // The derived graphs (clean dense) are kept beside the code cache, and not kept without one.
    const workerData: EngineWorkerData = { graphCacheDir: cacheDir ? `${cacheDir}-graphs` : null, ...this.options.workerData };
    const w = file.endsWith('.ts')
      ? new Worker(`require('tsx/cjs');require(${JSON.stringify(file)});`, { eval: true, workerData })
      : cacheDir
        ? new Worker(cachedBootSource(file, cacheDir), { eval: true, workerData, execArgv: bundledWorkerExecArgv() })
        : new Worker(file, { workerData, execArgv: bundledWorkerExecArgv() });
    w.unref();
    w.on('message', (m: FromEngineWorker) => {
      if (m.type === 'log') {
        this.log.info(m.text);
        return;
      }
      const p = this.pending.get(m.id);
      if (!p) return;
      if (m.type === 'done') {
        this.pending.delete(m.id);
        p.resolve(m.value);
      } else if (m.type === 'error') {
        this.pending.delete(m.id);
        const e = new Error(m.message);
        e.name = m.name;
        if (m.stack) e.stack = `${m.stack}\n    (in the engine worker thread)`;
        p.reject(e);
      } else p.on?.(m);
    });
    const fail = (e: Error) => {
      if (this.worker !== w) return; // disposed
      this.log.error(`engine worker: ${e.message}`);
      this.worker = null;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`engine worker exited (code ${code})`)));
    this.worker = w;
    return w;
  }

  private request<T>(make: (id: number) => ToEngineWorker, signal?: AbortSignal, on?: (m: FromEngineWorker) => void): Promise<T> {
    signal?.throwIfAborted();
    const id = this.nextId++;
    const worker = this.getWorker();
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => worker.postMessage({ type: 'cancel', id } satisfies ToEngineWorker);
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => signal?.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        resolve: (v) => {
          done();
          resolve(v as T);
        },
        reject: (e) => {
          done();
          reject(e);
        },
        on,
      });
      worker.ref();
      worker.postMessage(make(id));
    }).finally(() => {
      if (this.pending.size === 0) this.worker?.unref();
    });
  }

  inspect(file: string, signal?: AbortSignal): Promise<InspectReport> {
    return this.request((id) => ({ type: 'inspect', id, file }), signal);
  }

  analyze(call: AnalyzeCall): Promise<Analysis> {
    const { signal, onProgress, onStart, onSamples, ...wire } = call;
    return this.request((id) => ({ type: 'analyze', id, call: wire }), signal, (m) => {
      if (m.type === 'progress') onProgress(m.fraction, m.message);
      else if (m.type === 'start') onStart(m.start);
      else if (m.type === 'samples') onSamples(m.samples);
    });
  }

  sweep(call: SweepCall): Promise<SweepResult> {
    const { signal, onProgress, onPartial, ...wire } = call;
    return this.request((id) => ({ type: 'sweep', id, call: wire }), signal, (m) => {
      if (m.type === 'progress') onProgress(m.fraction, m.message);
      else if (m.type === 'partialSweep') onPartial?.(m.sweep, m.samples);
    });
  }

  latency(call: LatencyCall): Promise<LatencyRun> {
    const { signal, onProgress, ...wire } = call;
    return this.request((id) => ({ type: 'latency', id, call: wire }), signal, (m) => {
      if (m.type === 'progress') onProgress(m.fraction, m.message);
    });
  }

  writeReport(analysis: Analysis, sweep: SweepResult | null, out: string): Promise<void> {
    return this.request((id) => ({ type: 'writeReport', id, analysis, sweep, out }));
  }

  /**
   * Shuts the worker down: running calls are cancelled and the inference pool
   * closes once its native calls return (terminating a thread inside
   * onnxruntime aborts the process), then the thread exits. Resolves on exit.
   */
  close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (!w) return Promise.resolve();
    for (const p of this.pending.values()) p.reject(Object.assign(new Error('engine closed'), { name: 'AbortError' }));
    this.pending.clear();
    return new Promise<void>((resolve) => {
      // Keep the process alive until the thread has exited; force it after 10 s.
      const force = setTimeout(() => void w.terminate(), 10_000);
      w.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      w.ref();
      w.postMessage({ type: 'shutdown' } satisfies ToEngineWorker);
    });
  }

  dispose(): void {
    void this.close();
  }
}
