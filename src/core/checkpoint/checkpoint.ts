/**
 * An opened checkpoint: the decoded model, its contract, dense counts, what
 * samples it expects, and the graph variants the engine runs (the model as
 * exported, cut at the data mask, cut at every mask).
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { CONTRACT_METADATA_KEY, type DynaPrunerContract } from '../contract/contract';
import { checkContractInput, checkContractShapes } from '../contract/graphAgreement';
import { atStep } from './stepError';
import { readContract } from '../contract/readContract';
import { countModel, type ModelCounts } from '../counting/count';
import { readModel, type LoadedModel } from '../onnx/reader';
import { encodeModelProto } from '../onnx/proto';
import { inferShapes } from '../shapes/infer';
import type { SampleSpec } from '../samples/sampleSet';
import type { LayerInfo, ModelRef, UnitInfo } from '../schema/results';
import { exposeGateThresholds, findGateThresholds, type GateThreshold } from '../graph/gateThresholds';
import { cutAtTensors, keepOutputs } from '../graph/surgery';
import { defineLazyThresholds, LazyVariants, type TauCut } from './lazyVariants';

/** Tensor name of the data mask (checkpoint contract). */
export const DATA_MASK = 'dp_data_mask';
/** Tensor name of the importance map S. */
export const IMPORTANCE = 'dp_importance';
/** Tensor name of the forecast. */
export const PREDICTION = 'prediction';
/** Tensor name of the input windows. */
export const INPUT = 'x';

/** A command that needs the Dyna-Pruner contract (or its masks) got a model without. */
export class ContractRequiredError extends Error {
  constructor(file: string, what: string) {
    super(`${file}: ${what}`);
    this.name = 'ContractRequiredError';
  }
}

/** Graph variants, as serialized models, keyed for the inference pool (all but `full` built on first read). */
export interface GraphVariants {
  /** The exported model with all contract outputs. */
  full: Uint8Array;
  /** Cut at dp_data_mask (input): the gates react to the injected mask. Null without a data mask. */
  dataCut: Uint8Array | null;
  /** Cut at the data mask and every gate mask (inputs); output `prediction` only. Null without masks. */
  allCut: Uint8Array | null;
  /**
   * Cut at the data mask (when the graph has one) with every unit's tau fed as
   * an input `dp_tau_<i>` `[N, 1]` (see gateThresholds.ts); outputs
   * `prediction` and the gate masks. Null without gates or when a unit's
   * threshold comparison was not found (`tauCutError` says why).
   */
  tauCut?: Uint8Array | null;
}

/** An opened checkpoint. */
export interface Checkpoint {
  file: string;
  model: LoadedModel;
  contract: DynaPrunerContract;
  counts: ModelCounts;
  spec: SampleSpec;
  ref: ModelRef;
  /** MAC-bearing layers in graph order (aligned with every per-layer array). */
  layers: LayerInfo[];
  units: UnitInfo[];
  /** True when the graph has dp_data_mask. */
  hasDataMask: boolean;
  /** True when the graph has dp_importance. */
  hasImportance: boolean;
  /** Gate mask / score tensors per unit (contract order), for units present in the graph. */
  gateTensors: { unit: number; mask: string; score: string; channels: number }[];
  /** Outputs the full variant is asked for. */
  fullOutputs: string[];
  /** Each gate tensor's threshold as found in the graph (ck.gateTensors order); empty when not found. */
  gateThresholds?: GateThreshold[];
  /** Why the tauCut variant could not be built (null when it was, or when there are no gates). */
  tauCutError?: string | null;
  variants: GraphVariants;
  denseMacs: number;
}

/** True when the checkpoint carries masks the engine can inject (Dyna-Pruner-like variants). */
export function hasMasks(ck: Checkpoint): boolean {
  return ck.hasDataMask || ck.gateTensors.length > 0;
}

/** Throws ContractRequiredError unless the checkpoint has mask tensors. */
export function requireMasks(ck: Checkpoint, command: string): void {
  if (!hasMasks(ck)) {
    throw new ContractRequiredError(
      ck.file,
      `'${command}' needs a Dyna-Pruner checkpoint with mask tensors (${DATA_MASK} or dp_gate_mask_<i>), but this is a '${ck.contract.variant}' checkpoint without masks`,
    );
  }
}

