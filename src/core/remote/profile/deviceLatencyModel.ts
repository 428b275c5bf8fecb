/**
 * The latency model (src/core/experiments/latencyModel.ts) fitted on a
 * device's `profile --layers` run: each profiled sample's node runs mapped
 * onto the compute layers of the FLOPs breakdown, beside the MACs the
 * variant's graph computes for that sample (the checkpoint's own masks for
 * `ckpt`, its gates under the recorded plan for `sparse`, the built graph's
 * count for `dense` and `l1c`), then each sample's latency predicted and
 * compared with its measured latency (the median of the timed runs on it).
 * In-sample: the fits and the
 * measurement are the same run; no injected-mask calibration runs on the
 * device. Variants the model does not cover (l1, compared models) and runs
 * without a per-node profile get no prediction.
 */
import type { Checkpoint } from '../../checkpoint/checkpoint';
import { sampleMacs } from '../../experiments/analyze';
import { countBuilt, runTimes, variantRows } from '../../experiments/layerLatency';
import { fitLatencyModel, type CalibrationRun } from '../../experiments/latencyModel';
import { TraceLayerMap } from '../../experiments/traceLayers';
import { denseUnitsOf } from '../../export/sparsePlan';
import { sparseExecutedLayerMacs } from '../../export/sparseVariant';
import { gatherGatedChannels } from '../../graph/channelGather';
import { decodeModel } from '../../onnx/reader';
import { median } from '../../runtime/nodeProfile';
import { LATENCY_VARIANTS, type LatencyVariant, type VariantLayerLatency } from '../../schema/layerLatency';
import type { LatencyPrediction, ProfileResult, VariantProfile } from '../../schema/profileResult';

/** The checkpoint's masks on the first `count` samples (stacked), from the engine's reference run. */
export interface SampleMasks {
  count: number;
  dataMask: Float32Array | null;
  gates: Float32Array[];
}

/** What the fitted predictions say they are. */
export const PREDICTION_BASIS = "in-sample: per-layer lines time = a + b x MACs fitted on this run's per-node profile of the same samples (each sample's median over the profiled passes; src/core/experiments/latencyModel.ts), scaled by each variant's unprofiled per-sample time over its node time; measured: per sample, the median of the timed runs on it";

/** One sample's masks. */
function sampleRow(ck: Checkpoint, m: SampleMasks, i: number): { dataMask: Float32Array | null; gates: Float32Array[] } {
  const [H, W] = ck.spec.grid;
  return { dataMask: m.dataMask?.subarray(i * H * W, (i + 1) * H * W) ?? null, gates: m.gates.map((g, j) => g.subarray(i * ck.gateTensors[j].channels, (i + 1) * ck.gateTensors[j].channels)) };
}

/** Per sample: layer name -> MACs the variant's graph computes. */
function layerMacs(ck: Checkpoint, v: VariantProfile, bytes: Uint8Array, m: SampleMasks, n: number): Map<string, number>[] {
  const byLayer = (per: number[]) => new Map(ck.layers.map((l, j) => [l.node, per[j]]));
  if (v.id === 'dense' || v.id === 'l1c') {
    const counts = countBuilt(ck, decodeModel(v.label, bytes), bytes);
    const per = new Map(counts.layers.filter((l) => l.macs > 0).map((l) => [l.name, l.macs]));
    return Array.from({ length: n }, () => per);
  }
  if (v.id === 'ckpt') return Array.from({ length: n }, (_, i) => byLayer(sampleMacs(ck, sampleRow(ck, m, i).dataMask, sampleRow(ck, m, i).gates).perLayer));
  const { report } = gatherGatedChannels(ck, { denseUnits: v.sparsePlan ? denseUnitsOf(v.sparsePlan) : new Set() });
  return Array.from({ length: n }, (_, i) => byLayer(sparseExecutedLayerMacs(ck, report, sampleRow(ck, m, i).gates)));
}

/**
 * Measured latency of each of the first `n` samples: the median of the timed
 * runs on it (the runner's timed loop cycles over the `sampleCount` uploaded
 * samples, so run i is sample i mod sampleCount), else its one per-sample run.
 */
