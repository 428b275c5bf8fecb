/**
 * Per-layer latency of a checkpoint's variants on onnxruntime-node (CPU, 1
 * thread, batch 1, the checkpoint's own test samples): each variant is
 * profiled node by node, its nodes mapped to the compute layers of the FLOPs
 * breakdown (traceLayers.ts), and each sample timed separately without the
 * profiler. Random gate masks injected at a few kept fractions calibrate the
 * gated layers of the checkpoint as exported; the latency model is fitted on
 * all of it (latencyModel.ts).
 */
import { DATA_MASK, INPUT, type Checkpoint } from '../checkpoint/checkpoint';
import { countModel, type ModelCounts } from '../counting/count';
import { effectiveMacs } from '../counting/effective';
import { buildDenseVariant } from '../export/denseVariant';
import { buildL1cVariant } from '../export/l1cVariant';
import { gatherGatedChannels } from '../graph/channelGather';
import type { GraphEvaluator } from '../graph/foldOnes';
import { encodeModelProto, type GraphProto, type ModelProto } from '../onnx/proto';
import { decodeModel } from '../onnx/reader';
import { inferStatic, resolveInputShapes } from '../shapes/infer';
import { median, profileNodes, runtimeVersion, type ProfiledRun } from '../runtime/nodeProfile';
import type { ModelRunner } from '../runtime/modelRunner';
import type { WireTensor } from '../runtime/workerProtocol';
import { inputSize, type SampleSet } from '../samples/sampleSet';
import { LAYER_LATENCY_SCHEMA, LAYER_LATENCY_SCHEMA_VERSION, type LatencyVariant, type LayerLatencyResult, type LayerLatencyRow, type OtherOpsRow, type VariantLayerLatency } from '../schema/layerLatency';
import { fitLatencyModel, type CalibrationRun } from './latencyModel';
import { randomMask } from './maskOps';
import { rng } from './random';
import { TraceLayerMap } from './traceLayers';

/** Options of {@link layerLatency}. */
export interface LayerLatencyOptions {
  variants: LatencyVariant[];
  iterations: number;
  warmup?: number;
  /** Kept fractions of the injected random gate masks (default 0.75, 0.5, 0.25). */
  keptFractions?: number[];
  /** Runs the constant subgraphs folded by the dense and l1c builders. */
  evaluate: GraphEvaluator;
  /** Runs the checkpoint for its per-sample masks. */
  runner: ModelRunner;
  samplesSource: string;
  signal?: AbortSignal;
  onProgress?: (phase: string) => void;
}

/** A graph to profile, its compute layers' MACs per sample and its feeds. */
interface VariantGraph {
  bytes: Uint8Array;
  graph: GraphProto;
  /** Per sample: layer name -> MACs computed. */
  macs: Map<string, number>[];
  feeds: Record<string, WireTensor>[];
  description: string;
  /** The checkpoint's own data mask per sample (ckpt only), reused by the injected-gate runs. */
  dataMasks?: Float32Array[];
}

/** Dense MACs per compute layer of a model built in memory, at batch 1. */
export function countBuilt(ck: Checkpoint, model: ModelProto, bytes: Uint8Array): ModelCounts {
  const loaded = { file: `${ck.file} (variant)`, dir: '', proto: model, bytes, sizeBytes: bytes.length };
  const [H, W] = ck.spec.grid;
  const shapes = inferStatic(loaded, resolveInputShapes(loaded, { [INPUT]: [1, ck.spec.tIn, ck.spec.channels.length, H, W] }));
  return countModel(loaded, shapes);
}

function computeMacs(counts: ModelCounts): Map<string, number> {
  return new Map(counts.layers.filter((l) => l.macs > 0).map((l) => [l.name, l.macs]));
}

/** One sample's input as a batch-1 feed. */
function inputFeed(ck: Checkpoint, samples: SampleSet, i: number): WireTensor {
  const per = inputSize(samples);
  return { data: samples.inputs.slice(i * per, (i + 1) * per), dims: [1, ck.spec.tIn, ck.spec.channels.length, ...ck.spec.grid] };
}

