/**
 * The Dyna-Pruner checkpoint contract (v1): types and a strict parser for the
 * `dynapruner` metadata JSON (see docs/foundation.md and the checkpoint contract
 * spec). Unknown keys are ignored; a missing key or a wrong type is an error
 * naming the file and the key; a higher contract version is refused naming both.
 */

import { contractValueProblems, type ContractProblem } from './contractValues';
import { DescriptionError, parseDatasetDescription, type DatasetDescription } from './datasetDescription';

/** Highest contract version this reader understands. */
export const CONTRACT_VERSION = 1;

/** Metadata key holding the contract JSON. */
export const CONTRACT_METADATA_KEY = 'dynapruner';

/** A gated unit: a conv / linear whose output filters have a gate. */
export interface ContractUnit {
  id: number;
  name: string;
  /** ONNX node name of the gated conv-like node. */
  node: string;
  /** Number of output filters K. */
  channels: number;
  /** Learned threshold. */
  tau: number;
  /** Tensor name of the unit's importance scores `[N, K]`. */
  score: string;
  /** Tensor name of the unit's hard mask `[N, K]`. */
  mask: string;
}

/** Mask binding of one conv-like node. */
export interface ContractLayer {
  node: string;
  /** Output positions multiplied by the spatial mask of its resolution. */
  spatial_mask: boolean;
  /** Unit gating this node's output filters, or null. */
  out_unit: number | null;
  /** Unit that gated the channels this node reads, or null. */
  in_unit: number | null;
  /** The tensor where this layer's gated (and spatially masked) output ends, when the exporter records it. */
  masked_output?: string | null;
  /** The gate mask tensor multiplied into this layer's output, when recorded (null: none). */
  gate_mask_tensor?: string | null;
}

/** The parsed `dynapruner` metadata. */
export interface DynaPrunerContract {
  contract: number;
  backbone: string;
  variant: string;
  t_in: number;
  t_out: number;
  channels: string[];
  grid: [number, number];
  normalization: { mean: number[]; std: number[] };
  data_threshold: number | null;
  targets: { s_d: number | null; s_w: number | null };
  units: ContractUnit[];
  layers: ContractLayer[];
  overhead_nodes: string[];
  /** `description` is null for contracts before data set descriptions (the storm data set by file names). */
  dataset: { name: string; train: [number, number]; val: [number, number]; test: [number, number]; description: DatasetDescription | null } | null;
  training: Record<string, unknown> | null;
}

/** A contract that cannot be used: names the file and the problem. */
export class ContractError extends Error {
  constructor(readonly file: string, readonly problem: string) {
    super(`${file}: dynapruner metadata: ${problem}`);
    this.name = 'ContractError';
  }
}

type Json = unknown;

/** Small typed field readers that throw ContractError naming the key path. */
class Fields {
  constructor(private readonly file: string) {}

