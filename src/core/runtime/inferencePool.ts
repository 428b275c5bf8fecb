/**
 * A pool of inference worker threads. Sessions are registered once by key
 * (model bytes) and created lazily in each worker on first use, then reused.
 * `run` dispatches to an idle worker; an aborted call terminates its worker at
 * once; its worker is terminated as soon as the native call it is in returns
 * (terminating a thread inside onnxruntime's native run aborts the process),
 * and the pool starts a fresh worker for the next call. Feeds are transferred
 * to the worker: pass buffers you no longer need (or copies).
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FromWorker, GraphOptimization, ToWorker, WireTensor } from './workerProtocol';

/** Options of {@link InferencePool}. */
export interface InferencePoolOptions {
  /** Worker threads (default: min(2, CPU count)). */
  size?: number;
  /** onnxruntime intra-op threads per worker (default: max(1, floor(CPUs / size))). */
  intraOpThreads?: number;
  /** Path of the worker script (default: inferenceWorker.js beside the bundle, or the .ts source under tsx). */
  workerPath?: string;
}

/** The error a cancelled call rejects with. */
export class CancelledError extends Error {
  constructor(message = 'cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

/** Where the worker script is: dist/inferenceWorker.js next to a bundle, or this folder's .ts under tsx. */
export function defaultWorkerPath(): string {
  const here = path.dirname(__filename);
  const candidates = [
    path.join(here, 'inferenceWorker.js'),
    path.join(here, 'inferenceWorker.ts'),
    path.join(here, '..', '..', '..', 'dist', 'inferenceWorker.js'),
  ];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`inference worker script not found (looked for ${candidates.join(', ')}); run 'npm run build'`);
  return found;
}

interface Slot {
  worker: Worker;
  busy: boolean;
  /** A native call (session create / run) is in flight in the worker. */
  inFlight: boolean;
  /** Cancelled while in flight: terminate as soon as the native call returns. */
  doomed: boolean;
  /** Resolves when the worker has exited. */
  exited: Promise<void>;
  loaded: Set<string>;
  pending: Map<number, { resolve: (m: FromWorker) => void; reject: (e: Error) => void }>;
}

/** A pool of onnxruntime-node sessions in worker threads. Call {@link close} when done. */
export class InferencePool {
  readonly size: number;
  readonly intraOpThreads: number;
  private readonly workerPath: string;
  private readonly models = new Map<string, Uint8Array>();
  private readonly sources = new Map<string, string>();
  /** Graph optimisation per key, where not onnxruntime's 'all'. */
  private readonly optimizations = new Map<string, GraphOptimization>();
  private readonly slots: (Slot | null)[];
  private readonly waiters: (() => void)[] = [];
  private nextId = 1;
  private closed = false;
  private created = 0;
  /** Workers cancelled mid-call, still finishing their native call. */
  private readonly dying = new Set<Promise<void>>();

  constructor(options: InferencePoolOptions = {}) {
    const cpus = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
    this.size = Math.max(1, options.size ?? Math.min(2, cpus));
    this.intraOpThreads = Math.max(1, options.intraOpThreads ?? Math.floor(cpus / this.size));
    this.workerPath = options.workerPath ?? defaultWorkerPath();
    this.slots = new Array<Slot | null>(this.size).fill(null);
  }

  /**
   * Registers model bytes under `key` (sessions are created in each worker on
   * first use). `source` (e.g. the checkpoint file and graph variant) names
   * the model in session errors; `optimization` is its sessions' graph
   * optimisation (default 'all').
   */
  register(key: string, model: Uint8Array, source?: string, optimization?: GraphOptimization): void {
    if (source) this.sources.set(key, source);
    if (optimization) this.optimizations.set(key, optimization);
    // The same bytes again (a second runner of an opened checkpoint): keep the sessions already created.
    if (this.models.get(key) === model) return;
    this.models.set(key, model);
    for (const s of this.slots) s?.loaded.delete(key);
  }

  /** Creates session `key` in worker `index` unless it has it; an onnxruntime error is re-raised naming the model and the step. */
  private async ensureLoaded(index: number, key: string, signal?: AbortSignal): Promise<void> {
    const slot = this.slot(index);
    if (slot.loaded.has(key)) return;
    try {
      await this.call(index, { type: 'load', id: this.nextId++, key, model: this.models.get(key)!, intraOpThreads: this.intraOpThreads, optimization: this.optimizations.get(key) }, [], signal);
      this.created++;
    } catch (error) {
      if (error instanceof CancelledError || signal?.aborted) throw error;
      throw new Error(`${this.sources.get(key) ?? key}: creating the onnxruntime session failed: ${(error as Error).message}`, { cause: error });
    }
    slot.loaded.add(key);
  }

  /** onnxruntime sessions created so far, over all workers (each one costs a graph optimisation pass). */
  get sessionsCreated(): number {
    return this.created;
  }