/** The checkpoint as exported, with each sample's mask-aware MACs per layer from its own masks. */
async function checkpointGraph(ck: Checkpoint, samples: SampleSet, o: LayerLatencyOptions): Promise<VariantGraph> {
  const [H, W] = ck.spec.grid;
  const macs: Map<string, number>[] = [];
  const dataMasks: Float32Array[] = [];
  for (let i = 0; i < samples.count; i++) {
    const out = await o.runner.full(inputFeed(ck, samples, i).data, 1, o.signal);
    const gateMasks = new Map(ck.gateTensors.map((g, j) => [g.unit, out.gates[j]] as const));
    const dataMask = out.dataMask ?? new Float32Array(H * W).fill(1);
    dataMasks.push(dataMask);
    const eff = effectiveMacs(ck.counts, ck.contract, { dataMask, height: H, width: W, gateMasks });
    macs.push(new Map(eff.layers.map((l) => [l.name, l.effectiveMacs])));
  }
  const feeds = Array.from({ length: samples.count }, (_, i) => ({ [INPUT]: inputFeed(ck, samples, i) }));
  return { bytes: ck.model.bytes, graph: ck.model.proto.graph ?? {}, macs, feeds, description: 'the checkpoint as exported (masks multiply dense activations)', dataMasks };
}

/** A variant built by an export builder: its own graph and MAC counts, the same for every sample. */
async function builtGraph(ck: Checkpoint, variant: 'dense' | 'l1c', samples: SampleSet, o: LayerLatencyOptions): Promise<VariantGraph> {
  const built = variant === 'dense' ? await buildDenseVariant(ck, o.evaluate) : await buildL1cVariant(ck, o.evaluate);
  const bytes = encodeModelProto(built.model);
  const perLayer = computeMacs(countBuilt(ck, built.model, bytes));
  const feeds = Array.from({ length: samples.count }, (_, i) => ({ [INPUT]: inputFeed(ck, samples, i) }));
  const description = variant === 'dense' ? 'clean dense graph (every mask one, folded away)' : `compacted static L1 (filter sparsity ${'sparsity' in built.info ? built.info.sparsity : '?'}, pruned filters removed)`;
  return { bytes, graph: built.model.graph ?? {}, macs: feeds.map(() => perLayer), feeds, description };
}

/**
 * The channel-gathering executor with, per sample, the MACs each layer
 * executes: the mask-aware count with positions not skipped (data mask ones),
 * scaled back to full width where a unit's filters or input channels are not gathered.
 */
async function sparseGraph(ck: Checkpoint, samples: SampleSet, o: LayerLatencyOptions): Promise<VariantGraph> {
  const { model, report } = gatherGatedChannels(ck);
  const bytes = encodeModelProto(model);
  const [H, W] = ck.spec.grid;
  const ones = new Float32Array(H * W).fill(1);
  const gathered = new Set(report.gathered);
  const inputGathered = new Set(report.inputGathered);
  const macs: Map<string, number>[] = [];
  for (let i = 0; i < samples.count; i++) {
    const out = await o.runner.full(inputFeed(ck, samples, i).data, 1, o.signal);
    const eff = effectiveMacs(ck.counts, ck.contract, { dataMask: ones, height: H, width: W, gateMasks: new Map(ck.gateTensors.map((g, j) => [g.unit, out.gates[j]] as const)) });
    const ratio = (unit: number | null): number => {
      const j = ck.gateTensors.findIndex((g) => g.unit === unit);
      if (j < 0) return 1;
      const active = out.gates[j].reduce((a, v) => a + (v > 0.5 ? 1 : 0), 0);
      return ck.gateTensors[j].channels / Math.max(1, active);
    };
    const byNode = new Map(ck.layers.map((l) => [l.node, l]));
    macs.push(new Map(eff.layers.map((l) => {
      const info = byNode.get(l.name);
      let m = l.effectiveMacs;
      if (info && !info.overhead && info.outUnit !== null && !gathered.has(l.name)) m *= ratio(info.outUnit);
      if (info && !info.overhead && info.inUnit !== null && !inputGathered.has(l.name)) m *= ratio(info.inUnit);
      return [l.name, m];
    })));
  }
  const feeds = Array.from({ length: samples.count }, (_, i) => ({ [INPUT]: inputFeed(ck, samples, i) }));
  return { bytes, graph: model.graph ?? {}, macs, feeds, description: `channel-gathering sparse executor (${report.gathered.length} gathered convs, batch 1)` };
}

/** Per run: layer name -> time (us) and op type -> time of the rest. */
interface RunTimes {
  layers: Map<string, number>;
  other: Map<string, number>;
  nodes: Map<string, number>;
}

