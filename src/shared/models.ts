/**
 * View models the host builds for panels that do not show an engine result
 * directly: the checkpoint overview (from the foundation's inspection report)
 * and the side-by-side comparison. Types only.
 */

/** One row of a facts table. */
export interface Fact {
  label: string;
  value: string;
}

/** A layer row of the overview table. */
export interface OverviewLayer {
  name: string;
  op: string;
  outputShape: string;
  params: number;
  macs: number;
}

/** Everything the Overview panel / custom editor shows about one checkpoint. */
export interface OverviewModel {
  /** Absolute path. */
  path: string;
  /** File name. */
  name: string;
  /** File size in bytes. */
  sizeBytes: number;
  /** Model facts (IR version, opset, producer, inputs, outputs). */
  model: Fact[];
  /** Contract facts (backbone, variant, t_in/t_out, channels, grid, targets), empty without a contract. */
  contract: Fact[];
  /** Contract variant, null for a plain ONNX model. */
  variant: string | null;
  /** Why a plain model cannot use the contract-only features, null when it follows the contract. */
  contractProblem: string | null;
  totals: { params: number; macs: number; flops: number };
  /** Gated units (contract), with their thresholds. */
  units: { id: number; name: string; node: string; channels: number; tau: number | null }[];
  /** Training metrics stored in the contract (key, value). */
  training: Fact[];
  layers: OverviewLayer[];
}

/** One checkpoint column of the comparison (Table I / Table IV layout). */
export interface CompareEntry {
  name: string;
  path: string;
  backbone: string | null;
  variant: string | null;
  denseMacs: number;
  /** Dense MACs without the mask generator and gate heads: the denominator of "MACs vs dense backbone". */
  denseBackboneMacs?: number;
  /** Mean effective MACs over the samples (null when the checkpoint could not be run). */
  meanEffectiveMacs: number | null;
  mse: number | null;
  mae: number | null;
  auc: number | null;
  activeFraction: number | null;
  /** Per-sample effective MACs (distribution plot). */
  perSampleMacs: number[];
  /** Error text when this checkpoint failed. */
  error: string | null;
}

/** Compare panel contents. */
export interface CompareModel {
  /** Data the checkpoints were evaluated on (file names). */
  data: string[];
  entries: CompareEntry[];
  /** The Pareto view's group of each entry (same order), when the user chose one instead of the contract's method. */
  groups?: string[];
}