export function measuredPerSample(v: Pick<VariantProfile, 'latenciesMs' | 'perSampleMs'>, sampleCount: number, n: number): number[] {
  return Array.from({ length: n }, (_, s) => {
    const runs = v.latenciesMs.filter((_, i) => i % sampleCount === s);
    return runs.length ? median(runs) : v.perSampleMs[s];
  });
}

/**
 * The model's inputs for one variant: its rows and per-sample times, and its
 * calibration run. The runner profiles the per-sample inputs pass after pass
 * (`layerRounds`), so run i is sample i mod n; each sample's layer times are
 * its medians over the passes.
 */
function measuredVariant(ck: Checkpoint, v: VariantProfile, bytes: Uint8Array, m: SampleMasks, sampleCount: number): { variant: VariantLayerLatency; calibration: CalibrationRun } {
  const n = Math.min(v.perSampleMs.length, v.layerRuns!.length, m.count);
  const macs = layerMacs(ck, v, bytes, m, n);
  const graph = decodeModel(v.label, bytes).graph ?? {};
  const order = ck.counts.layers.filter((l) => l.macs > 0);
  const map = new TraceLayerMap(graph, new Set([...order.map((l) => l.name), ...macs.flatMap((x) => [...x.keys()])]));
  const times = v.layerRuns!.map((r) => runTimes(r, map));
  const bySample = Array.from({ length: n }, (_, s) => times.filter((_, i) => i % v.perSampleMs.length === s));
  const ops = new Map([...ck.counts.layers, ...(graph.node ?? []).map((x) => ({ name: x.name ?? '', op: x.op_type ?? '' }))].map((l) => [l.name, l.op]));
  const calibration: CalibrationRun = {
    id: v.id,
    samples: bySample.map((runs, s) => ({
      layers: new Map([...macs[s].keys()].map((name) => [name, { macs: macs[s].get(name) ?? 0, us: median(runs.map((t) => t.layers.get(name) ?? 0)) }])),
      otherUs: median(runs.map((t) => [...t.other.values()].reduce((a, b) => a + b, 0))),
    })),
  };
  const variant: VariantLayerLatency = {
    variant: v.id as LatencyVariant, description: v.description ?? v.label, ...variantRows(order, { macs }, bySample.flat(), ops),
    perSampleMs: measuredPerSample(v, sampleCount, n), perSampleMacs: macs.map((x) => [...x.values()].reduce((a, b) => a + b, 0)),
  };
  return { variant, calibration };
}

/**
 * Variant id -> predicted vs measured per-sample latency, for the variants
 * of `r` the model covers that carry a per-node profile; `bytesOf` gives the
 * model each ran. Empty when there is nothing to fit (no `profile --layers`).
 */
export function deviceLatencyPredictions(ck: Checkpoint, r: ProfileResult, bytesOf: (id: string) => Uint8Array | undefined, masks: SampleMasks, sampleCount: number): Map<string, LatencyPrediction> {
  const modelled = r.variants.filter((v) => (LATENCY_VARIANTS as readonly string[]).includes(v.id) && v.layerRuns?.length && v.perSampleMs.length && bytesOf(v.id));
  const inputs = modelled.map((v) => measuredVariant(ck, v, bytesOf(v.id)!, masks, sampleCount));
  const { model } = fitLatencyModel(inputs.map((i) => i.variant), new Map(inputs.map((i) => [i.calibration.id, i.calibration])), []);
  const out = new Map<string, LatencyPrediction>();
  for (const p of model) {
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const limits = p.samples.map((s) => s.macLimitMs).filter((x): x is number => x !== null);
    out.set(p.variant, {
      predictedMs: mean(p.samples.map((s) => s.predictedMs)), measuredMs: mean(p.samples.map((s) => s.measuredMs)),
      meanAbsPctError: p.meanAbsPctError, samples: p.samples.length, macLimitMs: limits.length === p.samples.length ? mean(limits) : null,
      fittedOn: p.calibration, basis: PREDICTION_BASIS,
    });
  }
  return out;
}
