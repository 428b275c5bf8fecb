/**
 * `export --variant l1c`: static L1 filter pruning with the pruned filters
 * physically removed (src/core/graph/compact.ts): per gated unit the filters
 * with the largest weight L1 norms are kept at the filter sparsity (the
 * contract's `targets.s_w` unless given), the data mask is one and, as in the
 * clean dense graph, folded away with every Mul by it (`foldOnesMuls`).
 * Computes what the mask-cut graph computes with those static gates injected.
 */
import { ContractRequiredError, type Checkpoint } from '../checkpoint/checkpoint';
import { compactStaticGates, type CompactOptions } from '../graph/compact';
import { allOnesMasks } from '../graph/constantMasks';
import { foldOnesMuls, type GraphEvaluator } from '../graph/foldOnes';
import { filterL1Norms, l1Gate } from '../experiments/maskOps';
import type { ModelProto } from '../onnx/proto';

/**
 * Filter counts of units gated by a depthwise conv are rounded up to a
 * multiple of 8 with zeroed filters, so onnxruntime's blocked depthwise kernel
 * applies (measured in docs/remote.md "Compacted static L1").
 */
export const L1C_OPTIONS = { align: 8, alignGroupedOnly: true } as const satisfies CompactOptions;

/** What the l1c export kept, for its metadata and the CLI's summary. */
export interface L1cExportInfo {
  sparsity: number;
  align: number;
  alignGroupedOnly: boolean;
  /** Filters present per unit id (kept plus zeroed alignment filters). */
  filters: Record<number, number>;
  /** Muls by the all-ones data mask (at any resolution) removed after compaction. */
  foldedMuls: number;
}

/** The filter sparsity of the l1c variant: `sparsity`, else the contract's s_w; throws when neither applies. */
export function l1cSparsity(ck: Checkpoint, sparsity?: number): number {
  if (ck.gateTensors.length === 0) throw new ContractRequiredError(ck.file, `the 'l1c' variant needs gated units (dp_gate_mask_<i>); this '${ck.contract.variant}' checkpoint has none`);
  const s = sparsity ?? ck.contract.targets.s_w;
  if (s === null || s === undefined) throw new ContractRequiredError(ck.file, "the 'l1c' variant needs a filter sparsity: the contract has no targets.s_w (give one)");
  if (!(s >= 0 && s < 1)) throw new Error(`l1c: filter sparsity must be in [0, 1), found ${s}`);
  return s;
}

/**
 * Builds the compacted static-L1 model of `ck` at filter sparsity `sparsity`
 * (default: the contract's s_w); `evaluate` runs the constant subgraph once
 * to fold the all-ones data mask.
 */
export async function buildL1cVariant(ck: Checkpoint, evaluate: GraphEvaluator, sparsity?: number): Promise<{ model: ModelProto; info: L1cExportInfo }> {
  const s = l1cSparsity(ck, sparsity);
  const gates = new Map(ck.gateTensors.map((g) => [g.unit, l1Gate(filterL1Norms(ck, g.unit), s)]));
  const { model: compacted, report } = compactStaticGates(ck, gates, L1C_OPTIONS);
  const { model, folded } = await foldOnesMuls(ck, compacted, allOnesMasks(ck).map((m) => m.tensor), evaluate);
  const filters = Object.fromEntries([...report.width].map(([u, w]) => [u, w.length]));
  return { model, info: { sparsity: s, align: L1C_OPTIONS.align, alignGroupedOnly: L1C_OPTIONS.alignGroupedOnly, filters, foldedMuls: folded.length } };
}
