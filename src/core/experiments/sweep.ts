/**
 * Robustness and sensitivity sweeps (method spec section 8) by mask injection:
 * Gaussian input noise, data-mask failures, random and static-L1 baselines at
 * matched sparsity / effective MACs, a data-threshold x tau-offset sensitivity
 * sweep with its Pareto front, and the DP-only / MP-only ablation. Every point
 * is a mean with a 95% CI over samples x seeds (deterministic points use one seed).
 */
import { maskedErrorsAt } from '../metrics/errors';
import { estimate } from '../metrics/stats';
import { inputSize, targetSize, type SampleSet } from '../samples/sampleSet';
import { dataRef, sampleMacs } from './analyze';
import { requireMasks, type Checkpoint } from '../checkpoint/checkpoint';
import { ModelRunner } from '../runtime/modelRunner';
import { openTrainedDense } from './trainedDense';
import { macCounter } from './macCounter';
import { filterL1Norms, flipActive, l1Gate, randomMask, threshold } from './maskOps';
import type { ProgressFn } from '../runtime/modelRunner';
import { addGaussianNoiseInto, mixSeed, rng } from './random';
import { runRows, type RowJob } from '../runtime/rowBatches';
import { RESULTS_SCHEMA_VERSION, type MaskMethod, type SweepConfig, type SweepPoint, type SweepResult, type TrainedDensePoint } from '../schema/results';
import { paperTables } from './tables';

/** Sweep grids and options. */
export interface SweepOptions {
  noise: number[];
  failure: number[];
  /** Baselines besides Dyna-Pruner itself: any of dense, random, l1. */
  baselines: MaskMethod[];
  /** Number of seeds (0..n-1). */
  seeds: number;
  dataThresholds: number[];
  tauOffsets: number[];
  /** Also flip gates at the failure rate. */
  gateFailure: boolean;
  /** Run the DP-only / MP-only / dense ablation points (default true). */
  ablation?: boolean;
  /** Rows (sample x configuration x seed) per inference call (default 16). */
  batchSize?: number;
  /** The trained dense checkpoint for Table I: 'auto' (default) finds `<backbone>_dense.onnx` beside it; null: none. */
  trainedDense?: Checkpoint | null | 'auto';
  signal?: AbortSignal;
  onProgress?: ProgressFn;
}

/** Defaults of method spec section 8. */
export const DEFAULT_SWEEP: Omit<SweepOptions, 'signal' | 'onProgress'> = {
  noise: [0, 0.01, 0.02, 0.05, 0.1],
  failure: [0, 0.05, 0.1, 0.2],
  baselines: ['dense', 'random', 'l1'],
  seeds: 3,
  dataThresholds: [0.3, 0.4, 0.5, 0.6, 0.7],
  tauOffsets: [-0.1, 0, 0.1],
  gateFailure: false,
  batchSize: 16,
};

function config(method: MaskMethod, patch: Partial<SweepConfig> = {}): SweepConfig {
  return { method, noiseSigma: 0, failureRate: 0, gateFailure: false, dataThreshold: null, tauOffset: 0, l1Sparsity: null, ...patch };
}

function isRandomised(c: SweepConfig): boolean {
  return c.noiseSigma > 0 || c.failureRate > 0 || c.method === 'random';
}

/** Per-row values of one configuration, indexed [seed index * samples + sample]. */
interface PointValues {
  mse: Float64Array;
  mae: Float64Array;
  macs: Float64Array;
  active: Float64Array;
  filters: Float64Array;
}

/** The checkpoint's own outputs on one clean sample. */
interface OwnSample {
  prediction: Float32Array;
  dataMask: Float32Array | null;
  importance: Float32Array | null;
  gates: Float32Array[];
}

/** The sweep's row jobs, one list per graph variant, run in this order (later phases get rows from earlier ones). */
interface Phases {
  full: RowJob[];
  tauCut: RowJob[];
  dataCut: RowJob[];
  allCut: RowJob[];
  /** The `dense` method: the clean dense graph (masks folded away). */
  cleanDense: RowJob[];
}

