/**
 * The clean dense graph of a checkpoint: dense mode (every mask tensor cut and
 * re-created as an all-ones constant, `materializeConstantMasks`) with the
 * constants folded away (`foldOnesMuls`: every Mul by an all-ones tensor
 * removed, the derived masks at other resolutions, MaxPool / Pad / Resize /
 * Slice of the ones mask, dying with them), so a dense runtime times the
 * backbone alone. Same function as dense mode: outputs differ by float
 * rounding only.
 */
import { hasMasks, PREDICTION, type Checkpoint } from '../checkpoint/checkpoint';
import { decodeModelProto, type ModelProto } from '../onnx/proto';
import { allOnesMasks, materializeConstantMasks } from './constantMasks';
import { foldOnesMuls, type GraphEvaluator } from './foldOnes';
import { keepOutputs } from './surgery';

export type { GraphEvaluator };

/** What {@link cleanDense} removed. */
export interface CleanDenseReport {
  /** Names of the `Mul` nodes removed (one operand all ones after broadcasting). */
  foldedMuls: string[];
  /** Mask tensors folded (`dp_data_mask`, `dp_gate_mask_<i>`); empty for a checkpoint without masks. */
  masks: string[];
  /** Nodes of dense mode as materialized (constant masks expanded) and of the clean graph. */
  nodesBefore: number;
  nodesAfter: number;
}

/** The clean dense model (`x` -> `prediction`) and what was folded. */
export interface CleanDenseResult {
  model: ModelProto;
  report: CleanDenseReport;
}

/** Dense mode of `ck` as a graph `x` -> `prediction` (the checkpoint itself when it has no masks). */
function denseModeModel(ck: Checkpoint): ModelProto {
  if (!hasMasks(ck)) return keepOutputs(ck.model.proto, [PREDICTION]);
  return decodeModelProto(materializeConstantMasks(ck.model.proto, allOnesMasks(ck), 'dense'));
}

/**
 * Builds the clean dense graph of `ck`. `evaluate` runs a model once (e.g.
 * through an InferencePool). A checkpoint without masks gets only its
 * constant Muls by ones folded.
 */
export async function cleanDense(ck: Checkpoint, evaluate: GraphEvaluator): Promise<CleanDenseResult> {
  const base = denseModeModel(ck);
  const masks = hasMasks(ck) ? allOnesMasks(ck).map((m) => m.tensor) : [];
  const { model: cleaned, folded } = await foldOnesMuls(ck, base, masks, evaluate);
  const metadata = (cleaned.metadata_props ?? []).filter((p) => p.key !== 'dynapruner' && p.key !== 'dynapruner_studio_variant');
  metadata.push({
    key: 'dynapruner_studio_variant',
    value: JSON.stringify({ variant: 'dense', graph: 'clean dense (constant masks folded)', masks, foldedMuls: folded.length, source: ck.ref.name, sha256: ck.ref.sha256 }),
  });
  const model: ModelProto = { ...cleaned, metadata_props: metadata };
  return { model, report: { foldedMuls: folded, masks, nodesBefore: base.graph?.node?.length ?? 0, nodesAfter: model.graph?.node?.length ?? 0 } };
}