  fail(key: string, expected: string, got: Json): never {
    const found = got === undefined ? 'missing' : `found ${JSON.stringify(got)?.slice(0, 60)}`;
    throw new ContractError(this.file, `key '${key}' ${got === undefined ? 'is missing' : 'has the wrong type'} (expected ${expected}, ${found})`);
  }
  obj(o: Record<string, Json>, key: string, path: string): Record<string, Json> {
    const v = o[key];
    if (v === null || typeof v !== 'object' || Array.isArray(v)) this.fail(path, 'an object', v);
    return v as Record<string, Json>;
  }
  num(o: Record<string, Json>, key: string, path: string): number {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(path, 'a number', v);
    return v as number;
  }
  int(o: Record<string, Json>, key: string, path: string): number {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isInteger(v)) this.fail(path, 'an integer', v);
    return v as number;
  }
  numOrNull(o: Record<string, Json>, key: string, path: string): number | null {
    return o[key] === null ? null : this.num(o, key, path);
  }
  optNum(o: Record<string, Json>, key: string, path: string): number | null {
    return o[key] === undefined || o[key] === null ? null : this.num(o, key, path);
  }
  intOrNull(o: Record<string, Json>, key: string, path: string): number | null {
    return o[key] === null ? null : this.int(o, key, path);
  }
  str(o: Record<string, Json>, key: string, path: string): string {
    const v = o[key];
    if (typeof v !== 'string') this.fail(path, 'a string', v);
    return v as string;
  }
  optStr(o: Record<string, Json>, key: string, path: string): string | null {
    return o[key] === undefined || o[key] === null ? null : this.str(o, key, path);
  }
  bool(o: Record<string, Json>, key: string, path: string): boolean {
    const v = o[key];
    if (typeof v !== 'boolean') this.fail(path, 'true or false', v);
    return v as boolean;
  }
  arr(o: Record<string, Json>, key: string, path: string): Json[] {
    const v = o[key];
    if (!Array.isArray(v)) this.fail(path, 'an array', v);
    return v as Json[];
  }
  nums(o: Record<string, Json>, key: string, path: string, len?: number): number[] {
    const a = this.arr(o, key, path);
    a.forEach((x, i) => {
      if (typeof x !== 'number') this.fail(`${path}[${i}]`, 'a number', x);
    });
    if (len !== undefined && a.length !== len) this.fail(path, `${len} numbers`, a);
    return a as number[];
  }
  strs(o: Record<string, Json>, key: string, path: string): string[] {
    const a = this.arr(o, key, path);
    a.forEach((x, i) => {
      if (typeof x !== 'string') this.fail(`${path}[${i}]`, 'a string', x);
    });
    return a as string[];
  }
  item(x: Json, path: string): Record<string, Json> {
    if (x === null || typeof x !== 'object' || Array.isArray(x)) this.fail(path, 'an object', x);
    return x as Record<string, Json>;
  }
}

/**
 * Parses and type-checks the contract JSON. `file` names the model in errors.
 * Throws ContractError for invalid JSON, a missing key, a wrong type, or a
 * contract version higher than CONTRACT_VERSION.
 */
export function parseContract(json: string, file: string): DynaPrunerContract {
  let raw: Json;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new ContractError(file, `not valid JSON (${(e as Error).message})`);
  }
  const f = new Fields(file);
  const o = f.item(raw, '(root)');
  const version = f.int(o, 'contract', 'contract');
  if (version > CONTRACT_VERSION) {
    throw new ContractError(file, `contract version ${version} is newer than this reader supports (version ${CONTRACT_VERSION}); update Dyna-Pruner Studio`);
  }
  if (version < 1) f.fail('contract', 'a version >= 1', version);
  const norm = f.obj(o, 'normalization', 'normalization');
  const targets = o.targets === undefined ? {} : f.obj(o, 'targets', 'targets');
  const units = f.arr(o, 'units', 'units').map((x, i): ContractUnit => {
    const p = `units[${i}]`;
    const u = f.item(x, p);
    return {
      id: f.int(u, 'id', `${p}.id`),
      name: f.str(u, 'name', `${p}.name`),
      node: f.str(u, 'node', `${p}.node`),
      channels: f.int(u, 'channels', `${p}.channels`),
      tau: f.num(u, 'tau', `${p}.tau`),
      score: f.str(u, 'score', `${p}.score`),
      mask: f.str(u, 'mask', `${p}.mask`),
    };
  });
  const layers = f.arr(o, 'layers', 'layers').map((x, i): ContractLayer => {
    const p = `layers[${i}]`;
    const l = f.item(x, p);
    return {
      node: f.str(l, 'node', `${p}.node`),
      spatial_mask: f.bool(l, 'spatial_mask', `${p}.spatial_mask`),
      out_unit: f.intOrNull(l, 'out_unit', `${p}.out_unit`),
      in_unit: f.intOrNull(l, 'in_unit', `${p}.in_unit`),
      // Exporter-recorded tensors: present only when the contract has them.
      ...(l.masked_output === undefined ? {} : { masked_output: f.optStr(l, 'masked_output', `${p}.masked_output`) }),
      ...(l.gate_mask_tensor === undefined ? {} : { gate_mask_tensor: f.optStr(l, 'gate_mask_tensor', `${p}.gate_mask_tensor`) }),
    };
  });
  let dataset: DynaPrunerContract['dataset'] = null;
  if (o.dataset !== undefined && o.dataset !== null) {
    const d = f.obj(o, 'dataset', 'dataset');
    dataset = {
      name: f.str(d, 'name', 'dataset.name'),
      train: f.nums(d, 'train', 'dataset.train', 2) as [number, number],
      val: f.nums(d, 'val', 'dataset.val', 2) as [number, number],
      test: f.nums(d, 'test', 'dataset.test', 2) as [number, number],
      description: null,
    };
  }
  const contract: DynaPrunerContract = {
    contract: version,
    backbone: f.str(o, 'backbone', 'backbone'),
    variant: f.str(o, 'variant', 'variant'),
    t_in: f.int(o, 't_in', 't_in'),
    t_out: f.int(o, 't_out', 't_out'),
    channels: f.strs(o, 'channels', 'channels'),
    grid: f.nums(o, 'grid', 'grid', 2) as [number, number],
    normalization: { mean: f.nums(norm, 'mean', 'normalization.mean'), std: f.nums(norm, 'std', 'normalization.std') },
    data_threshold: f.optNum(o, 'data_threshold', 'data_threshold'),
    targets: { s_d: f.optNum(targets, 's_d', 'targets.s_d'), s_w: f.optNum(targets, 's_w', 'targets.s_w') },
    units,
    layers,
    overhead_nodes: o.overhead_nodes === undefined ? [] : f.strs(o, 'overhead_nodes', 'overhead_nodes'),
    dataset,
    training: o.training && typeof o.training === 'object' ? (o.training as Record<string, unknown>) : null,
  };
  if (contract.dataset) contract.dataset.description = describedDataset(o.dataset, contract, file);
  checkInternal(contract, file);
  return contract;
}

