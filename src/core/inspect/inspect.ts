/**
 * `inspect`: one report of a model's structure, shapes, params, dense MACs and
 * prunable units, plus its Dyna-Pruner contract when it carries one. This is
 * what `dynapruner inspect --json` prints and what the extension's Overview
 * panel and Checkpoints tree show.
 */
import { readModel, type LoadedModel } from '../onnx/reader';
import { opsetVersion, producerMap, realInputs, valueInfoShape } from '../onnx/graph';
import { readContract } from '../contract/readContract';
import { ContractError, type DynaPrunerContract } from '../contract/contract';
import type { GraphProto } from '../onnx/proto';
import { inferShapes } from '../shapes/infer';
import type { ShapeSource, ShapeTable } from '../shapes/types';
import type { ShapeRunBudget } from '../shapes/budgetedRun';
import { countModel, units, type ConvTransposeConvention, type LayerCount, type ModelCounts } from '../counting/count';
import { COUNTING_CONVENTION } from '../counting/convention';

/** Options of inspectModel. */
export interface InspectOptions {
  /** Concrete shapes for graph inputs, e.g. `{ x: [1, 4, 6, 33, 36] }`. */
  inputShapes?: Record<string, number[]>;
  convTranspose?: ConvTransposeConvention;
  /**
   * Resolve data-dependent shapes with one onnxruntime run of the model, in a
   * child process within `shapeRunBudget` (default false: inspection never
   * runs the model; unresolved shapes get a note instead).
   */
  runShapes?: boolean;
  /** Limits of that run (defaults: DEFAULT_SHAPE_RUN_BUDGET). */
  shapeRunBudget?: Partial<ShapeRunBudget>;
  /** False forbids the run even with `runShapes` (kept for callers of the former default-on fallback). */
  fallback?: boolean;
  /** Largest model file read, in bytes (default DEFAULT_MAX_MODEL_BYTES, 2 GiB). */
  maxModelBytes?: number;
  /**
   * An invalid contract: `throw` (default: the CLI fails on it) or `report`
   * (the model is inspected as a plain ONNX model and `contractError` says why;
   * VS Code's Overview opens any .onnx this way).
   */
  invalidContract?: 'throw' | 'report';
  signal?: AbortSignal;
  /** Progress callback: a phase label and a 0..1 fraction. */
  onProgress?: (phase: string, fraction: number) => void;
}

/** One row of the per-layer table: the layer's counts (the fields listed) plus where its shape came from. */
export interface InspectLayer extends Pick<LayerCount, 'name' | 'op' | 'inputShapes' | 'outputShape' | 'params' | 'macs' | 'otherOps'> {
  /** Where the output shape came from. */
  shapeSource: ShapeSource | 'unknown';
}

/** A prunable unit, with the contract unit id that gates it (if any). */
export interface InspectUnit {
  name: string;
  op: string;
  channels: number;
  contractUnit: number | null;
}

/** The inspect report (the JSON of `dynapruner inspect --json`). */
export interface InspectReport {
  model: {
    path: string;
    irVersion: number;
    opset: number;
    producer: string;
    producerVersion: string;
    sizeBytes: number;
    /** metadata_props except the contract (which is under `contract`). */
    metadata: Record<string, string>;
  };
  contract: DynaPrunerContract | null;
  /** Why the model's contract was set aside (`invalidContract: 'report'`); null when valid or absent. */
  contractError: string | null;
  totals: ModelCounts['totals'];
  layers: InspectLayer[];
  units: InspectUnit[];
  inputs: { name: string; shape: number[] }[];
  outputs: { name: string; shape: number[] | null }[];
  shapeSources: {
    static: number;
    graph: number;
    runtime: number;
    /** Tensors whose shapes came from the onnxruntime fallback run. */
    runtimeTensors: string[];
    unresolved: string[];
    /** Nodes with an unresolved output (their shapes need a run: runShapes / --run-shapes). */
    nodesNeedingRun: number;
  };
  /** Notes for the reader, e.g. "shapes of 2 nodes need a run: use --run-shapes". */
  notes: string[];
  /** The counting convention, in words. */
  convention: string;
}

/** The model's contract; an invalid one is rethrown or, with `report`, set aside with its message. */
function contractOf(model: LoadedModel, invalid: 'throw' | 'report'): { contract: DynaPrunerContract | null; contractError: string | null } {
  try {
    return { contract: readContract(model), contractError: null };
  } catch (error) {
    if (invalid === 'throw' || !(error instanceof ContractError)) throw error;
    return { contract: null, contractError: error.message };
  }
}

/** Reads and inspects a model file. */
export async function inspectModel(file: string, opts: InspectOptions = {}): Promise<InspectReport> {
  opts.onProgress?.('reading', 0);
  const model = await readModel(file, { signal: opts.signal, maxBytes: opts.maxModelBytes });
  return inspectLoaded(model, opts);
}