/** Optional extra contract keys the typed parser drops (e.g. dataset.files). */
function rawContract(model: LoadedModel): Record<string, unknown> {
  const entry = (model.proto.metadata_props ?? []).find((p) => p.key === CONTRACT_METADATA_KEY);
  try {
    return JSON.parse(entry?.value ?? '{}') as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** File names of the data set the contract names (beside the checkpoint), if it lists them. */
export function contractDataFiles(ck: Checkpoint): string[] {
  const ds = rawContract(ck.model).dataset as { files?: unknown } | undefined;
  return Array.isArray(ds?.files) ? ds!.files.filter((f): f is string => typeof f === 'string') : [];
}

/** The decoded model, its checked contract, its inferred shapes and dense counts. */
async function readChecked(file: string, signal?: AbortSignal): Promise<{ model: LoadedModel; contract: DynaPrunerContract; counts: ModelCounts }> {
  const model = await atStep(file, 'reading the model', () => readModel(file, { signal }), signal);
  const contract = await atStep(model.file, 'reading the dynapruner metadata', () => readContract(model));
  if (!contract) {
    throw new ContractRequiredError(model.file, `no '${CONTRACT_METADATA_KEY}' metadata: analysis needs a checkpoint that follows the Dyna-Pruner contract (use 'dynapruner inspect' for plain models)`);
  }
  const graph = model.proto.graph ?? {};
  checkContractInput(contract, graph, model.file);
  const [H, W] = contract.grid;
  const inputShape = [1, contract.t_in, contract.channels.length, H, W];
  const shapes = await atStep(model.file, `inferring shapes for input x [${inputShape.join(', ')}]`, () => inferShapes(model, { inputShapes: { [INPUT]: inputShape }, signal }), signal);
  checkContractShapes(contract, shapes.shapes, graph, model.file);
  const counts = await atStep(model.file, 'counting MACs', () => countModel(model, shapes));
  return { model, contract, counts };
}

/**
 * Opens a checkpoint for analysis: reads and decodes it, parses the contract
 * (required: throws ContractRequiredError for a model without one) and checks
 * it against the graph, infers shapes, counts dense MACs, and builds the
 * exported graph variant (the others on first read: ./lazyVariants.ts). Any
 * failure names the file (and the step).
 */
export async function openCheckpoint(file: string, signal?: AbortSignal): Promise<Checkpoint> {
  const { model, contract, counts } = await readChecked(file, signal);
  const v = await atStep(model.file, 'building the graph variants', () => buildVariants(model, contract));
  const [H, W] = contract.grid;
  const overhead = new Set(contract.overhead_nodes);
  const bindings = new Map(contract.layers.map((l) => [l.node, l]));
  const layers: LayerInfo[] = counts.layers
    .filter((l) => l.macs > 0)
    .map((l) => {
      const b = bindings.get(l.name);
      return { node: l.name, op: l.op, denseMacs: l.macs, overhead: overhead.has(l.name), outUnit: b?.out_unit ?? null, inUnit: b?.in_unit ?? null, spatialMask: b?.spatial_mask ?? false };
    });
  const units: UnitInfo[] = contract.units.map((u) => ({ id: u.id, name: u.name, node: u.node, channels: u.channels, tau: u.tau }));
  const splits: Record<string, [number, number]> = {};
  if (contract.dataset) {
    splits.train = contract.dataset.train;
    splits.val = contract.dataset.val;
    splits.test = contract.dataset.test;
  }
  const spec: SampleSpec = {
    tIn: contract.t_in,
    tOut: contract.t_out,
    channels: contract.channels,
    grid: [H, W],
    mean: contract.normalization.mean,
    std: contract.normalization.std,
    splits,
    source: model.file,
    ...(contract.dataset?.description ? { description: contract.dataset.description } : {}),
  };
  const ref: ModelRef = {
    path: model.file,
    name: path.basename(model.file),
    sha256: createHash('sha256').update(model.bytes).digest('hex'),
    backbone: contract.backbone,
    variant: contract.variant,
    contractVersion: contract.contract,
    tIn: contract.t_in,
    tOut: contract.t_out,
    channels: contract.channels,
    grid: [H, W],
    dataThreshold: contract.data_threshold,
  };
  const ck = { file: model.file, model, contract, counts, spec, ref, layers, units, ...v, denseMacs: counts.totals.macs };
  return defineLazyThresholds(ck, v.variants);
}

/** What {@link buildVariants} finds and builds. */
type VariantParts = Pick<Checkpoint, 'hasDataMask' | 'hasImportance' | 'gateTensors' | 'fullOutputs'> & { variants: LazyVariants };

/**
 * The mask tensors the graph has and the graph variants cut at them. The
 * exported graph (`full`, every analysis runs it first) is built now; the cut
 * variants, the gate thresholds and `tauCutError` are built on first read
 * (./lazyVariants.ts), so opening a checkpoint for its first figure does not
 * pay for graphs only injection and sweeps run.
 */
function buildVariants(model: LoadedModel, contract: DynaPrunerContract): VariantParts {
  const graph = model.proto.graph ?? {};
  const produced = new Set((graph.node ?? []).flatMap((n) => n.output ?? []));
  const outputs = new Set((graph.output ?? []).map((o) => o.name ?? ''));
  const hasDataMask = produced.has(DATA_MASK);
  const hasImportance = outputs.has(IMPORTANCE);
  const gateTensors = contract.units
    .filter((u) => produced.has(u.mask))
    .map((u) => ({ unit: u.id, mask: u.mask, score: u.score, channels: u.channels }));
  const fullOutputs = [PREDICTION];
  if (hasImportance) fullOutputs.push(IMPORTANCE);
  if (hasDataMask) fullOutputs.push(DATA_MASK);
  for (const g of gateTensors) fullOutputs.push(g.score, g.mask);
  const full = encodeModelProto(withOutputs(addMissingOutputs(model.proto, fullOutputs), fullOutputs));
  const variants = new LazyVariants(full, model.file, {
    dataCut: () => (hasDataMask ? encodeModelProto(withOutputs(cutAtTensors(addMissingOutputs(model.proto, fullOutputs), [DATA_MASK]), [PREDICTION, ...gateTensors.flatMap((g) => [g.score, g.mask])])) : null),
    allCut: () => {
      const cutNames = [...(hasDataMask ? [DATA_MASK] : []), ...gateTensors.map((g) => g.mask)];
      return cutNames.length > 0 ? encodeModelProto(keepOutputs(cutAtTensors(model.proto, cutNames), [PREDICTION])) : null;
    },
    tau: () => tauCutOf(model, gateTensors, fullOutputs, hasDataMask),
  });
  return { hasDataMask, hasImportance, gateTensors, fullOutputs, variants };
}

/** Keeps those of `names` that are outputs of `m` (in `names` order). */
function withOutputs(m: LoadedModel['proto'], names: string[]): LoadedModel['proto'] {
  const have = new Set((m.graph?.output ?? []).map((o) => o.name ?? ''));
  return keepOutputs(m, names.filter((n) => have.has(n)));
}

/** The tauCut variant and the gate thresholds it exposes, or why it could not be built. */
function tauCutOf(model: LoadedModel, gateTensors: Checkpoint['gateTensors'], fullOutputs: string[], hasDataMask: boolean): TauCut {
  if (gateTensors.length === 0) return { tauCut: null, gateThresholds: [], tauCutError: null };
  try {
    const gateThresholds = findGateThresholds(model.proto, gateTensors.map((g) => ({ unit: g.unit, score: g.score })), model.file, model);
    const exposed = exposeGateThresholds(addMissingOutputs(model.proto, fullOutputs), gateThresholds);
    const cut = hasDataMask ? cutAtTensors(exposed, [DATA_MASK]) : exposed;
    return { tauCut: encodeModelProto(withOutputs(cut, [PREDICTION, ...gateTensors.map((g) => g.mask)])), gateThresholds, tauCutError: null };
  } catch (e) {
    return { tauCut: null, gateThresholds: [], tauCutError: e instanceof Error ? e.message : String(e) };
  }
}

/** Adds contract tensors that exist in the graph but are not graph outputs (some exporters drop them). */
function addMissingOutputs(proto: LoadedModel['proto'], names: string[]): LoadedModel['proto'] {
  const graph = proto.graph ?? {};
  const have = new Set((graph.output ?? []).map((o) => o.name ?? ''));
  const produced = new Set((graph.node ?? []).flatMap((n) => n.output ?? []));
  const missing = names.filter((n) => !have.has(n) && produced.has(n));
  if (missing.length === 0) return proto;
  return { ...proto, graph: { ...graph, output: [...(graph.output ?? []), ...missing.map((name) => ({ name, type: { tensor_type: { elem_type: 1 } } }))] } };
}
