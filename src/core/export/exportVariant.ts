/**
 * Deployable variants of a checkpoint as standalone ONNX models (`x` ->
 * `prediction`): `dense` (the clean dense graph), `l1c` (static L1,
 * compacted) and `sparse` (the checkpoint's own masks, gated convs computing
 * only their active filters; batch 1). Each records in its metadata_props, under `dynapruner_export`,
 * what it is: the variant, the source checkpoint's name and sha256, and the
 * options it was built with.
 */
import type { Checkpoint } from '../checkpoint/checkpoint';
import type { GraphEvaluator } from '../graph/cleanDense';
import { encodeModelProto, type ModelProto } from '../onnx/proto';
import { buildDenseVariant } from './denseVariant';
import { buildL1cVariant } from './l1cVariant';
import { buildSparseVariant, type SparseTopk } from './sparseVariant';
import type { SparsePlan } from './sparsePlan';

/** The variants `exportVariant` builds. */
export const EXPORT_VARIANTS = ['dense', 'l1c', 'sparse'] as const;
export type ExportVariant = (typeof EXPORT_VARIANTS)[number];

/** Metadata key of the export record. */
export const EXPORT_METADATA_KEY = 'dynapruner_export';

/** Options of {@link exportVariant}. */
export interface ExportOptions {
  /** Runs a model once (the constant masks are evaluated with it before they are folded). */
  evaluate: GraphEvaluator;
  /** l1c: filter sparsity (default: the contract's targets.s_w). */
  sparsity?: number;
  /** sparse: the per-unit plan (default: every gatherable unit gathered, no plan recorded). */
  sparsePlan?: SparsePlan;
  /** sparse: TopK index selection with a calibrated k per unit (static shapes); default NonZero. */
  sparseTopk?: SparseTopk;
}

/** The exported model, its bytes and the record written into its metadata. */
export interface ExportResult {
  model: ModelProto;
  bytes: Uint8Array;
  record: ExportRecord;
}

/** What `dynapruner_export` says. */
export interface ExportRecord {
  variant: ExportVariant;
  source: string;
  sourceSha256: string;
  options: Record<string, unknown>;
}

/** Builds `variant` of `ck` and stamps the export record into its metadata. */
export async function exportVariant(ck: Checkpoint, variant: ExportVariant, opts: ExportOptions): Promise<ExportResult> {
  const built = variant === 'dense' ? await buildDenseVariant(ck, opts.evaluate)
    : variant === 'l1c' ? await buildL1cVariant(ck, opts.evaluate, opts.sparsity)
      : buildSparseVariant(ck, opts.sparsePlan, opts.sparseTopk);
  const record: ExportRecord = { variant, source: ck.ref.name, sourceSha256: ck.ref.sha256, options: { ...built.info } };
  const metadata = (built.model.metadata_props ?? []).filter((p) => p.key !== EXPORT_METADATA_KEY);
  metadata.push({ key: EXPORT_METADATA_KEY, value: JSON.stringify(record) });
  const model: ModelProto = { ...built.model, metadata_props: metadata };
  return { model, bytes: encodeModelProto(model), record };
}