/** Sums each run's node times by compute layer and by other op type. */
export function runTimes(run: ProfiledRun, map: TraceLayerMap): RunTimes {
  const layers = new Map<string, number>();
  const other = new Map<string, number>();
  const nodes = new Map<string, number>();
  for (const e of run.nodes) {
    const t = map.target(e.name, e.op);
    const key = 'layer' in t ? t.layer : t.other;
    const into = 'layer' in t ? layers : other;
    into.set(key, (into.get(key) ?? 0) + e.durUs);
    nodes.set(('layer' in t ? 'L:' : 'O:') + key, (nodes.get(('layer' in t ? 'L:' : 'O:') + key) ?? 0) + 1);
  }
  return { layers, other, nodes };
}

/** Median of `key` over runs (0 where a run lacks it). */
function medianOf(runs: RunTimes[], pick: (r: RunTimes) => number | undefined): number {
  return median(runs.map((r) => pick(r) ?? 0));
}

/**
 * One variant's rows: every compute layer of `order` (the checkpoint's FLOPs
 * breakdown), then the variant's own layers not in it, then other ops.
 */
export function variantRows(order: { name: string; op: string; macs: number }[], g: { macs: Map<string, number>[] }, runs: RunTimes[], ops: Map<string, string>): Pick<VariantLayerLatency, 'layers' | 'otherOps' | 'nodeTimeUs'> {
  const names = [...order.map((l) => l.name), ...[...(g.macs[0] ?? new Map()).keys()].filter((n) => !order.some((l) => l.name === n))];
  const dense = new Map(order.map((l) => [l.name, l.macs]));
  const meanMacs = (n: string) => g.macs.reduce((a, m) => a + (m.get(n) ?? 0), 0) / Math.max(1, g.macs.length);
  const layers = names.map((name) => ({ name, op: ops.get(name) ?? 'unknown', denseMacs: dense.get(name) ?? 0, macs: meanMacs(name), timeUs: medianOf(runs, (r) => r.layers.get(name)), nodes: runs[0]?.nodes.get(`L:${name}`) ?? 0 }));
  const otherNames = [...new Set(runs.flatMap((r) => [...r.other.keys()]))].sort();
  const other = otherNames.map((op) => ({ op, timeUs: medianOf(runs, (r) => r.other.get(op)), nodes: runs[0]?.nodes.get(`O:${op}`) ?? 0 }));
  const nodeTimeUs = layers.reduce((a, l) => a + l.timeUs, 0) + other.reduce((a, l) => a + l.timeUs, 0);
  const macTotal = layers.reduce((a, l) => a + l.macs, 0);
  const share = (x: number, total: number) => (total > 0 ? x / total : 0);
  return {
    layers: layers.map((l): LayerLatencyRow => ({ ...l, macShare: share(l.macs, macTotal), timeShare: share(l.timeUs, nodeTimeUs) })),
    otherOps: other.map((l): OtherOpsRow => ({ ...l, timeShare: share(l.timeUs, nodeTimeUs) })),
    nodeTimeUs,
  };
}

/** One graph's rows and its per-sample calibration run, from its profiled runs and per-sample times. */
function assemble(ck: Checkpoint, id: string, g: VariantGraph, profiled: ProfiledRun[][], perSampleMs: number[]): { result: VariantLayerLatency; calibration: CalibrationRun } {
  const computeLayers = new Set([...ck.counts.layers.filter((l) => l.macs > 0).map((l) => l.name), ...g.macs.flatMap((m) => [...m.keys()])]);
  const map = new TraceLayerMap(g.graph, computeLayers);
  const bySample = g.feeds.map((_, s) => profiled.map((it) => runTimes(it[s], map)));
  const order = ck.counts.layers.filter((l) => l.macs > 0);
  const ops = new Map([...ck.counts.layers, ...(g.graph.node ?? []).map((n) => ({ name: n.name ?? '', op: n.op_type ?? '' }))].map((l) => [l.name, l.op]));
  const rows = variantRows(order, g, bySample.flat(), ops);
  const perSampleMacs = g.macs.map((m) => [...m.values()].reduce((x, y) => x + y, 0));
  const calibration: CalibrationRun = {
    id,
    samples: bySample.map((runs, s) => ({
      layers: new Map([...g.macs[s].keys()].map((n) => [n, { macs: g.macs[s].get(n) ?? 0, us: medianOf(runs, (r) => r.layers.get(n)) }])),
      otherUs: medianOf(runs, (r) => [...r.other.values()].reduce((x, y) => x + y, 0)),
    })),
  };
  return { result: { variant: id as LatencyVariant, description: g.description, ...rows, perSampleMs, perSampleMacs }, calibration };
}

