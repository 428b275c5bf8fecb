/**
 * Per-sample analysis of a checkpoint on a sample set: S,
 * data mask, gates, mask-aware MACs, prediction, errors against the target,
 * the clean dense graph (this checkpoint with every mask one, folded away),
 * the separately trained dense checkpoint (when one is beside it) and
 * persistence, |Delta|, importance alignment; and the data-set aggregates
 * (mean, p5, p95, filter activation frequency).
 */
import { effectiveMacs } from '../counting/effective';
import { absDeltaMap, importanceAlignment } from '../metrics/alignment';
import { errorMap, maskedErrors } from '../metrics/errors';
import { distribution } from '../metrics/stats';
import { inputSize, targetSize, type SampleSet } from '../samples/sampleSet';
import { hasMasks, type Checkpoint } from '../checkpoint/checkpoint';
import { openTrainedDense } from './trainedDense';
import { encodeF32, encodeU8 } from '../schema/encoding';
import { forBatches, ModelRunner, type ProgressFn } from '../runtime/modelRunner';
import { RESULTS_SCHEMA_VERSION, type Analysis, type DataRef, type DatasetAggregates, type ErrorMetrics, type SampleAnalysis, type SampleMacs } from '../schema/results';

/** Options of {@link analyze}. */
export interface AnalyzeOptions {
  /** Samples per inference call (default 8). */
  batchSize?: number;
  /**
   * The trained dense checkpoint to compare with: 'auto' (default) finds
   * `<backbone>_dense.onnx` beside the checkpoint (experiments/trainedDense.ts),
   * null compares with none.
   */
  trainedDense?: Checkpoint | null | 'auto';
  signal?: AbortSignal;
  onProgress?: ProgressFn;
}

/** Mask-aware MACs of one sample from its masks (null masks = all ones). */
export function sampleMacs(ck: Checkpoint, dataMask: ArrayLike<number> | null, gates: (ArrayLike<number> | null)[]): SampleMacs {
  const [H, W] = ck.spec.grid;
  const gateMasks = new Map<number, ArrayLike<number>>();
  ck.gateTensors.forEach((g, i) => {
    const m = gates[i];
    if (m) gateMasks.set(g.unit, m);
  });
  const mask = dataMask ? Float32Array.from(dataMask) : new Float32Array(H * W).fill(1);
  const eff = effectiveMacs(ck.counts, ck.contract, { dataMask: mask, height: H, width: W, gateMasks });
  const byName = new Map(eff.layers.map((l) => [l.name, l.effectiveMacs]));
  const perLayer = ck.layers.map((l) => byName.get(l.node) ?? l.denseMacs);
  return { perLayer, backbone: eff.total - eff.overhead, overhead: eff.overhead, total: eff.total, dense: eff.dense };
}

/** DataRef of a sample set. */
export function dataRef(samples: SampleSet): DataRef {
  let validCount = 0;
  if (samples.valid) for (const v of samples.valid) validCount += v;
  return {
    files: samples.files,
    format: samples.format,
    split: samples.split,
    windowStarts: samples.starts,
    validFraction: samples.valid ? validCount / samples.valid.length : 1,
    geography: samples.geography ?? null,
  };
}

/**
 * Runs the checkpoint, its clean dense graph and the trained dense checkpoint
 * (if any) on every sample and analyses the results.
 */
