/**
 * Runs one checkpoint's graph variants on batches through an InferencePool:
 * the model as exported (all mask outputs), the injected variants where we
 * choose the data mask and/or the gate masks, and the clean dense graph (every
 * mask folded away as ones: the "dense" reference of analysis and sweeps).
 */
import { DATA_MASK, IMPORTANCE, INPUT, PREDICTION, type Checkpoint } from '../checkpoint/checkpoint';
import { cleanDense } from '../graph/cleanDense';
import { encodeModelProto } from '../onnx/proto';
import { poolEvaluator } from './graphEvaluator';
import type { GraphCache } from './graphCache';
import type { InferencePool } from './inferencePool';
import type { WireTensor } from './workerProtocol';

/** Outputs of the exported model for a batch of n samples. */
export interface FullOutputs {
  /** [n, T_out, C, H, W] */
  prediction: Float32Array;
  /** [n, H*W] or null */
  importance: Float32Array | null;
  /** [n, H*W] or null */
  dataMask: Float32Array | null;
  /** Per gate tensor (ck.gateTensors order): [n, K] scores and masks. */
  scores: Float32Array[];
  gates: Float32Array[];
}

/** Masks to inject for a batch; null entries mean "all ones". */
export interface InjectedMasks {
  /** [n, H*W] */
  dataMask: Float32Array | null;
  /** Per gate tensor (ck.gateTensors order): [n, K]. */
  gates: (Float32Array | null)[];
}

/**
 * The graph variants a {@link ModelRunner} can run: those of GraphVariants,
 * and `cleanDense` (built on first use, see src/core/graph/cleanDense.ts).
 */
export type VariantName = 'full' | 'dataCut' | 'allCut' | 'tauCut' | 'cleanDense';

/** Clean dense graphs already built, per opened checkpoint. */
const cleanDenseBuilt = new WeakMap<Checkpoint, Promise<Uint8Array>>();
/** Checkpoints whose clean dense graph was read from a graph cache. */
const cleanDenseCached = new WeakSet<Checkpoint>();

/** True when the clean dense graph of `ck` came from a graph cache (an earlier start derived it). */
export function cleanDenseFromCache(ck: Checkpoint): boolean {
  return cleanDenseCached.has(ck);
}

/**
 * The clean dense graph of `ck` (built once per checkpoint, evaluating its
 * constants in `pool`: a graph run twice, so its session skips onnxruntime's
 * graph optimisation, which costs more than the two runs; the values it folds
 * by are ones either way). With `cache`, a graph an earlier start derived is
 * read from it, and a newly derived one is stored there.
 */
export function cleanDenseBytes(ck: Checkpoint, pool: InferencePool, signal?: AbortSignal, cache?: GraphCache | null): Promise<Uint8Array> {
  let built = cleanDenseBuilt.get(ck);
  if (!built) {
    const cached = cache?.get('cleanDense', ck.ref.sha256) ?? null;
    if (cached) cleanDenseCached.add(ck);
    built = cached
      ? Promise.resolve(cached)
      : cleanDense(ck, poolEvaluator(pool, `${ck.ref.sha256.slice(0, 16)}:cleanDense`, signal, 'disabled')).then((r) => {
          const bytes = encodeModelProto(r.model);
          cache?.put('cleanDense', ck.ref.sha256, bytes);
          return bytes;
        });
    built.catch(() => cleanDenseBuilt.delete(ck));
    cleanDenseBuilt.set(ck, built);
  }
  return built;
}

/** Runs a checkpoint's variants; sessions are created once per worker and reused. */
export class ModelRunner {
  private readonly prefix: string;
  private cleanDenseReady: Promise<void> | null = null;
  /** Why the clean dense graph could not be built (dense mode, masks injected as ones, then stands in for it). */
  cleanDenseError: string | null = null;