/** The mask-cut graph with, per sample, its own data mask and random gates at kept fraction `f`. */
function injectedGraph(ck: Checkpoint, samples: SampleSet, f: number, dataMasks: Float32Array[]): VariantGraph | null {
  if (!ck.variants.allCut || ck.gateTensors.length === 0) return null;
  const [H, W] = ck.spec.grid;
  const next = rng(Math.round(f * 1000) + 17);
  const macs: Map<string, number>[] = [];
  const feeds: Record<string, WireTensor>[] = [];
  for (let i = 0; i < samples.count; i++) {
    const gates = ck.gateTensors.map((g) => randomMask(1, g.channels, f * g.channels, next));
    const feed: Record<string, WireTensor> = { [INPUT]: inputFeed(ck, samples, i) };
    if (ck.hasDataMask) feed[DATA_MASK] = { data: dataMasks[i].slice(), dims: [1, 1, H, W] };
    ck.gateTensors.forEach((g, j) => (feed[g.mask] = { data: gates[j], dims: [1, g.channels] }));
    feeds.push(feed);
    const eff = effectiveMacs(ck.counts, ck.contract, { dataMask: dataMasks[i], height: H, width: W, gateMasks: new Map(ck.gateTensors.map((g, j) => [g.unit, gates[j]] as const)) });
    macs.push(new Map(eff.layers.map((l) => [l.name, l.effectiveMacs])));
  }
  const graph = decodeModel(`${ck.file} (mask-cut graph)`, ck.variants.allCut).graph ?? {};
  return { bytes: ck.variants.allCut, graph, macs, feeds, description: `mask-cut graph, own data masks, random gates at ${f} kept` };
}

/** Measures every requested variant (and the injected-mask calibration graphs), interleaved, and fits the latency model. */
export async function layerLatency(ck: Checkpoint, samples: SampleSet, o: LayerLatencyOptions): Promise<LayerLatencyResult> {
  const keptFractions = o.keptFractions ?? [1, 0.75, 0.5, 0.25];
  const graphs: { id: string; g: VariantGraph }[] = [];
  for (const v of o.variants) {
    o.onProgress?.(`building ${v}`);
    const g = v === 'ckpt' ? await checkpointGraph(ck, samples, o) : v === 'sparse' ? await sparseGraph(ck, samples, o) : await builtGraph(ck, v, samples, o);
    graphs.push({ id: v, g });
  }
  const own = graphs.find((g) => g.id === 'ckpt')?.g.dataMasks;
  if (own) {
    for (const f of keptFractions) {
      const g = injectedGraph(ck, samples, f, own);
      if (g) graphs.push({ id: `injected ${f}`, g });
    }
  }
  const jobs = graphs.map(({ g }) => ({ model: g.bytes, feeds: g.feeds }));
  const opts = { iterations: o.iterations, warmup: o.warmup, signal: o.signal };
  o.onProgress?.(`profiling and timing ${graphs.length} graphs, interleaved`);
  const profiled = await profileNodes(jobs, opts);
  const measured = graphs.map(({ id, g }, i) => assemble(ck, id, g, profiled[i].runs, profiled[i].perFeedMs));
  const variants = measured.slice(0, o.variants.length).map((m) => m.result);
  const calibration = new Map(measured.slice(0, o.variants.length).map((m) => [m.calibration.id, m.calibration]));
  const injected = measured.slice(o.variants.length).map((m) => m.calibration);
  return {
    schema: LAYER_LATENCY_SCHEMA,
    schemaVersion: LAYER_LATENCY_SCHEMA_VERSION,
    checkpoint: { name: ck.ref.name, sha256: ck.ref.sha256 },
    runtime: { name: 'onnxruntime-node', version: runtimeVersion(), intraOpThreads: 1, batch: 1, warmup: o.warmup ?? 1, iterations: o.iterations, graphOptimization: 'all' },
    samples: { count: samples.count, source: o.samplesSource },
    ...fitLatencyModel(variants, calibration, injected),
    variants,
    injectedKeptFractions: injected.length ? keptFractions : [],
  };
}
