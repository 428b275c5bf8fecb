/**
 * Results schema of the analysis engine (schemaVersion 1).
 *
 * Everything the engine produces (per-sample analysis, data-set aggregates,
 * sweeps, the run record under `.dynapruner/runs/<id>/run.json`) is plain JSON
 * with these types, so the CLI, the HTML report, the webviews and the remote
 * runner exchange the same objects. Types only (no runtime code, no Node API):
 * webviews can `import type` this file. Maps travel as {@link EncodedArray}
 * (base64 of little-endian float32 / uint8 with a shape) so 64 samples of
 * 33x36 maps stay small and decode in microseconds; use
 * `src/core/schema/encoding.ts` (`encodeF32`, `decodeF32`, ...) to read them.
 *
 * Conventions: MACs are multiply-accumulates (FLOPs = 2 x MACs) counted as in
 * the counting spec; errors are in normalised units on valid pixels only;
 * maps are `[H, W]` row-major unless their `shape` says otherwise.
 */

/** Bumped on any incompatible change of the types below. */
export const RESULTS_SCHEMA_VERSION = 1 as const;

/** A dense n-d array: base64 of its little-endian bytes, row-major. */
export interface EncodedArray {
  /** `f32`: Float32Array bytes; `u8`: Uint8Array bytes (0/1 masks). */
  dtype: 'f32' | 'u8';
  /** Dimensions, row-major; product = element count. */
  shape: number[];
  /** Base64 (standard alphabet, padded) of the raw bytes. */
  data: string;
}

/** Mean / spread of a per-sample quantity over a data set. */
export interface Distribution {
  /** Number of values summarised. */
  n: number;
  mean: number;
  /** Sample standard deviation (0 when n < 2). */
  std: number;
  /** 5th and 95th percentiles (linear interpolation). */
  p5: number;
  p95: number;
  min: number;
  max: number;
  /** 95% confidence interval of the mean (Student t), [low, high]. */
  ci95: [number, number];
}

/** Mean with a 95% confidence interval (over samples x seeds). */
export interface Estimate {
  n: number;
  mean: number;
  std: number;
  ci95: [number, number];
}

/** Which checkpoint and contract an analysis used. */
export interface ModelRef {
  /** Path as given (absolute in run records). */
  path: string;
  /** File name without folders. */
  name: string;
  /** sha256 of the .onnx bytes (hex). */
  sha256: string;
  /** Contract fields, null for a plain (contract-less) model. */
  backbone: string | null;
  variant: string | null;
  contractVersion: number | null;
  tIn: number;
  tOut: number;
  channels: string[];
  /** [H, W]. */
  grid: [number, number];
  dataThreshold: number | null;
}

/** Where the samples came from. */
export interface DataRef {
  /** The files read (absolute paths). */
  files: string[];
  /** `netcdf` | `npy` | `npz`. */
  format: 'netcdf' | 'npy' | 'npz';
  /** Split used (`test` from the contract's dataset, or `all` for .npy windows). */
  split: string;
  /** Time index of the first input frame of each window (null for .npy/.npz windows). */
  windowStarts: number[] | null;
  /** Fraction of target pixels (over t, c, h, w) that are valid. */
  validFraction: number;
  /** Grid coordinates, channel variables, units and normalisation; null or absent in results written before it existed. */
  geography?: DataGeography | null;
}

/** The y and x coordinate variables of the grid (after crop and coarsening), one value per row / column. */
export interface GridCoordinates {
  /** Coordinate variable names, e.g. `lat`, `lon`. */
  yName: string;
  xName: string;
  /** Length H (row 0 = first row of the field). */
  y: number[];
  /** Length W. */
  x: number[];
  /** True when y is latitude and x longitude (by name or CF units) on a regular grid: maps get coastlines and lat/lon. */
  geographic: boolean;
}

