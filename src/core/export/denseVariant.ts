/**
 * `export --variant dense`: the clean dense graph of a checkpoint (every mask
 * one, folded away with every Mul by it; src/core/graph/cleanDense.ts). Same
 * numbers as dense mode up to float rounding, without the mask generator, the
 * gate heads or any Mul by ones.
 */
import type { Checkpoint } from '../checkpoint/checkpoint';
import { cleanDense } from '../graph/cleanDense';
import type { GraphEvaluator } from '../graph/foldOnes';
import type { ModelProto } from '../onnx/proto';

/** What the dense export did, for its metadata and the CLI's summary. */
export interface DenseExportInfo {
  masks: string[];
  foldedMuls: number;
}

/** Builds the clean dense model of `ck`; `evaluate` runs the constant subgraph once. */
export async function buildDenseVariant(ck: Checkpoint, evaluate: GraphEvaluator): Promise<{ model: ModelProto; info: DenseExportInfo }> {
  const { model, report } = await cleanDense(ck, evaluate);
  return { model, info: { masks: report.masks, foldedMuls: report.foldedMuls.length } };
}