export async function analyze(ck: Checkpoint, samples: SampleSet, runner: ModelRunner, options: AnalyzeOptions = {}): Promise<Analysis> {
  const { signal, onProgress } = options;
  const trained = options.trainedDense === undefined || options.trainedDense === 'auto' ? await openTrainedDense(ck, signal) : options.trainedDense;
  const trainedRunner = trained ? new ModelRunner(trained, runner.pool) : null;
  const batchSize = Math.max(1, options.batchSize ?? 8);
  const [H, W] = ck.spec.grid;
  const plane = H * W;
  const C = samples.channels;
  const xi = inputSize(samples);
  const yi = targetSize(samples);
  const out: SampleAnalysis[] = [];
  onProgress?.(0, `analysing ${samples.count} samples`);
  await forBatches(samples.count, batchSize, async (start, n) => {
    const x = samples.inputs.subarray(start * xi, (start + n) * xi);
    const full = await runner.full(x, n, signal);
    const dense = hasMasks(ck) ? await runner.cleanDense(x, n, signal) : full.prediction;
    const trainedPred = trainedRunner ? (await trainedRunner.full(x, n, signal)).prediction : null;
    for (let j = 0; j < n; j++) {
      const k = start + j;
      const dm = full.dataMask?.subarray(j * plane, (j + 1) * plane) ?? null;
      const gates = ck.gateTensors.map((g, i) => full.gates[i].subarray(j * g.channels, (j + 1) * g.channels));
      const scores = ck.gateTensors.map((g, i) => full.scores[i].subarray(j * g.channels, (j + 1) * g.channels));
      const pred = full.prediction.subarray(j * yi, (j + 1) * yi);
      const densePred = dense.subarray(j * yi, (j + 1) * yi);
      const trainedDensePred = trainedPred?.subarray(j * yi, (j + 1) * yi) ?? null;
      const lastInput = x.subarray(j * xi + (samples.tIn - 1) * C * plane, (j + 1) * xi);
      const target = samples.targets?.subarray(k * yi, (k + 1) * yi) ?? null;
      const valid = samples.valid?.subarray(k * yi, (k + 1) * yi) ?? null;
      const importance = full.importance?.subarray(j * plane, (j + 1) * plane) ?? null;
      let active = plane;
      if (dm) {
        active = 0;
        for (const v of dm) active += v > 0.5 ? 1 : 0;
      }
      const persistence = new Float32Array(yi);
      for (let t = 0; t < samples.tOut; t++) persistence.set(lastInput, t * C * plane);
      const metric = (a: Float32Array, b: Float32Array | null): ErrorMetrics | null => (b ? maskedErrors(a, b, valid) : null);
      let absDelta: Float32Array | null = null;
      let alignment: SampleAnalysis['alignment'] = null;
      if (target) {
        const d = absDeltaMap(target, lastInput, valid, samples.tOut, C, plane);
        absDelta = d.map;
        if (importance) alignment = importanceAlignment(importance, d.map, d.covered);
      }
      out.push({
        index: k,
        windowStart: samples.starts?.[k] ?? null,
        importance: importance ? encodeF32(importance, [H, W]) : null,
        dataMask: dm ? encodeU8(Uint8Array.from(dm, (v) => (v > 0.5 ? 1 : 0)), [H, W]) : null,
        activeFraction: active / plane,
        gates: ck.gateTensors.map((g, i) => {
          const mask: number[] = Array.from(gates[i], (v) => (v > 0.5 ? 1 : 0));
          return { unit: g.unit, scores: Array.from(scores[i]), mask, active: mask.reduce((a: number, b: number) => a + b, 0) };
        }),
        macs: sampleMacs(ck, dm, gates),
        inputLast: encodeF32(lastInput, [C, H, W]),
        prediction: encodeF32(pred, [samples.tOut, C, H, W]),
        target: target ? encodeF32(target, [samples.tOut, C, H, W]) : null,
        valid: valid ? encodeU8(valid, [samples.tOut, C, H, W]) : null,
        absDelta: absDelta ? encodeF32(absDelta, [H, W]) : null,
        errorMap: target ? encodeF32(errorMap(pred, target, valid, samples.tOut * C, plane), [H, W]) : null,
        denseDiffMap: encodeF32(errorMap(pred, densePred, valid, samples.tOut * C, plane), [H, W]),
        vsTarget: metric(pred, target),
        denseVsTarget: metric(densePred, target),
        trainedDenseVsTarget: trainedDensePred ? metric(trainedDensePred, target) : null,
        persistenceVsTarget: metric(persistence, target),
        vsDense: maskedErrors(pred, densePred, valid),
        alignment,
      });
    }
    onProgress?.((start + n) / samples.count, `analysed ${start + n}/${samples.count} samples`);
  }, signal);
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    kind: 'analysis',
    createdAt: new Date().toISOString(),
    model: ck.ref,
    data: dataRef(samples),
    layers: ck.layers,
    units: ck.units,
    denseMacs: ck.denseMacs,
    trainedDense: trained?.ref ?? null,
    samples: out,
    aggregates: aggregate(ck, out),
  };
}

/** Data-set aggregates of per-sample analyses. */
export function aggregate(ck: Checkpoint, samples: SampleAnalysis[]): DatasetAggregates {
  const pick = (f: (s: SampleAnalysis) => number | undefined | null) => samples.map((s) => f(s) ?? NaN);
  const maybe = (f: (s: SampleAnalysis) => number | undefined | null) => (samples.some((s) => f(s) !== null && f(s) !== undefined) ? distribution(pick(f)) : null);
  return {
    samples: samples.length,
    activeFraction: distribution(pick((s) => s.activeFraction)),
    effectiveMacs: distribution(pick((s) => s.macs.total)),
    overheadMacs: distribution(pick((s) => s.macs.overhead)),
    macReduction: distribution(pick((s) => 1 - s.macs.total / s.macs.dense)),
    perLayer: ck.layers.map((_, i) => distribution(pick((s) => s.macs.perLayer[i]))),
    mse: maybe((s) => s.vsTarget?.mse),
    mae: maybe((s) => s.vsTarget?.mae),
    denseMse: maybe((s) => s.denseVsTarget?.mse),
    denseMae: maybe((s) => s.denseVsTarget?.mae),
    trainedDenseMse: maybe((s) => s.trainedDenseVsTarget?.mse),
    trainedDenseMae: maybe((s) => s.trainedDenseVsTarget?.mae),
    persistenceMse: maybe((s) => s.persistenceVsTarget?.mse),
    mseVsDense: distribution(pick((s) => s.vsDense.mse)),
    auc: maybe((s) => s.alignment?.auc),
    spearman: maybe((s) => s.alignment?.spearman),
    filterFrequency: ck.gateTensors.map((g, i) => {
      const freq = new Array<number>(g.channels).fill(0);
      for (const s of samples) s.gates[i].mask.forEach((v, f) => (freq[f] += v));
      return { unit: g.unit, frequency: freq.map((v) => (samples.length ? v / samples.length : 0)) };
    }),
  };
}