  /** Runs session `key` on `feeds`, resolving to the requested outputs. */
  async run(key: string, feeds: Record<string, WireTensor>, outputs: string[], signal?: AbortSignal): Promise<Record<string, WireTensor>> {
    if (!this.models.has(key)) throw new Error(`no model registered as '${key}'`);
    const index = await this.acquire(signal);
    try {
      await this.ensureLoaded(index, key, signal);
      const transfer = Object.values(feeds).map((t) => t.data.buffer as ArrayBuffer);
      const reply = await this.call(index, { type: 'run', id: this.nextId++, key, feeds, outputs }, transfer, signal).catch((error: Error) => {
        if (error instanceof CancelledError || signal?.aborted) throw error;
        throw new Error(`${this.sources.get(key) ?? key}: running the onnxruntime session failed: ${error.message}`, { cause: error });
      });
      if (reply.type !== 'result') throw new Error('unexpected worker reply');
      return reply.outputs;
    } finally {
      this.release(index);
    }
  }

  /** Terminates every worker. */
  /**
   * Creates session `key` now in an idle worker (the one the next run will
   * most likely get; with one worker, the only one), so that run skips session creation.
   */
  async preload(key: string, signal?: AbortSignal): Promise<void> {
    if (!this.models.has(key)) throw new Error(`no model registered as '${key}'`);
    const index = await this.acquire(signal);
    try {
      await this.ensureLoaded(index, key, signal);
    } finally {
      this.release(index);
    }
  }

  /** Starts every worker thread now (each loads onnxruntime), so the first run does not wait for them. */
  warm(): void {
    if (this.closed) return;
    for (let i = 0; i < this.size; i++) this.slot(i);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s, i) => (s ? this.kill(i, new CancelledError('inference pool closed')) : undefined)));
    await Promise.all([...this.dying]);
  }

  private slot(index: number): Slot {
    let s = this.slots[index];
    if (!s) {
      // Under tsx (tests, dev) the worker source is TypeScript: load it through tsx's require hook.
      const worker = this.workerPath.endsWith('.ts')
        ? new Worker(`require('tsx/cjs');require(${JSON.stringify(this.workerPath)});`, { eval: true })
        : new Worker(this.workerPath);
      worker.unref();
      let onExit = () => {};
      const exited = new Promise<void>((resolve) => (onExit = resolve));
      s = { worker, busy: false, inFlight: false, doomed: false, exited, loaded: new Set(), pending: new Map() };
      const slot = s;
      worker.on('message', (m: FromWorker) => {
        slot.inFlight = false;
        if (slot.doomed) {
          void worker.terminate();
          return;
        }
        const p = slot.pending.get(m.id);
        if (!p) return;
        slot.pending.delete(m.id);
        if (m.type === 'error') p.reject(new Error(m.message));
        else p.resolve(m);
      });
      worker.on('error', (e) => {
        for (const p of slot.pending.values()) p.reject(e);
        slot.pending.clear();
        if (this.slots[index] === slot) this.slots[index] = null;
      });
      worker.on('exit', () => {
        onExit();
        for (const p of slot.pending.values()) p.reject(new Error('inference worker exited'));
        slot.pending.clear();
        if (this.slots[index] === slot) this.slots[index] = null;
      });
      this.slots[index] = s;
    }
    return s;
  }

  /** Rejects the slot's calls now; terminates its worker now, or when its native call returns. */
  private async kill(index: number, reason: Error): Promise<void> {
    const s = this.slots[index];
    if (!s) return;
    this.slots[index] = null;
    for (const p of s.pending.values()) p.reject(reason);
    s.pending.clear();
    if (s.inFlight) {
      s.doomed = true;
      s.worker.ref();
      this.dying.add(s.exited);
      await s.exited;
      this.dying.delete(s.exited);
    } else {
      await s.worker.terminate();
    }
  }

  private call(index: number, msg: ToWorker, transfer: ArrayBuffer[], signal?: AbortSignal): Promise<FromWorker> {
    const slot = this.slot(index);
    return new Promise<FromWorker>((resolve, reject) => {
      if (signal?.aborted) return reject(new CancelledError());
      const onAbort = () => {
        void this.kill(index, new CancelledError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      slot.pending.set(msg.id, {
        resolve: (m) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(m);
        },
        reject: (e) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      });
      slot.worker.ref();
      slot.inFlight = true;
      slot.worker.postMessage(msg, transfer);
    }).finally(() => {
      const s = this.slots[index];
      if (s && s.pending.size === 0) s.worker.unref();
    });
  }

  private async acquire(signal?: AbortSignal): Promise<number> {
    for (;;) {
      if (this.closed) throw new CancelledError('inference pool closed');
      if (signal?.aborted) throw new CancelledError();
      const free = this.slots.findIndex((s) => !s || !s.busy);
      if (free >= 0) {
        this.slot(free).busy = true;
        return free;
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private release(index: number): void {
    const s = this.slots[index];
    if (s) s.busy = false;
    this.waiters.shift()?.();
  }
}
