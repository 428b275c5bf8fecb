/**
 * Robustness and sensitivity sweeps (method spec section 8) by mask injection:
 * Gaussian input noise, data-mask failures, random and static-L1 baselines at
 * matched sparsity / effective MACs, a data-threshold x tau-offset sensitivity
 * sweep with its Pareto front, and the DP-only / MP-only ablation. Every point
 * is a mean with a 95% CI over samples x seeds (deterministic points use one seed).
 */
import { maskedErrors } from '../metrics/errors';
import { estimate } from '../metrics/stats';
import { inputSize, targetSize, type SampleSet } from '../samples/sampleSet';
import { dataRef, sampleMacs } from './analyze';
import { requireMasks, type Checkpoint } from './checkpoint';
import { filterL1Norms, flipActive, gateFromScores, l1Gate, randomMask, repeatRows, threshold } from './maskOps';
import { forBatches, type FullOutputs, type ModelRunner, type ProgressFn } from './modelRunner';
import { addGaussianNoise, mixSeed, rng } from './random';
import { RESULTS_SCHEMA_VERSION, type MaskMethod, type SweepConfig, type SweepPoint, type SweepResult } from './results';
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
  batchSize?: number;
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

interface PerSample {
  mse: number[];
  mae: number[];
  macs: number[];
  active: number[];
  filters: number[];
}

function config(method: MaskMethod, patch: Partial<SweepConfig> = {}): SweepConfig {
  return { method, noiseSigma: 0, failureRate: 0, gateFailure: false, dataThreshold: null, tauOffset: 0, l1Sparsity: null, ...patch };
}

function isRandomised(c: SweepConfig): boolean {
  return c.noiseSigma > 0 || c.failureRate > 0 || c.method === 'random';
}