/** What one model channel is in physical terms. */
export interface ChannelPhysics {
  /** Channel name of the contract. */
  channel: string;
  /** Variable read from the data (null for pre-windowed .npy / .npz data). */
  variable: string | null;
  /** Physical units of the variable (null when unknown). */
  units: string | null;
  /** Where the units come from: the file's `units` attribute, or the data set's documentation when the file has none. */
  unitsSource: 'file' | 'dataset' | null;
  /** Normalisation of the contract: normalised = (f(x) - mean) / std, f = identity (`zscore`) or log1p(max(x, 0)) (`log1p`). */
  mean: number;
  std: number;
  transform: 'zscore' | 'log1p';
}

/** Geography and physics of an analysis's data (the map inspector's read-out and coastlines). */
export interface DataGeography {
  /** Null when the data has no coordinate variables (e.g. .npy windows). */
  coordinates: GridCoordinates | null;
  /** Per model channel, in model order. */
  channels: ChannelPhysics[];
}

/** One layer (conv-like node) of the MAC breakdown; order = graph order. */
export interface LayerInfo {
  node: string;
  op: string;
  denseMacs: number;
  /** True for mask-generator / gate-head nodes (counted dense, reported apart). */
  overhead: boolean;
  /** Contract bindings (null when unbound). */
  outUnit: number | null;
  inUnit: number | null;
  spatialMask: boolean;
}

/** One gated unit of the contract. */
export interface UnitInfo {
  id: number;
  name: string;
  node: string;
  channels: number;
  tau: number;
}

/** Effective MACs of one sample (counting spec, mask-aware). */
export interface SampleMacs {
  /** Per layer, aligned with {@link Analysis.layers}. */
  perLayer: number[];
  /** Sum over non-overhead layers. */
  backbone: number;
  /** Sum over overhead layers (mask generator, gate heads). */
  overhead: number;
  /** backbone + overhead + other MAC-bearing nodes (MatMul/Gemm not bound). */
  total: number;
  /** Dense total of the same graph (for ratios). */
  dense: number;
}

/** Gate of one unit for one sample. */
export interface SampleGate {
  unit: number;
  /** Importance scores I (length K). */
  scores: number[];
  /** Hard mask 0/1 (length K). */
  mask: number[];
  /** Ones in mask. */
  active: number;
}

/** Error metrics on valid pixels (normalised units). */
export interface ErrorMetrics {
  mse: number;
  mae: number;
}

/** Full analysis of one sample (window). */
export interface SampleAnalysis {
  /** Index in the data set's window list. */
  index: number;
  /** Time index of the window's first input frame (null if unknown). */
  windowStart: number | null;
  /** Importance map S `[H, W]` f32 (null for variants without it). */
  importance: EncodedArray | null;
  /** Hard data mask `[H, W]` u8 (null for variants without it). */
  dataMask: EncodedArray | null;
  /** Ones in the data mask / (H*W); 1 without a data mask. */
  activeFraction: number;
  /** Per unit, in contract order (empty without gates). */
  gates: SampleGate[];
  macs: SampleMacs;
  /** Last input frame `[C, H, W]` f32 (what the masks panel shows as input). */
  inputLast: EncodedArray;
  /** Prediction `[T_out, C, H, W]` f32. */
  prediction: EncodedArray;
  /** Target `[T_out, C, H, W]` f32 (null when the data has no targets). */
  target: EncodedArray | null;
  /** Validity of target pixels `[T_out, C, H, W]` u8 (null = all valid). */
  valid: EncodedArray | null;
  /** |Delta| = mean_t |Y_t - X_last| averaged over channels `[H, W]` f32 (method spec 9). */
  absDelta: EncodedArray | null;
  /** Mean over t, c of |prediction - target| on valid pixels `[H, W]` f32. */
  errorMap: EncodedArray | null;
  /**
   * Mean over t, c of |prediction - dense prediction| `[H, W]` f32. "Dense"
   * here and in `denseVsTarget` / `vsDense` is the clean dense graph of this
   * checkpoint: every mask one and folded away (src/core/graph/cleanDense.ts),
   * same numbers as dense mode (masks injected as ones) up to float rounding;
   * what changed is the graph timed as the dense baseline.
   */
  denseDiffMap: EncodedArray;
  /** Against the target (null without targets). */
  vsTarget: ErrorMetrics | null;
  /** The clean dense graph (same weights, masks off) against the target. */
  denseVsTarget: ErrorMetrics | null;
  /** The trained dense checkpoint ({@link Analysis.trainedDense}) against the target; null or absent without one. */
  trainedDenseVsTarget?: ErrorMetrics | null;
  /** Persistence (last input frame repeated) against the target. */
  persistenceVsTarget: ErrorMetrics | null;
  /** Against the clean dense graph's prediction (valid pixels). */
  vsDense: ErrorMetrics;
  /** Importance alignment (method spec 9); null without S or targets. */
  alignment: { auc: number; spearman: number } | null;
}