  /** `graphCache`: where the clean dense graph of an earlier start is read from and a new one stored (./graphCache.ts). */
  constructor(readonly ck: Checkpoint, readonly pool: InferencePool, private readonly graphCache: GraphCache | null = null) {
    this.prefix = ck.ref.sha256.slice(0, 16);
  }

  /**
   * The pool key of a variant of the checkpoint, registering its bytes on first
   * use (the cut variants are built when first read: checkpoint/lazyVariants.ts).
   */
  private key(variant: Exclude<VariantName, 'cleanDense'>): string {
    const key = `${this.prefix}:${variant}`;
    const bytes = this.ck.variants[variant];
    if (bytes) this.pool.register(key, bytes, `${this.ck.file} (${variant} graph)`);
    return key;
  }

  /** Creates the sessions of these variants ahead of their first run (variants the checkpoint lacks are skipped). */
  async preload(variants: VariantName[], signal?: AbortSignal): Promise<void> {
    for (const v of variants) {
      if (v === 'cleanDense') {
        await this.prepareCleanDense(signal);
        await this.pool.preload(`${this.prefix}:cleanDense`, signal);
      } else if (this.has(v)) await this.pool.preload(this.key(v), signal);
    }
  }

  /** True when the checkpoint has this variant (every checkpoint has a clean dense graph). */
  has(variant: VariantName): boolean {
    return variant === 'cleanDense' || Boolean(this.ck.variants[variant]);
  }

  /** Builds and registers the clean dense graph (once). */
  private prepareCleanDense(signal?: AbortSignal): Promise<void> {
    if (!this.cleanDenseReady) {
      this.cleanDenseReady = cleanDenseBytes(this.ck, this.pool, signal, this.graphCache).then((bytes) => this.pool.register(`${this.prefix}:cleanDense`, bytes));
      this.cleanDenseReady.catch(() => (this.cleanDenseReady = null));
    }
    return this.cleanDenseReady;
  }

  /** The outputs a variant produces, in the order the engine asks for them. */
  outputsOf(variant: VariantName): string[] {
    const gates = this.ck.gateTensors;
    switch (variant) {
      case 'full': return this.ck.fullOutputs;
      case 'dataCut': return [PREDICTION, ...gates.flatMap((g) => [g.score, g.mask])];
      case 'allCut': return [PREDICTION];
      case 'tauCut': return [PREDICTION, ...gates.map((g) => g.mask)];
      case 'cleanDense': return [PREDICTION];
    }
  }

  /**
   * Runs a variant on ready-made feeds (their buffers are transferred to the
   * worker: do not reuse them) and returns the requested outputs.
   */
  async runVariant(variant: VariantName, feeds: Record<string, WireTensor>, outputs: string[] = this.outputsOf(variant), signal?: AbortSignal): Promise<Record<string, WireTensor>> {
    if (!this.has(variant)) {
      const why = variant === 'tauCut' && this.ck.tauCutError ? `: ${this.ck.tauCutError}` : '';
      throw new Error(`${this.ck.file}: the checkpoint has no '${variant}' graph variant${why}`);
    }
    if (variant === 'cleanDense') await this.prepareCleanDense(signal);
    return this.pool.run(variant === 'cleanDense' ? `${this.prefix}:cleanDense` : this.key(variant), feeds, outputs, signal);
  }

  private inputTensor(x: Float32Array, n: number): WireTensor {
    const s = this.ck.spec;
    return { data: x.slice(), dims: [n, s.tIn, s.channels.length, s.grid[0], s.grid[1]] };
  }

  private maskTensor(m: Float32Array | null, n: number): WireTensor {
    const [H, W] = this.ck.spec.grid;
    return { data: m ? m.slice() : new Float32Array(n * H * W).fill(1), dims: [n, 1, H, W] };
  }

