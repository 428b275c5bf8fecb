/**
 * `export --variant sparse`: the checkpoint with its own per-input masks, each
 * gated conv computing only the filters its gate keeps for the input
 * (src/core/graph/channelGather.ts: NonZero of the gate, gathered weights,
 * compact activations between gated convs, full-width copies only where a
 * reader needs every channel). Same outputs as the checkpoint up to float
 * rounding; takes batch 1. With a TopK index (static shapes) each unit
 * selects its calibrated k filters (./topkCalibration.ts) and the graph also
 * returns `dp_index_overflow`.
 */
import type { Checkpoint } from '../checkpoint/checkpoint';
import { ContractRequiredError } from '../checkpoint/checkpoint';
import { gatherGatedChannels, type ChannelGatherReport, type TopkSelection } from '../graph/channelGather';
import { INDEX_OVERFLOW } from '../graph/topkIndex';
import { denseUnitsOf, withSparsePlan, type SparsePlan } from './sparsePlan';
import { sampleMacs } from '../experiments/analyze';
import type { ModelProto } from '../onnx/proto';

/** What the sparse export did, for its metadata and the CLI's summary. */
export interface SparseExportInfo {
  batch: 1;
  gatheredConvs: number;
  inputGatheredConvs: number;
  fullWidthCopies: number;
  /** Gated convs left as exported, with the reason (e.g. grouped convs, or kept dense by the plan). */
  denseConvs: Array<{ node: string; reason: string }>;
  /** Units kept dense by the plan. */
  denseUnits: number[];
  /** The plan's end-to-end ratio to clean dense (null when not calibrated) and its verdict. */
  ratioToCleanDense: number | null;
  verdict: string | null;
  /** Index selection; with topk the vector width, k per gathered unit and the overflow output. */
  index: 'nonzero' | 'topk';
  vectorWidth?: number;
  k?: Record<number, number>;
  overflowOutput?: string;
}

/** The TopK index of a sparse export: k per unit and the vector width it was rounded to. */
export interface SparseTopk extends TopkSelection {
  vectorWidth: number;
}

/** Refuses a checkpoint without gated units (nothing to gather). */
export function requireGatedUnits(ck: Checkpoint): void {
  if (ck.gateTensors.length === 0) throw new ContractRequiredError(ck.file, `the 'sparse' variant needs gated units (dp_gate_mask_<i>); this '${ck.contract.variant}' checkpoint has none`);
}

/**
 * Builds the channel-gathering model of `ck`, with the units `plan` keeps
 * dense in their exported form and the plan in the metadata; without a plan
 * every gatherable unit is gathered.
 */
export function buildSparseVariant(ck: Checkpoint, plan?: SparsePlan, topk?: SparseTopk): { model: ModelProto; info: SparseExportInfo } {
  requireGatedUnits(ck);
  const denseUnits = plan ? denseUnitsOf(plan) : new Set<number>();
  const { model, report } = gatherGatedChannels(ck, { denseUnits, index: topk });
  const index = report.index === 'topk' ? { vectorWidth: topk!.vectorWidth, k: report.k, overflowOutput: INDEX_OVERFLOW } : {};
  return {
    model: plan ? withSparsePlan(model, plan) : model,
    info: {
      batch: 1, gatheredConvs: report.gathered.length, inputGatheredConvs: report.inputGathered.length, fullWidthCopies: report.scattered, denseConvs: report.dense,
      denseUnits: [...denseUnits].sort((a, b) => a - b), ratioToCleanDense: plan?.endToEnd?.ratio ?? null, verdict: plan?.verdict ?? null,
      index: report.index, ...index,
    },
  };
}

/**
 * MACs the sparse graph executes on one input with gate masks `gates`
 * (ck.gateTensors order), per layer of `ck.layers`, overhead included: the
 * counting spec's count with the data mask all ones (positions are not
 * skipped), K_active for gathered convs, C_in_active where the input is
 * compact, full counts elsewhere.
 */
export function sparseExecutedLayerMacs(ck: Checkpoint, report: ChannelGatherReport, gates: ArrayLike<number>[]): number[] {
  const ones = new Float32Array(ck.spec.grid[0] * ck.spec.grid[1]).fill(1);
  const perLayer = sampleMacs(ck, ones, gates).perLayer;
  const gathered = new Set(report.gathered);
  const inputGathered = new Set(report.inputGathered);
  const widthRatio = (unit: number): number => {
    const i = ck.gateTensors.findIndex((g) => g.unit === unit);
    if (i < 0) return 1;
    let active = 0;
    for (let j = 0; j < gates[i].length; j++) active += gates[i][j] > 0.5 ? 1 : 0;
    return ck.gateTensors[i].channels / Math.max(1, active);
  };
  return ck.layers.map((l, i) => {
    let m = perLayer[i];
    if (l.outUnit !== null && !l.overhead && !gathered.has(l.node)) m *= widthRatio(l.outUnit);
    if (l.inUnit !== null && !l.overhead && !inputGathered.has(l.node)) m *= widthRatio(l.inUnit);
    return m;
  });
}

/** The total of {@link sparseExecutedLayerMacs}. */
export function sparseExecutedMacs(ck: Checkpoint, report: ChannelGatherReport, gates: ArrayLike<number>[]): number {
  return sparseExecutedLayerMacs(ck, report, gates).reduce((a, b) => a + b, 0);
}
