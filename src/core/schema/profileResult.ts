/**
 * The result of profiling one checkpoint on one device (schema
 * `dynapruner.remote-profile` v1), saved as `profile.json` beside the
 * engine's `run.json` under `.dynapruner/runs/<id>/`. Types only: the panel
 * imports them.
 */
import type { SparsePlan } from '../export/sparsePlan';
import type { DeviceFacts } from '../remote/device/deviceProbe';
import type { LatencyStats } from '../remote/profile/latencyStats';
import type { PowerSummary } from '../remote/device/powerWindow';
import type { VariantMacs } from '../remote/profile/variants';

/** Schema tag and version of profile.json. */
export const PROFILE_SCHEMA = 'dynapruner.remote-profile' as const;
export const PROFILE_SCHEMA_VERSION = 1 as const;

/** Runner backends. */
export type ProfileBackend = 'node' | 'ort' | 'trtexec';

/**
 * The latency model's prediction of a variant's per-sample latency on the
 * device, fitted on the run's own per-node profile (`profile --layers`),
 * against what was measured on the same samples.
 */
export interface LatencyPrediction {
  /** Means over the samples of the predicted and the measured per-sample latency, ms. */
  predictedMs: number;
  measuredMs: number;
  /** Mean over the samples of |predicted - measured| / measured, percent. */
  meanAbsPctError: number;
  samples: number;
  /** Clean dense time x this variant's MAC ratio (what a kernel proportional to MACs would give); null without clean dense. */
  macLimitMs: number | null;
  /** Which runs the per-layer fits use, and the profile scale. */
  fittedOn: string;
  /** How the prediction is made (in-sample). */
  basis: string;
}

/** One variant's measurements. */
export interface VariantProfile {
  /** `ckpt` (as exported), `dense` (dense mode), `l1` (static L1), `cmp-<name>` (--compare-with), ... */
  id: string;
  label: string;
  /** What the variant is (how it was built). */
  description?: string;
  /** Mask-aware MACs per sample of the graph that ran, counted locally by the engine (contract checkpoints). */
  effectiveMacs?: VariantMacs;
  sha256: string;
  latencyMs: LatencyStats;
  /** Every timed latency, for histograms (node/ort backends). */
  latenciesMs: number[];
  /** Inferences per second over the timed window. */
  throughputQps: number;
  /** Per-sample inference time, ms (node/ort backends). */
  perSampleMs: number[];
  /** Per-node profile runs from the device (`profile --layers`, node/ort runners): kernel name after fusion, op type, microseconds. */
  layerRuns?: { nodes: { name: string; op: string; durUs: number }[]; runUs: number }[];
  power: PowerSummary | null;
  /**
   * Remote vs local outputs on the same samples, when checked. `reference`:
   * `engine` = the engine's own run of the variant (exported graph, or the
   * mask-cut graph with the masks injected); `same-model` = onnxruntime-node
   * on the uploaded bytes.
   */
  outputsCheck: { samples: number; maxAbsDiff: number; output: string; reference?: 'engine' | 'same-model' } | null;
  /**
   * `sparse`: the per-unit plan the profiled graph was built with (which
   * units run gathered or dense, what was timed, its end-to-end ratio to
   * clean dense and the verdict); calibrated on this host unless the run was
   * given `--sparse-plan none|FILE`.
   */
  sparsePlan?: SparsePlan;
  /** The latency model's prediction (runs with a per-node profile; ckpt, dense, l1c and sparse). */
  latencyPrediction?: LatencyPrediction;
  /** trtexec's own GPU compute statistics (trtexec backend). */
  gpuComputeMs?: { mean: number; median: number; p99?: number };
}

/** One tegrastats point for the live plot and the saved history. */
export interface TegrastatsPoint {
  /** ms since the run started (device clock). */
  t: number;
  totalMw: number | null;
  gpuLoadPercent: number | null;
  railsMw: Record<string, number>;
}

/** The whole result of a profile run. */
export interface ProfileResult {
  schema: typeof PROFILE_SCHEMA;
  schemaVersion: typeof PROFILE_SCHEMA_VERSION;
  id: string;
  createdAt: string;
  durationSeconds: number;
  host: { alias: string; target: string };
  device: DeviceFacts;
  checkpoint: { path: string; name: string; sha256: string };
  backend: ProfileBackend;
  runner: { runtime: string; version: string; providers: string[] } | null;
  settings: { warmup: number; iterations: number; perSample: number; tegrastatsIntervalMs: number };
  variants: VariantProfile[];
  tegrastats: TegrastatsPoint[];
  /** Uploads done for this run; `uploaded: false` means skipped by hash. */
  uploads: Array<{ name: string; sha256: string; bytes: number; uploaded: boolean }>;
}