  /** The exported model: prediction, S, data mask, gate scores and masks. */
  async full(x: Float32Array, n: number, signal?: AbortSignal): Promise<FullOutputs> {
    const out = await this.pool.run(this.key('full'), { [INPUT]: this.inputTensor(x, n) }, this.ck.fullOutputs, signal);
    return {
      prediction: out[PREDICTION].data,
      importance: out[IMPORTANCE]?.data ?? null,
      dataMask: out[DATA_MASK]?.data ?? null,
      scores: this.ck.gateTensors.map((g) => out[g.score].data),
      gates: this.ck.gateTensors.map((g) => out[g.mask].data),
    };
  }

  /** Every mask injected (null = all ones): the prediction only. */
  async injected(x: Float32Array, n: number, masks: InjectedMasks, signal?: AbortSignal): Promise<Float32Array> {
    if (!this.ck.variants.allCut) throw new Error(`${this.ck.file}: no mask tensors to inject`);
    const feeds: Record<string, WireTensor> = { [INPUT]: this.inputTensor(x, n) };
    if (this.ck.hasDataMask) feeds[DATA_MASK] = this.maskTensor(masks.dataMask, n);
    this.ck.gateTensors.forEach((g, i) => {
      const m = masks.gates[i];
      feeds[g.mask] = { data: m ? m.slice() : new Float32Array(n * g.channels).fill(1), dims: [n, g.channels] };
    });
    const out = await this.pool.run(this.key('allCut'), feeds, [PREDICTION], signal);
    return out[PREDICTION].data;
  }

  /**
   * Builds the clean dense graph if it was not yet; false (with
   * {@link cleanDenseError} set) when it cannot be built for this checkpoint,
   * e.g. a mask read by something other than a Mul.
   */
  async cleanDenseAvailable(signal?: AbortSignal): Promise<boolean> {
    if (this.cleanDenseError !== null) return false;
    try {
      await this.prepareCleanDense(signal);
      return true;
    } catch (error) {
      if (signal?.aborted) throw error;
      this.cleanDenseError = error instanceof Error ? error.message : String(error);
      return false;
    }
  }

  /**
   * The clean dense graph (every mask one, folded away): same function as
   * {@link injected} with all masks null, up to float rounding; the prediction
   * only. Where it cannot be built, dense mode (the injected graph) answers.
   */
  async cleanDense(x: Float32Array, n: number, signal?: AbortSignal): Promise<Float32Array> {
    if (!(await this.cleanDenseAvailable(signal)) && this.ck.variants.allCut) {
      return this.injected(x, n, { dataMask: null, gates: this.ck.gateTensors.map(() => null) }, signal);
    }
    const out = await this.runVariant('cleanDense', { [INPUT]: this.inputTensor(x, n) }, [PREDICTION], signal);
    return out[PREDICTION].data;
  }

  /** Data mask injected; the model computes its own gates from it (they respond to the change). */
  async dataInjected(x: Float32Array, n: number, dataMask: Float32Array, signal?: AbortSignal): Promise<Omit<FullOutputs, 'importance' | 'dataMask'>> {
    if (!this.ck.variants.dataCut) throw new Error(`${this.ck.file}: no ${DATA_MASK} to inject`);
    const outputs = [PREDICTION, ...this.ck.gateTensors.flatMap((g) => [g.score, g.mask])];
    const out = await this.pool.run(this.key('dataCut'), { [INPUT]: this.inputTensor(x, n), [DATA_MASK]: this.maskTensor(dataMask, n) }, outputs, signal);
    return {
      prediction: out[PREDICTION].data,
      scores: this.ck.gateTensors.map((g) => out[g.score].data),
      gates: this.ck.gateTensors.map((g) => out[g.mask].data),
    };
  }
}

/** Progress callback: fraction in [0, 1] and a short message. */
export type ProgressFn = (fraction: number, message: string) => void;

/** Calls `fn(start, count)` for consecutive batches of `total` items; checks `signal` between batches. */
export async function forBatches(total: number, batchSize: number, fn: (start: number, count: number) => Promise<void>, signal?: AbortSignal): Promise<void> {
  for (let start = 0; start < total; start += batchSize) {
    signal?.throwIfAborted();
    await fn(start, Math.min(batchSize, total - start));
  }
}
