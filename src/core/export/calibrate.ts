/**
 * Calibration of the sparse export's per-unit plan on a target runtime, in
 * two timed runs of candidate graphs (a {@link PlanTimer}: onnxruntime-node
 * here, or a profiling host over SSH), at the gates the checkpoint itself
 * produces on the calibration samples:
 * 1. every gatherable unit gathered, and per unit the same graph with that
 *    unit alone dense: a unit whose dense form is faster runs dense;
 * 2. the clean dense graph, the assembled plan, every unit gathered and every
 *    unit dense (the checkpoint's own form): the fastest of the three sparse
 *    candidates is the plan, and its ratio to clean dense is recorded as
 *    measured, faster or not.
 */
import type { Checkpoint } from '../checkpoint/checkpoint';
import { gatherGatedChannels, type TopkSelection } from '../graph/channelGather';
import type { GraphEvaluator } from '../graph/foldOnes';
import { encodeModelProto } from '../onnx/proto';
import type { WireTensor } from '../runtime/workerProtocol';
import type { PairedTime, TimedModel } from '../runtime/pairedTiming';
import { parseNpy } from '../samples/npy';
import { buildDenseVariant } from './denseVariant';
import { verdictOf, type EndToEnd, type PlanMeasurement, type SparsePlan, type UnitPlan } from './sparsePlan';

/** Times candidate graphs on the target (paired where it can); the first is the ratios' baseline. */
export interface PlanTimer {
  measured: Omit<PlanMeasurement, 'samples'>;
  time(models: TimedModel[]): Promise<PairedTime[]>;
}

/** The first `max` samples of a float32 `.npy` [S, T_in, C, H, W] as batch-1 feeds of the input `x`. */
export function calibrationFeeds(npyBytes: Uint8Array, source: string, max: number): Record<string, WireTensor>[] {
  const npy = parseNpy(npyBytes, source);
  const n = Math.min(max, npy.shape[0]);
  const per = npy.data.length / npy.shape[0];
  return Array.from({ length: n }, (_, k) => ({ x: { data: npy.data.slice(k * per, (k + 1) * per), dims: [1, ...npy.shape.slice(1)] } }));
}

/** Bytes of the sparse graph with `dense` units kept dense (in the `index` form: NonZero by default, or TopK). */
function sparseBytes(ck: Checkpoint, dense: Iterable<number>, index?: TopkSelection): Uint8Array {
  return encodeModelProto(gatherGatedChannels(ck, { denseUnits: new Set(dense), index }).model);
}

/** Mean kept fraction of every gated unit's gate over `feeds`, run through the checkpoint. */
export async function unitKeepRates(ck: Checkpoint, feeds: Record<string, WireTensor>[], evaluate: GraphEvaluator): Promise<Map<number, number>> {
  const sums = new Map(ck.gateTensors.map((g) => [g.unit, 0]));
  const names = ck.gateTensors.map((g) => g.mask);
  for (const f of feeds) {
    // A copy: an evaluator may transfer (detach) the buffers it is given.
    const copy = Object.fromEntries(Object.entries(f).map(([k, t]) => [k, { data: t.data.slice(), dims: [...t.dims] }]));
    const out = await evaluate(ck.variants.full, copy, names);
    for (const g of ck.gateTensors) {
      const d = out[g.mask].data;
      let kept = 0;
      for (let i = 0; i < d.length; i++) kept += d[i] > 0.5 ? 1 : 0;
      sums.set(g.unit, sums.get(g.unit)! + kept / d.length);
    }
  }
  return new Map([...sums].map(([u, s]) => [u, s / Math.max(1, feeds.length)]));
}

/** Step 1: per unit, the all-gathered graph against the same graph with that unit dense. */
async function unitForms(ck: Checkpoint, timer: PlanTimer, units: number[], keep: Map<number, number>, index?: TopkSelection): Promise<UnitPlan[]> {
  const models: TimedModel[] = [{ id: 'all', bytes: sparseBytes(ck, [], index) }, ...units.map((u) => ({ id: `u${u}`, bytes: sparseBytes(ck, [u], index) }))];
  const times = new Map((await timer.time(models)).map((t) => [t.id, t]));
  const all = times.get('all')!;
  return units.map((u) => {
    const t = times.get(`u${u}`)!;
    const channels = ck.gateTensors.find((g) => g.unit === u)!.channels;
    return { unit: u, channels, keepRate: keep.get(u) ?? 1, form: t.pairedRatio < 1 ? 'dense' : 'gathered', gatheredMs: all.medianMs, denseMs: t.medianMs, denseOverGathered: t.pairedRatio };
  });
}

