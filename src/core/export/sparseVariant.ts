/**
 * `export --variant sparse`: the checkpoint with its own per-input masks, each
 * gated conv computing only the filters its gate keeps for the input
 * (src/core/graph/channelGather.ts: NonZero of the gate, gathered weights,
 * compact activations between gated convs, full-width copies only where a
 * reader needs every channel). Same outputs as the checkpoint up to float
 * rounding; takes batch 1.
 */
import type { Checkpoint } from '../checkpoint/checkpoint';
import { ContractRequiredError } from '../checkpoint/checkpoint';
import { gatherGatedChannels } from '../graph/channelGather';
import type { ModelProto } from '../onnx/proto';

/** What the sparse export did, for its metadata and the CLI's summary. */
export interface SparseExportInfo {
  batch: 1;
  gatheredConvs: number;
  inputGatheredConvs: number;
  fullWidthCopies: number;
  /** Gated convs left as exported, with the reason (e.g. grouped convs). */
  denseConvs: Array<{ node: string; reason: string }>;
}

/** Builds the channel-gathering model of `ck`; a checkpoint without gated units is refused. */
export function buildSparseVariant(ck: Checkpoint): { model: ModelProto; info: SparseExportInfo } {
  if (ck.gateTensors.length === 0) throw new ContractRequiredError(ck.file, `the 'sparse' variant needs gated units (dp_gate_mask_<i>); this '${ck.contract.variant}' checkpoint has none`);
  const { model, report } = gatherGatedChannels(ck);
  return {
    model,
    info: { batch: 1, gatheredConvs: report.gathered.length, inputGatheredConvs: report.inputGathered.length, fullWidthCopies: report.scattered, denseConvs: report.dense },
  };
}