/** Aggregates of a per-sample analysis over the data set. */
export interface DatasetAggregates {
  samples: number;
  activeFraction: Distribution;
  effectiveMacs: Distribution;
  overheadMacs: Distribution;
  /** 1 - effective/dense per sample. */
  macReduction: Distribution;
  /** Per layer effective MACs, aligned with {@link Analysis.layers}. */
  perLayer: Distribution[];
  mse: Distribution | null;
  mae: Distribution | null;
  /** The clean dense graph (same weights, masks off). */
  denseMse: Distribution | null;
  denseMae: Distribution | null;
  /** The trained dense checkpoint; null or absent without one. */
  trainedDenseMse?: Distribution | null;
  trainedDenseMae?: Distribution | null;
  persistenceMse: Distribution | null;
  mseVsDense: Distribution;
  auc: Distribution | null;
  spearman: Distribution | null;
  /** Per unit: fraction of samples in which each filter was active (length K). */
  filterFrequency: { unit: number; frequency: number[] }[];
}

/** `dynapruner run` result: per-sample analysis and aggregates. */
export interface Analysis {
  schemaVersion: typeof RESULTS_SCHEMA_VERSION;
  kind: 'analysis';
  createdAt: string;
  model: ModelRef;
  data: DataRef;
  layers: LayerInfo[];
  units: UnitInfo[];
  /** Dense MACs of the whole graph (equals `inspect`'s total). */
  denseMacs: number;
  /**
   * The separately trained dense checkpoint of the same backbone found beside
   * this one (`<backbone>_dense.onnx`), the second dense reference; null or
   * absent when there is none.
   */
  trainedDense?: ModelRef | null;
  samples: SampleAnalysis[];
  aggregates: DatasetAggregates;
}

/** Which masks a sweep configuration injects. */
export type MaskMethod =
  /** The checkpoint's own masks (no injection). */
  | 'dynapruner'
  /** All masks one: the clean dense graph (masks folded away; same numbers as dense mode up to float rounding). */
  | 'dense'
  /** Random data mask at the checkpoint's mean active fraction, random filters at its per-unit counts. */
  | 'random'
  /** Static L1-norm filter pruning (data mask all ones), sparsity matched to the checkpoint's effective MACs. */
  | 'l1'
  /** Own data mask, gates all one (DP only by injection). */
  | 'dp_only'
  /** Own gates, data mask all one (MP only by injection). */
  | 'mp_only';

/** One evaluated configuration of a sweep. */
export interface SweepConfig {
  method: MaskMethod;
  /** Gaussian input noise sigma (normalised units). */
  noiseSigma: number;
  /** Fraction of active data-mask pixels flipped to 0. */
  failureRate: number;
  /** Also flip this fraction of active gates (method spec 8, optional). */
  gateFailure: boolean;
  /** Data threshold used to recompute the data mask from S (null: checkpoint's own). */
  dataThreshold: number | null;
  /**
   * Offset added to every unit's tau (0: own). Applied inside the graph (each
   * tau is fed as an input), so later units' gates react to earlier masked
   * activations: the exact cascade, not a re-threshold of one pass's scores.
   */
  tauOffset: number;
  /** For `l1`: fraction of filters pruned per unit. */
  l1Sparsity: number | null;
}