/** Step 2: clean dense against the plan and the two uniform forms; returns the end-to-end record and the dense units chosen. */
async function endToEnd(ck: Checkpoint, timer: PlanTimer, evaluate: GraphEvaluator, units: UnitPlan[], index?: TopkSelection): Promise<{ e: EndToEnd; dense: Set<number> }> {
  const planDense = units.filter((u) => u.form === 'dense').map((u) => u.unit);
  const allUnits = units.map((u) => u.unit);
  const candidates = [
    { id: 'calibrated' as const, dense: planDense },
    { id: 'all-gathered' as const, dense: [] },
    { id: 'all-dense' as const, dense: allUnits },
  ];
  const clean = encodeModelProto((await buildDenseVariant(ck, evaluate)).model);
  const times = await timer.time([{ id: 'clean', bytes: clean }, ...candidates.map((c) => ({ id: c.id, bytes: sparseBytes(ck, c.dense, index) }))]);
  const byId = new Map(times.map((t) => [t.id, t]));
  const best = candidates.reduce((a, c) => (byId.get(c.id)!.pairedRatio < byId.get(a.id)!.pairedRatio ? c : a));
  const e: EndToEnd = {
    cleanDenseMs: byId.get('clean')!.medianMs,
    planMs: byId.get(best.id)!.medianMs,
    ratio: byId.get(best.id)!.pairedRatio,
    allGatheredRatio: byId.get('all-gathered')!.pairedRatio,
    allDenseRatio: byId.get('all-dense')!.pairedRatio,
    chosen: best.id,
  };
  return { e, dense: new Set(best.dense) };
}

/** `device (runtime, N threads)` of a measurement. */
export function whereText(m: PlanMeasurement): string {
  const threads = m.threads === null ? 'default threads' : `${m.threads} thread${m.threads === 1 ? '' : 's'}`;
  return `${m.device} (${m.runtime}, ${threads})`;
}

/**
 * Measures and assembles the plan of `ck` on `timer`'s target; `feeds` are
 * the calibration samples; the candidates are built with `index` (NonZero by
 * default, or TopK with its k per unit).
 */
export async function calibrateSparsePlan(ck: Checkpoint, timer: PlanTimer, feeds: Record<string, WireTensor>[], evaluate: GraphEvaluator, index?: TopkSelection): Promise<SparsePlan> {
  const units = gatherGatedChannels(ck).report.gatheredUnits;
  const keep = await unitKeepRates(ck, feeds, evaluate);
  const measuredUnits = await unitForms(ck, timer, units, keep, index);
  const { e, dense } = await endToEnd(ck, timer, evaluate, measuredUnits, index);
  const finalUnits = measuredUnits.map((u) => ({ ...u, form: dense.has(u.unit) ? ('dense' as const) : ('gathered' as const) }));
  const measured: PlanMeasurement = { ...timer.measured, samples: feeds.length };
  return { version: 1, measured, units: finalUnits, endToEnd: e, verdict: verdictOf(e, whereText(measured)) };
}

/** The plan of `--calibrate none`: every gatherable unit gathered, nothing timed. */
export async function uncalibratedPlan(ck: Checkpoint, feeds: Record<string, WireTensor>[], evaluate: GraphEvaluator): Promise<SparsePlan> {
  const keep = await unitKeepRates(ck, feeds, evaluate);
  const units = gatherGatedChannels(ck).report.gatheredUnits.map((u): UnitPlan => ({ unit: u, channels: ck.gateTensors.find((g) => g.unit === u)!.channels, keepRate: keep.get(u) ?? 1, form: 'gathered', gatheredMs: null, denseMs: null, denseOverGathered: null }));
  return { version: 1, measured: { calibrate: 'none', device: 'none', runtime: 'none', threads: 0, clock: 'wall', samples: feeds.length, rounds: 0 }, units, endToEnd: null, verdict: verdictOf(null, '') };
}
