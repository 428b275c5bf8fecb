/**
 * The Graph view's {@link GraphSource} of a checkpoint: node topology from the
 * decoded model, counts, shapes and contract bindings from its inspect report.
 * Free of the VS Code API (unit-tested on the bundled checkpoints).
 */
import * as path from 'node:path';
import { layerName } from '../../core/counting/count';
import type { GraphSource } from '../../core/figures/graph';
import type { InspectReport } from '../../core/inspect/inspect';
import { readModel, type LoadedModel } from '../../core/onnx/reader';

/** Builds the source from a decoded model and its report. */
export function graphSourceOf(model: LoadedModel, report: InspectReport): GraphSource {
  const graph = model.proto.graph ?? {};
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  const contract = report.contract;
  return {
    model: path.basename(report.model.path),
    nodes: (graph.node ?? []).map((n, i) => ({ name: layerName(n, i), op: n.op_type ?? '', inputs: n.input ?? [], outputs: n.output ?? [] })),
    inputs: (graph.input ?? []).map((v) => v.name ?? '').filter((name) => name && !initializers.has(name)),
    outputs: (graph.output ?? []).map((v) => v.name ?? '').filter((name) => name.length > 0),
    layers: report.layers.map((l) => ({ name: l.name, macs: l.macs, inputShapes: l.inputShapes, outputShape: l.outputShape })),
    denseMacs: report.totals.macs,
    units: (contract?.units ?? []).map((u) => ({ id: u.id, name: u.name, channels: u.channels })),
    boundLayers: (contract?.layers ?? []).map((l) => ({ node: l.node, outUnit: l.out_unit ?? null })),
    overheadNodes: contract?.overhead_nodes ?? [],
  };
}

/** Reads a checkpoint's topology (tensor payloads are not copied; external data is not loaded) and builds its source. */
export async function readGraphSource(file: string, report: InspectReport, signal?: AbortSignal): Promise<GraphSource> {
  return graphSourceOf(await readModel(file, { signal, loadExternalData: false }), report);
}