/** Runs the sweep on a checkpoint with mask tensors. */
export async function sweep(ck: Checkpoint, samples: SampleSet, runner: ModelRunner, opts: SweepOptions): Promise<SweepResult> {
  requireMasks(ck, 'sweep');
  const { signal, onProgress } = opts;
  const batch = Math.max(1, opts.batchSize ?? 16);
  const [H, W] = ck.spec.grid;
  const plane = H * W;
  const xi = inputSize(samples);
  const yi = targetSize(samples);
  if (!samples.targets) throw new Error('sweep needs targets: give NetCDF files or an .npz with targets (a bare inputs .npy has none)');
  const seeds = Array.from({ length: Math.max(1, opts.seeds) }, (_, i) => i);

  // Clean pass: the checkpoint's own masks (for matched baselines and the sensitivity sweep).
  const clean: FullOutputs[] = [];
  onProgress?.(0, 'clean pass');
  await forBatches(samples.count, batch, async (start, n) => {
    clean.push(await runner.full(samples.inputs.subarray(start * xi, (start + n) * xi), n, signal));
  }, signal);
  let activeSum = 0;
  const unitActive = ck.gateTensors.map(() => 0);
  let ownMacs = 0;
  clean.forEach((b) => {
    const n = b.prediction.length / yi;
    for (let j = 0; j < n; j++) {
      const dm = b.dataMask?.subarray(j * plane, (j + 1) * plane) ?? null;
      const gates = ck.gateTensors.map((g, i) => b.gates[i].subarray(j * g.channels, (j + 1) * g.channels));
      if (dm) for (const v of dm) activeSum += v;
      gates.forEach((m, i) => m.forEach((v) => (unitActive[i] += v)));
      ownMacs += sampleMacs(ck, dm, gates).total;
    }
  });
  const meanActive = ck.hasDataMask ? activeSum / samples.count : plane;
  const meanUnitActive = unitActive.map((v) => v / samples.count);
  ownMacs /= samples.count;

  // Static L1 at matched effective MACs: the sparsity whose (data mask all ones) MACs are closest to ours.
  const norms = ck.gateTensors.map((g) => filterL1Norms(ck, g.unit));
  let l1Sparsity = 0;
  let best = Infinity;
  for (let s = 0; s <= 0.99 + 1e-9; s += 0.01) {
    const macs = sampleMacs(ck, null, norms.map((nm) => l1Gate(nm, s))).total;
    if (Math.abs(macs - ownMacs) < best) {
      best = Math.abs(macs - ownMacs);
      l1Sparsity = Math.round(s * 100) / 100;
    }
  }
  const l1Gates = norms.map((nm) => l1Gate(nm, l1Sparsity));

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
  for (const m of ['dense', 'dp_only', 'mp_only', 'dynapruner'] as MaskMethod[]) {
    if (m === 'dp_only' && (!ck.hasDataMask || ck.gateTensors.length === 0)) continue;
    if (m === 'mp_only' && (!ck.hasDataMask || ck.gateTensors.length === 0)) continue;
    configs.push({ group: 'ablation', c: config(m) });
  }

  const cache = new Map<string, SweepPoint>();
  const total = configs.reduce((a, { c }) => a + (isRandomised(c) ? seeds.length : 1), 0);
  let done = 0;
  const groups: Record<string, SweepPoint[]> = { noise: [], failure: [], sensitivity: [], ablation: [] };
  for (const { group, c } of configs) {
    const key = JSON.stringify(c);
    let point = cache.get(key);
    if (!point) {
      const runSeeds = isRandomised(c) ? seeds : [0];
      const acc: PerSample = { mse: [], mae: [], macs: [], active: [], filters: [] };
      for (const seed of runSeeds) {
        await evaluate(c, seed, acc);
        done++;
        onProgress?.(done / total, `${c.method} noise=${c.noiseSigma} failure=${c.failureRate}${c.dataThreshold !== null ? ` thr=${c.dataThreshold}` : ''}${c.tauOffset ? ` tau${c.tauOffset > 0 ? '+' : ''}${c.tauOffset}` : ''} seed ${seed}`);
      }
      point = {
        id: pointId(c),
        config: c,
        seeds: runSeeds,
        mse: estimate(acc.mse),
        mae: estimate(acc.mae),
        effectiveMacs: estimate(acc.macs),
        activeFraction: estimate(acc.active),
        filterFraction: estimate(acc.filters),
      };
      cache.set(key, point);
    }
    groups[group].push(point);
  }

  const sens = groups.sensitivity;
  const pareto = sens.filter((p) => !sens.some((q) => q !== p && q.mse.mean <= p.mse.mean && q.effectiveMacs.mean <= p.effectiveMacs.mean && (q.mse.mean < p.mse.mean || q.effectiveMacs.mean < p.effectiveMacs.mean))).map((p) => p.id);
  const result: SweepResult = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    kind: 'sweep',
    createdAt: new Date().toISOString(),
    model: ck.ref,
    data: dataRef(samples),
    denseMacs: ck.denseMacs,
    seeds,
    grids: { noise: opts.noise, failure: opts.failure, baselines: opts.baselines, dataThresholds: opts.dataThresholds, tauOffsets: opts.tauOffsets },
    noise: groups.noise,
    failure: groups.failure,
    sensitivity: { points: sens, pareto },
    ablation: groups.ablation,
    tables: { table1: { title: '', columns: [], rows: [] }, table2: { title: '', columns: [], rows: [] }, table3: { title: '', columns: [], rows: [] }, table4: { title: '', columns: [], rows: [] } },
  };
  result.tables = paperTables(result);
  return result;

  /** Evaluates one configuration with one seed over every sample, appending per-sample values. */
  async function evaluate(c: SweepConfig, seed: number, acc: PerSample): Promise<void> {
    let b = 0;
    await forBatches(samples.count, batch, async (start, n) => {
      const own = clean[b++];
      const next = rng(mixSeed(seed, pointId(c), start));
      let x = samples.inputs.subarray(start * xi, (start + n) * xi);
      if (c.noiseSigma > 0) x = addGaussianNoise(x, c.noiseSigma, mixSeed(seed, pointId(c), start, 'noise'));
      let pred: Float32Array;
      let dataMask: Float32Array | null = null;
      let gates: (Float32Array | null)[] = ck.gateTensors.map(() => null);
      switch (c.method) {
        case 'dense':
          pred = await runner.injected(x, n, { dataMask: null, gates }, signal);
          break;
        case 'l1':
          gates = l1Gates.map((row) => repeatRows(row, n));
          pred = await runner.injected(x, n, { dataMask: null, gates }, signal);
          break;
        case 'random': {
          dataMask = ck.hasDataMask ? randomMask(n, plane, meanActive, next) : null;
          if (dataMask && c.failureRate > 0) dataMask = flipActive(dataMask, n, c.failureRate, next);
          gates = ck.gateTensors.map((g, i) => randomMask(n, g.channels, Math.max(1, meanUnitActive[i]), next));
          pred = await runner.injected(x, n, { dataMask, gates }, signal);
          break;
        }
        case 'dp_only':
        case 'mp_only': {
          const f = c.noiseSigma > 0 ? await runner.full(x, n, signal) : own;
          if (c.method === 'dp_only') dataMask = f.dataMask;
          else gates = f.gates;
          pred = await runner.injected(x, n, { dataMask, gates }, signal);
          break;
        }
        case 'dynapruner': {
          const base = c.noiseSigma > 0 ? await runner.full(x, n, signal) : own;
          const resolved = c.dataThreshold !== null && base.importance ? threshold(base.importance, c.dataThreshold) : base.dataMask;
          if (c.failureRate === 0 && c.dataThreshold === null && c.tauOffset === 0) {
            pred = base.prediction;
            dataMask = base.dataMask;
            gates = base.gates;
            break;
          }
          dataMask = resolved && c.failureRate > 0 ? flipActive(resolved, n, c.failureRate, next) : resolved;
          let out = dataMask ? await runner.dataInjected(x, n, dataMask, signal) : { prediction: base.prediction, scores: base.scores, gates: base.gates };
          gates = out.gates;
          if (c.tauOffset !== 0 || c.gateFailure) {
            gates = ck.gateTensors.map((g, i) => {
              const tau = ck.contract.units.find((u) => u.id === g.unit)!.tau + c.tauOffset;
              let m = c.tauOffset !== 0 ? gateFromScores(out.scores[i], n, tau) : out.gates[i];
              if (c.gateFailure && c.failureRate > 0) m = flipActive(m, n, c.failureRate, next);
              return m;
            });
            out = { ...out, prediction: await runner.injected(x, n, { dataMask, gates }, signal) };
          }
          pred = out.prediction;
          break;
        }
      }
      for (let j = 0; j < n; j++) {
        const k = start + j;
        const e = maskedErrors(pred, samples.targets!, samples.valid, j * yi, yi, k * yi);
        const dm = dataMask?.subarray(j * plane, (j + 1) * plane) ?? null;
        const gj = gates.map((m, i) => m?.subarray(j * ck.gateTensors[i].channels, (j + 1) * ck.gateTensors[i].channels) ?? null);
        acc.mse.push(e.mse);
        acc.mae.push(e.mae);
        acc.macs.push(sampleMacs(ck, dm, gj).total);
        let a = plane;
        if (dm) {
          a = 0;
          for (const v of dm) a += v > 0.5 ? 1 : 0;
        }
        acc.active.push(a / plane);
        const fr = gj.map((m, i) => (m ? m.reduce((s, v) => s + (v > 0.5 ? 1 : 0), 0) / ck.gateTensors[i].channels : 1));
        acc.filters.push(fr.length ? fr.reduce((s, v) => s + v, 0) / fr.length : 1);
      }
    }, signal);
  }
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