/** Seed of the input noise of one sample: shared by every method at the same sigma and seed (paired comparison). */
export function noiseSeed(seed: number, sigma: number, sample: number): number {
  return mixSeed(seed, `sigma=${sigma}`, sample, 'noise');
}

/**
 * Runs the sweep on a checkpoint with mask tensors. Every (configuration x
 * seed x sample) is one row; rows are packed into batches of `batchSize` per
 * graph variant (the exported model, the data-mask/tau cut, the all-masks cut),
 * so a sweep costs a few large onnxruntime calls. Deterministic points run
 * with one seed; noise is seeded per (seed, sigma, sample), so every method
 * sees the same noisy inputs.
 */
export async function sweep(ck: Checkpoint, samples: SampleSet, runner: ModelRunner, opts: SweepOptions): Promise<SweepResult> {
  requireMasks(ck, 'sweep');
  const { signal, onProgress } = opts;
  const rowsPerCall = Math.max(1, opts.batchSize ?? 16);
  const [H, W] = ck.spec.grid;
  const plane = H * W;
  const xi = inputSize(samples);
  const yi = targetSize(samples);
  const targets = samples.targets;
  if (!targets) throw new Error('sweep needs targets: give NetCDF files or an .npz with targets (a bare inputs .npy has none)');
  const count = samples.count;
  const seeds = Array.from({ length: Math.max(1, opts.seeds) }, (_, i) => i);
  const macsOf = macCounter(ck);
  const cleanInput = (k: number) => (dst: Float32Array, offset: number) => dst.set(samples.inputs.subarray(k * xi, (k + 1) * xi), offset);
  const noisyInput = (k: number, sigma: number, seed: number) => (dst: Float32Array, offset: number) =>
    addGaussianNoiseInto(samples.inputs.subarray(k * xi, (k + 1) * xi), sigma, noiseSeed(seed, sigma, k), dst, offset);
  const inputOf = (k: number, sigma: number, seed: number) => (sigma > 0 ? noisyInput(k, sigma, seed) : cleanInput(k));

  // Clean pass: the checkpoint's own masks (for matched baselines, ablation and the sensitivity sweep).
  onProgress?.(0, 'clean pass');
  const own: OwnSample[] = new Array(count);
  const cleanJobs: RowJob[] = Array.from({ length: count }, (_, k) => ({
    fillInput: cleanInput(k),
    done: (o) => (own[k] = { prediction: o.prediction, dataMask: o.dataMask, importance: o.importance, gates: o.gates }),
  }));
  await runRows(runner, 'full', cleanJobs, { rowsPerCall, signal });
  let activeSum = 0;
  const unitActive = ck.gateTensors.map(() => 0);
  let ownMacs = 0;
  for (const o of own) {
    if (o.dataMask) for (const v of o.dataMask) activeSum += v;
    o.gates.forEach((m, i) => m.forEach((v) => (unitActive[i] += v)));
    ownMacs += macsOf(o.dataMask, o.gates);
  }
  const meanActive = ck.hasDataMask ? activeSum / count : plane;
  const meanUnitActive = unitActive.map((v) => v / count);
  ownMacs /= count;

  // Static L1 at matched effective MACs: the sparsity whose (data mask all ones) MACs are closest to ours.
  const wantL1 = opts.baselines.includes('l1');
  const norms = wantL1 ? ck.gateTensors.map((g) => filterL1Norms(ck, g.unit)) : [];
  let l1Sparsity = 0;
  let best = Infinity;
  for (let s = 0; wantL1 && s <= 0.99 + 1e-9; s += 0.01) {
    const macs = macsOf(null, norms.map((nm) => l1Gate(nm, s)));
    if (Math.abs(macs - ownMacs) < best) {
      best = Math.abs(macs - ownMacs);
      l1Sparsity = Math.round(s * 100) / 100;
    }
  }
  const l1Gates = wantL1 ? norms.map((nm) => l1Gate(nm, l1Sparsity)) : [];

  const configs: { group: 'noise' | 'failure' | 'sensitivity' | 'ablation'; c: SweepConfig }[] = [];
  const methods: MaskMethod[] = ['dynapruner', ...opts.baselines.filter((b) => b !== 'dynapruner')];
  for (const m of methods) for (const s of opts.noise) configs.push({ group: 'noise', c: config(m, { noiseSigma: s, l1Sparsity: m === 'l1' ? l1Sparsity : null }) });
  if (ck.hasDataMask) {
    for (const m of methods.filter((x) => x === 'dynapruner' || x === 'random')) {
      for (const r of opts.failure) configs.push({ group: 'failure', c: config(m, { failureRate: r, gateFailure: opts.gateFailure }) });
    }
    for (const t of opts.dataThresholds) for (const o of opts.tauOffsets) configs.push({ group: 'sensitivity', c: config('dynapruner', { dataThreshold: t, tauOffset: o }) });
  } else {
    for (const o of opts.tauOffsets) configs.push({ group: 'sensitivity', c: config('dynapruner', { tauOffset: o }) });
  }
  if (opts.ablation !== false) {
    for (const m of ['dense', 'dp_only', 'mp_only', 'dynapruner'] as MaskMethod[]) {
      if ((m === 'dp_only' || m === 'mp_only') && (!ck.hasDataMask || ck.gateTensors.length === 0)) continue;
      configs.push({ group: 'ablation', c: config(m) });
    }
  }
  const needsTau = configs.some(({ c }) => c.tauOffset !== 0);
  if (needsTau && !runner.has('tauCut')) {
    throw new Error(`${ck.file}: tau offsets need each unit's threshold comparison in the graph: ${ck.tauCutError ?? 'no gated units'}`);
  }
  const graphTaus = (ck.gateThresholds ?? []).map((t) => t.tau);

  // One accumulator per distinct configuration; every row job writes its slot.
  const unique = new Map<string, { c: SweepConfig; seeds: number[]; values: PointValues }>();
  for (const { c } of configs) {
    const key = JSON.stringify(c);
    if (unique.has(key)) continue;
    const runSeeds = isRandomised(c) ? seeds : [0];
    const n = runSeeds.length * count;
    unique.set(key, { c, seeds: runSeeds, values: { mse: new Float64Array(n), mae: new Float64Array(n), macs: new Float64Array(n), active: new Float64Array(n), filters: new Float64Array(n) } });
  }
  const record = (values: PointValues, slot: number, k: number, prediction: Float32Array, dataMask: ArrayLike<number> | null, gates: (ArrayLike<number> | null)[], macs?: number) => {
    const e = maskedErrorsAt(prediction, 0, targets, k * yi, samples.valid, k * yi, yi);
    values.mse[slot] = e.mse;
    values.mae[slot] = e.mae;
    values.macs[slot] = macs ?? macsOf(dataMask, gates);
    values.active[slot] = dataMask ? countOnes(dataMask) / plane : 1;
    let fr = 0;
    gates.forEach((m, i) => (fr += m ? countOnes(m) / ck.gateTensors[i].channels : 1));
    values.filters[slot] = gates.length ? fr / gates.length : 1;
  };

  const phases: Phases = { full: [], tauCut: [], dataCut: [], allCut: [], cleanDense: [] };
  // Dense rows run the clean dense graph; dense mode (the all-cut graph, masks one) where it cannot be built.
  const denseVariant = configs.some(({ c }) => c.method === 'dense') && !(await runner.cleanDenseAvailable(signal)) ? 'allCut' : 'cleanDense';
  const tauVariant: 'tauCut' | 'dataCut' = runner.has('tauCut') ? 'tauCut' : 'dataCut';
  const allOnes = ck.gateTensors.map(() => null);
  // The clean dense graph executes the backbone (and unbound MAC nodes): no mask generator or gate heads.
  const denseBackboneMacs = macsOf(null, allOnes) - sampleMacs(ck, null, allOnes).overhead;
  const l1Macs = macsOf(null, l1Gates);
  let immediate = 0;
  for (const { c, seeds: runSeeds, values } of unique.values()) {
    const id = pointId(c);
    runSeeds.forEach((seed, si) => {
      for (let k = 0; k < count; k++) {
        const slot = si * count + k;
        const next = rng(mixSeed(seed, id, k));
        const fillInput = inputOf(k, c.noiseSigma, seed);
        const o = own[k];
        switch (c.method) {
          case 'dense':
            phases[denseVariant].push({ fillInput, gates: allOnes, done: (r) => record(values, slot, k, r.prediction, null, allOnes, denseBackboneMacs) });
            break;
          case 'l1':
            phases.allCut.push({ fillInput, gates: l1Gates, done: (r) => record(values, slot, k, r.prediction, null, l1Gates, l1Macs) });
            break;
          case 'random': {
            let dm = ck.hasDataMask ? randomMask(1, plane, meanActive, next) : null;
            if (dm && c.failureRate > 0) dm = flipActive(dm, 1, c.failureRate, next);
            const gates = ck.gateTensors.map((g, i) => randomMask(1, g.channels, Math.max(1, meanUnitActive[i]), next));
            phases.allCut.push({ fillInput, dataMask: dm, gates, done: (r) => record(values, slot, k, r.prediction, dm, gates) });
            break;
          }
          case 'dp_only':
          case 'mp_only': {
            const inject = (f: { dataMask: Float32Array | null; gates: Float32Array[] }) => {
              const dm = c.method === 'dp_only' ? f.dataMask : null;
              const gates = c.method === 'mp_only' ? f.gates : allOnes;
              phases.allCut.push({ fillInput, dataMask: dm, gates, done: (r) => record(values, slot, k, r.prediction, dm, gates) });
            };
            if (c.noiseSigma > 0) phases.full.push({ fillInput, done: (r) => inject(r) });
            else inject(o);
            break;
          }
          case 'dynapruner': {
            const ownPoint = c.failureRate === 0 && c.dataThreshold === null && c.tauOffset === 0;
            if (ownPoint && c.noiseSigma === 0) {
              record(values, slot, k, o.prediction, o.dataMask, o.gates);
              immediate++;
              break;
            }
            if (ownPoint) {
              phases.full.push({ fillInput, done: (r) => record(values, slot, k, r.prediction, r.dataMask, r.gates) });
              break;
            }
            const cascade = (base: { dataMask: Float32Array | null; importance: Float32Array | null }) => {
              const resolved = c.dataThreshold !== null && base.importance ? threshold(base.importance, c.dataThreshold) : base.dataMask;
              const dm = resolved && c.failureRate > 0 ? flipActive(resolved, 1, c.failureRate, next) : resolved;
              const taus = graphTaus.map((t) => t + c.tauOffset);
              const variant = c.tauOffset === 0 && tauVariant === 'dataCut' ? 'dataCut' : tauVariant;
              phases[variant].push({
                fillInput, dataMask: dm, taus,
                done: (r) => {
                  if (c.gateFailure && c.failureRate > 0) {
                    const gates = r.gates.map((m) => flipActive(m, 1, c.failureRate, next));
                    phases.allCut.push({ fillInput, dataMask: dm, gates, done: (q) => record(values, slot, k, q.prediction, dm, gates) });
                  } else {
                    record(values, slot, k, r.prediction, dm, r.gates);
                  }
                },
              });
            };
            if (c.noiseSigma > 0) phases.full.push({ fillInput, done: (r) => cascade(r) });
            else cascade(o);
            break;
          }
        }
      }
    });
  }

  // Run the phases in order; rows a phase's results create land in later phases.
  let done = immediate;
  const pendingRows = () => phases.full.length + phases.tauCut.length + phases.dataCut.length + phases.allCut.length + phases.cleanDense.length;
  let finished = 0;
  for (const phase of ['full', 'tauCut', 'dataCut', 'allCut', 'cleanDense'] as const) {
    await runRows(runner, phase, phases[phase], {
      rowsPerCall,
      signal,
      onRows: (rows) => {
        done += rows;
        const total = immediate + finished + pendingRows();
        onProgress?.(Math.min(1, done / Math.max(1, total)), `${phase}: ${done}/${total} rows`);
      },
    });
    finished += phases[phase].length;
    phases[phase] = [];
  }

  const points = new Map<string, SweepPoint>();
  for (const [key, { c, seeds: runSeeds, values }] of unique) {
    points.set(key, {
      id: pointId(c),
      config: c,
      seeds: runSeeds,
      mse: estimate(Array.from(values.mse)),
      mae: estimate(Array.from(values.mae)),
      effectiveMacs: estimate(Array.from(values.macs)),
      activeFraction: estimate(Array.from(values.active)),
      filterFraction: estimate(Array.from(values.filters)),
    });
  }
  const groups: Record<string, SweepPoint[]> = { noise: [], failure: [], sensitivity: [], ablation: [] };
  for (const { group, c } of configs) groups[group].push(points.get(JSON.stringify(c))!);

  const sens = groups.sensitivity;
  const pareto = sens.filter((p) => !sens.some((q) => q !== p && q.mse.mean <= p.mse.mean && q.effectiveMacs.mean <= p.effectiveMacs.mean && (q.mse.mean < p.mse.mean || q.effectiveMacs.mean < p.effectiveMacs.mean))).map((p) => p.id);
  const result: SweepResult = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    kind: 'sweep',
    createdAt: new Date().toISOString(),
    model: ck.ref,
    data: dataRef(samples),
    denseMacs: ck.denseMacs,
    denseBackboneMacs,
    seeds,
    grids: { noise: opts.noise, failure: opts.failure, baselines: opts.baselines, dataThresholds: opts.dataThresholds, tauOffsets: opts.tauOffsets },
    noise: groups.noise,
    failure: groups.failure,
    sensitivity: { points: sens, pareto },
    ablation: groups.ablation,
    trainedDense: await trainedDensePoint(ck, samples, runner, opts, rowsPerCall),
    tables: { table1: { title: '', columns: [], rows: [] }, table2: { title: '', columns: [], rows: [] }, table3: { title: '', columns: [], rows: [] }, table4: { title: '', columns: [], rows: [] } },
  };
  result.tables = paperTables(result);
  return result;
}