/** The dataset's `description`, checked against the contract's channels, grid and window; null when absent. */
function describedDataset(dataset: Json, contract: DynaPrunerContract, file: string): DatasetDescription | null {
  const value = (dataset as Record<string, Json>).description;
  if (value === undefined || value === null) return null;
  try {
    return parseDatasetDescription(value, file, contract);
  } catch (error) {
    if (error instanceof DescriptionError) throw new ContractError(file, error.problem);
    throw error;
  }
}

/** Cross-field checks that need no graph: unit ids unique, bindings refer to known units, sizes agree. */
function checkInternal(c: DynaPrunerContract, file: string): void {
  const ids = new Set<number>();
  for (const u of c.units) {
    if (ids.has(u.id)) throw new ContractError(file, `units: id ${u.id} appears twice`);
    ids.add(u.id);
  }
  c.layers.forEach((l, i) => {
    for (const k of ['out_unit', 'in_unit'] as const) {
      const v = l[k];
      if (v !== null && !ids.has(v)) throw new ContractError(file, `layers[${i}].${k} is ${v}, expected the id of one of the units (${[...ids].join(', ') || 'none'})`);
    }
  });
  const nc = c.channels.length;
  if (c.normalization.mean.length !== nc || c.normalization.std.length !== nc) {
    throw new ContractError(file, `normalization.mean/std have ${c.normalization.mean.length}/${c.normalization.std.length} entries, expected ${nc} (one per channel)`);
  }
  const problems = contractValueProblems(c);
  if (problems.length > 0) throw contractProblemError(file, problems);
}

/** The error for a list of value problems: the first one, and how many more there are. */
export function contractProblemError(file: string, problems: ContractProblem[]): ContractError {
  const [first] = problems;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more: ${problems.slice(1, 4).map((p) => p.key).join(', ')}${problems.length > 4 ? ', ...' : ''})` : '';
  return new ContractError(file, `key '${first.key}' is ${first.found}, expected ${first.expected}${more}`);
}