/** Inspects an already loaded model. */
export async function inspectLoaded(model: LoadedModel, opts: InspectOptions = {}): Promise<InspectReport> {
  const { contract, contractError } = contractOf(model, opts.invalidContract ?? 'throw');
  opts.onProgress?.('shapes', 0.3);
  const shapes = await inferShapes(model, {
    inputShapes: opts.inputShapes,
    fallback: opts.runShapes === true && opts.fallback !== false,
    budget: opts.shapeRunBudget,
    signal: opts.signal,
  });
  opts.signal?.throwIfAborted();
  opts.onProgress?.('counting', 0.8);
  const counts = countModel(model, shapes, { convTranspose: opts.convTranspose });
  const graph = model.proto.graph ?? {};
  // A conv gated by a unit: its `layers` binding names the unit (`out_unit`);
  // every frame / step of a shared-weight conv is bound, not only `units[].node`.
  const unitByNode = new Map<string, number>((contract?.units ?? []).map((u) => [u.node, u.id]));
  for (const l of contract?.layers ?? []) if (l.out_unit !== null && l.out_unit !== undefined) unitByNode.set(l.node, l.out_unit);
  const nodes = graph.node ?? [];
  const layers: InspectLayer[] = counts.layers.map((l, i) => {
    const out = (nodes[i].output ?? [])[0] ?? '';
    return {
      name: l.name, op: l.op, inputShapes: l.inputShapes, outputShape: l.outputShape,
      params: l.params, macs: l.macs, otherOps: l.otherOps,
      shapeSource: shapes.source.get(out) ?? 'unknown',
    };
  });
  const sources = { static: 0, graph: 0, runtime: 0 };
  const runtimeTensors: string[] = [];
  for (const [name, s] of shapes.source) {
    sources[s]++;
    if (s === 'runtime') runtimeTensors.push(name);
  }
  const metadata: Record<string, string> = {};
  for (const p of model.proto.metadata_props ?? []) if (p.key !== 'dynapruner') metadata[p.key ?? ''] = p.value ?? '';
  const nodesNeedingRun = countNodesNeedingRun(model, shapes);
  opts.onProgress?.('done', 1);
  return {
    model: {
      path: model.file,
      irVersion: Number(model.proto.ir_version ?? 0),
      opset: opsetVersion(model.proto, '') ?? 0,
      producer: model.proto.producer_name ?? '',
      producerVersion: model.proto.producer_version ?? '',
      sizeBytes: model.sizeBytes,
      metadata,
    },
    contract,
    contractError,
    totals: counts.totals,
    layers,
    units: units(model, counts).map((u) => ({ ...u, contractUnit: unitByNode.get(u.name) ?? null })),
    inputs: realInputs(graph).map((i) => ({ name: i.name ?? '', shape: shapes.shapes.get(i.name ?? '') ?? [] })),
    outputs: (graph.output ?? []).map((o) => ({ name: o.name ?? '', shape: shapes.shapes.get(o.name ?? '') ?? null })),
    shapeSources: { ...sources, runtimeTensors, unresolved: shapes.unresolved, nodesNeedingRun },
    notes: [
      ...invalidInputDimNotes(graph, opts.inputShapes ?? {}),
      ...(nodesNeedingRun > 0 ? [shapeRunNote(nodesNeedingRun, opts.runShapes === true)] : []),
    ],
    convention: COUNTING_CONVENTION,
  };
}

/** Graph inputs declaring a negative dim (not a size: taken as unknown, like a symbolic dim, and set to 1). */
function invalidInputDimNotes(graph: GraphProto, given: Record<string, number[]>): string[] {
  const notes: string[] = [];
  for (const input of realInputs(graph)) {
    const name = input.name ?? '';
    if (given[name]) continue;
    (valueInfoShape(input) ?? []).forEach((d, i) => {
      if (typeof d === 'number' && d < 0) notes.push(`input '${name}' dim ${i} is declared ${d} (not a size): taken as unknown and set to 1; pass --input-shape ${name}=... to set it`);
    });
  }
  return notes;
}

/** Nodes of the main graph with at least one unresolved output. */
function countNodesNeedingRun(model: LoadedModel, shapes: ShapeTable): number {
  const producers = producerMap(model.proto.graph ?? {});
  return new Set(shapes.unresolved.map((t) => producers.get(t)).filter((n) => n !== undefined)).size;
}

/** The note for unresolved shapes: how to resolve them, or that the run did not. */
export function shapeRunNote(nodes: number, ran: boolean): string {
  const what = `shapes of ${nodes} node${nodes === 1 ? '' : 's'}`;
  return ran
    ? `${what} stay unknown after the onnxruntime run (their counts are 0)`
    : `${what} need a run: use --run-shapes (their counts are 0 until then; inspection does not run the model)`;
}
