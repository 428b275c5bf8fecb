/**
 * Per-layer latency of a checkpoint's deployable variants and the latency
 * model fitted on it (schema `dynapruner.layer-latency` v1), as written by
 * `dynapruner latency --json`. Types only: panels import them.
 */

/** Schema tag and version of the result. */
export const LAYER_LATENCY_SCHEMA = 'dynapruner.layer-latency' as const;
export const LAYER_LATENCY_SCHEMA_VERSION = 1 as const;

/**
 * The variants measured: the checkpoint as exported, the clean dense graph,
 * compacted static L1, and the channel-gathering sparse executor (only when asked for).
 */
export const LATENCY_VARIANTS = ['ckpt', 'dense', 'l1c', 'sparse'] as const;
/** What `--variants` defaults to. */
export const DEFAULT_LATENCY_VARIANTS = ['ckpt', 'dense', 'l1c'] as const;
export type LatencyVariant = (typeof LATENCY_VARIANTS)[number];

/** One compute layer (a node with MACs in the FLOPs breakdown) of one variant. */
export interface LayerLatencyRow {
  name: string;
  op: string;
  /** Dense MACs of the layer in the checkpoint (batch 1). */
  denseMacs: number;
  /** MACs the variant computes for it per sample (mean over samples; mask-aware for `ckpt`). */
  macs: number;
  /** macs / sum of macs over the variant's compute layers. */
  macShare: number;
  /** Median over profiled runs of the time of the runtime nodes mapped to it, microseconds. */
  timeUs: number;
  /** timeUs / (sum of every row's timeUs, other ops included). */
  timeShare: number;
  /** Runtime nodes mapped to the layer (fused nodes count once). */
  nodes: number;
}

/** Time of runtime nodes that map to no compute layer, per op type. */
export interface OtherOpsRow {
  op: string;
  timeUs: number;
  timeShare: number;
  nodes: number;
}

/** One variant's per-layer profile and per-sample timings. */
export interface VariantLayerLatency {
  variant: LatencyVariant;
  description: string;
  /** Compute layers in the checkpoint's FLOPs breakdown order; layers the variant lacks have macs 0 and timeUs 0. */
  layers: LayerLatencyRow[];
  otherOps: OtherOpsRow[];
  /** Sum of the rows' median times, microseconds. */
  nodeTimeUs: number;
  /** Per sample: median wall time of one unprofiled run, ms. */
  perSampleMs: number[];
  /** Per sample: MACs the variant computes. */
  perSampleMacs: number[];
}

/** A fitted line time = a + b * MACs of one layer. */
export interface LayerFit {
  name: string;
  /** Microseconds. */
  a: number;
  /** Microseconds per MAC (0 when the points span no MAC range). */
  b: number;
  points: number;
}

/** The latency model of one variant and how well it predicts the measured per-sample latency. */
export interface VariantPrediction {
  variant: LatencyVariant;
  /** Which calibration runs the fits use. */
  calibration: string;
  fits: LayerFit[];
  /** Constant per run (nodes that map to no compute layer), microseconds. */
  otherUs: number;
  /** Per sample: predicted and measured latency, ms, and the MAC limit (clean dense time x MAC ratio). */
  samples: { macs: number; predictedMs: number; measuredMs: number; macLimitMs: number | null }[];
  /** Mean over samples of |predicted - measured| / measured, in percent. */
  meanAbsPctError: number;
  /** Sum over gated layers of b x dense MACs / sum of a + b x dense MACs: 0 when time does not depend on MACs. */
  macSensitivity: number;
  /** A sentence for the reader (e.g. masks do not change this variant's time). */
  note: string;
}

/** The whole result. */
export interface LayerLatencyResult {
  schema: typeof LAYER_LATENCY_SCHEMA;
  schemaVersion: typeof LAYER_LATENCY_SCHEMA_VERSION;
  checkpoint: { name: string; sha256: string };
  runtime: { name: string; version: string; intraOpThreads: 1; batch: 1; warmup: number; iterations: number; graphOptimization: 'all' };
  samples: { count: number; source: string };
  /** Clean dense (else the first variant): median unprofiled wall time / sum of its per-node median times. */
  profileScale: number;
  variants: VariantLayerLatency[];
  model: VariantPrediction[];
  /** Kept fractions of the random gate masks injected to calibrate the gated layers. */
  injectedKeptFractions: number[];
}