/** Result of one configuration over samples x seeds. */
export interface SweepPoint {
  /** Stable id, e.g. `noise:dynapruner:0.05`. */
  id: string;
  config: SweepConfig;
  seeds: number[];
  mse: Estimate;
  mae: Estimate;
  effectiveMacs: Estimate;
  activeFraction: Estimate;
  /** Fraction of gated filters active (mean over units, samples, seeds); 1 without gates. */
  filterFraction: Estimate;
}

/** `dynapruner sweep` result (method spec section 8). */
export interface SweepResult {
  schemaVersion: typeof RESULTS_SCHEMA_VERSION;
  kind: 'sweep';
  createdAt: string;
  model: ModelRef;
  data: DataRef;
  denseMacs: number;
  /**
   * MACs of the clean dense graph (the `dense` method): `denseMacs` without the
   * mask generator and gate heads. The reference of the tables' "GMACs vs
   * dense"; absent in results written before it existed.
   */
  denseBackboneMacs?: number;
  seeds: number[];
  grids: {
    noise: number[];
    failure: number[];
    baselines: MaskMethod[];
    dataThresholds: number[];
    tauOffsets: number[];
  };
  /** methods x noise sigmas (failure 0). */
  noise: SweepPoint[];
  /** methods with a data mask x failure rates (noise 0). */
  failure: SweepPoint[];
  /** Sensitivity: data thresholds x tau offsets; `pareto` marks the non-dominated ids. */
  sensitivity: { points: SweepPoint[]; pareto: string[] };
  /** DP-only / MP-only / full by injection, plus dense. */
  ablation: SweepPoint[];
  /** The trained dense checkpoint of the same backbone on the clean samples (Table I's second dense reference); null or absent without one. */
  trainedDense?: TrainedDensePoint | null;
  /** CSV-ready tables laid out like the paper's Tables I-IV. */
  tables: PaperTables;
}

/** A separately trained dense checkpoint evaluated on a sweep's clean samples. */
export interface TrainedDensePoint {
  model: ModelRef;
  /** Its dense MACs per sample (it has no masks). */
  denseMacs: number;
  mse: Estimate;
  mae: Estimate;
}

/** A table: header row and string cells (already formatted). */
export interface Table {
  title: string;
  columns: string[];
  rows: string[][];
}

/**
 * Table I: methods (dense, static L1, random, Dyna-Pruner): MSE, MAE, dense and effective GMACs, change vs dense.
 * Table II: robustness: clean, noise sigmas, failure rates (MSE, change vs clean).
 * Table III: sensitivity: data threshold x tau offset: MSE, GMACs, active fractions.
 * Table IV: ablation by injection: DP / MP / synergy flags, MSE, GMACs.
 */
export interface PaperTables {
  table1: Table;
  table2: Table;
  table3: Table;
  table4: Table;
}

/** Record saved as `.dynapruner/runs/<id>/run.json` (the Runs tree lists these). */
export interface RunRecord {
  schemaVersion: typeof RESULTS_SCHEMA_VERSION;
  kind: 'run';
  /** `<yyyymmdd-hhmmss>-<command>-<model name>`; also the folder name. */
  id: string;
  /** `run` | `sweep` | `report` | `profile` (remote). */
  command: string;
  createdAt: string;
  /** Wall time of the work in seconds. */
  durationSeconds: number;
  model: ModelRef;
  data: DataRef | null;
  /** Command-line style arguments used (for re-running). */
  args: string[];
  /** Files in the run folder, relative to it (e.g. `analysis.json`, `sweep.json`, `tables/table1.csv`, `report.html`). */
  files: string[];
  /** Headline numbers for the tree view description. */
  summary: {
    samples: number;
    denseMacs: number;
    meanEffectiveMacs: number | null;
    mse: number | null;
    auc: number | null;
  };
}