/** The trained dense checkpoint on the clean samples (null without one). */
async function trainedDensePoint(ck: Checkpoint, samples: SampleSet, runner: ModelRunner, opts: SweepOptions, rowsPerCall: number): Promise<TrainedDensePoint | null> {
  const trained = opts.trainedDense === undefined || opts.trainedDense === 'auto' ? await openTrainedDense(ck, opts.signal) : opts.trainedDense;
  if (!trained || !samples.targets) return null;
  const xi = inputSize(samples);
  const yi = targetSize(samples);
  const mse = new Array<number>(samples.count);
  const mae = new Array<number>(samples.count);
  const jobs: RowJob[] = Array.from({ length: samples.count }, (_, k) => ({
    fillInput: (dst, offset) => dst.set(samples.inputs.subarray(k * xi, (k + 1) * xi), offset),
    done: (o) => {
      const e = maskedErrorsAt(o.prediction, 0, samples.targets!, k * yi, samples.valid, k * yi, yi);
      mse[k] = e.mse;
      mae[k] = e.mae;
    },
  }));
  await runRows(new ModelRunner(trained, runner.pool), 'full', jobs, { rowsPerCall, signal: opts.signal });
  return { model: trained.ref, denseMacs: trained.denseMacs, mse: estimate(mse), mae: estimate(mae) };
}

/** Number of entries > 0.5. */
function countOnes(m: ArrayLike<number>): number {
  let a = 0;
  for (let i = 0; i < m.length; i++) if (m[i] > 0.5) a++;
  return a;
}

/** Stable id of a configuration, e.g. `dynapruner:noise=0.05`. */
export function pointId(c: SweepConfig): string {
  const parts: string[] = [c.method];
  if (c.noiseSigma) parts.push(`noise=${c.noiseSigma}`);
  if (c.failureRate) parts.push(`failure=${c.failureRate}${c.gateFailure ? '+gates' : ''}`);
  if (c.dataThreshold !== null) parts.push(`thr=${c.dataThreshold}`);
  if (c.tauOffset) parts.push(`tau${c.tauOffset > 0 ? '+' : ''}${c.tauOffset}`);
  if (c.l1Sparsity !== null) parts.push(`l1=${c.l1Sparsity}`);
  return parts.join(':');
}
