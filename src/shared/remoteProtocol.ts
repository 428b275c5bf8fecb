/**
 * Messages between the extension host (src/extension/remote/remotePanel.ts)
 * and the remote-profiling webview, and the state the webview persists.
 * Validators: src/shared/remoteValidate.ts. The run shape mirrors the
 * fields of src/core/schema/profileResult.ts that the panel shows (the
 * webview layer may not import core modules that reach Node types; the
 * latency summary comes from src/core/remote/profile/latencyStats.ts, which is pure
 * and listed in webview/tsconfig.json).
 */
import type { LatencyStats } from '../core/remote/profile/latencyStats';
import type { LatencyPrediction } from '../core/schema/profileResult';

/** Latency summary (ms). */
export type PanelLatency = LatencyStats;

/** One compute layer (or other-ops group) of a variant profiled node by node (`profile --layers`). */
export interface PanelLayerRow {
  /** ONNX node name of the layer, or `other ops: <op type>`. */
  name: string;
  /** Share of the variant graph's MACs (0 for other ops). */
  macShare: number;
  /** Share of the profiled node time. */
  timeShare: number;
  /** Median time of its runtime nodes per run, microseconds. */
  timeUs: number;
}

/** A sparse variant's per-unit plan: the run's own (`profile --sparse-plan`), or recorded in a profiled model (`export --variant sparse --calibrate`). */
export interface PanelSparsePlan {
  /** `run`: the plan the run's sparse variant was built with; `file`: the plan the profiled model file records. */
  source: 'run' | 'file';
  /** Where it was calibrated: `local` or the host alias, with device and runtime; `not calibrated`. */
  measuredOn: string;
  gatheredUnits: number;
  units: number;
  /** Units the plan runs dense. */
  denseUnits: number[];
  /** Recorded end to end: plan time / clean dense time (null: not timed). */
  ratio: number | null;
  verdict: string;
}

/** One variant of a run. */
export interface PanelVariant {
  id: string;
  label: string;
  /** How the variant was built (dense mode, static L1, ...). */
  description?: string;
  /** Mean mask-aware MACs per sample of the graph that ran (null: not counted). */
  effectiveMacs?: number | null;
  latencyMs: PanelLatency;
  latenciesMs: number[];
  throughputQps: number;
  power: { totalMw: number; railsMw: Record<string, number>; energyPerInferenceMj: number; gpuLoadPercent: number | null; samples: number } | null;
  outputsCheck: { samples: number; maxAbsDiff: number; output: string; reference?: 'engine' | 'same-model' } | null;
  /** Per-layer rows when the run profiled node by node (largest time first, other ops last). */
  layers?: PanelLayerRow[];
  /** The sparse plan it was built with or its model records, when it has one. */
  sparsePlan?: PanelSparsePlan;
  /** The latency model's predicted vs measured per-sample latency (runs profiled node by node). */
  prediction?: PanelPrediction;
}

/** Predicted vs measured per-sample latency of a variant, as the profile result records it. */
export type PanelPrediction = LatencyPrediction;

/** Live progress of one host while several may run at once. */
export interface PanelProgress {
  alias: string;
  /** e.g. `dense timed 40/100` or a stage message. */
  text: string;
  /** 0..1, null while connecting/uploading. */
  fraction: number | null;
  state: 'running' | 'done' | 'failed';
}

/** One saved or live run. */
export interface PanelRun {
  id: string;
  createdAt: string;
  host: { alias: string; target: string };
  device: {
    model: string | null;
    l4t: string | null;
    jetpack: string | null;
    powerMode: { name: string; id: number | null } | null;
    kernel: string;
    cpuCount: number | null;
    memTotalMB: number | null;
    missing: Array<{ what: string; install: string }>;
  };
  checkpoint: { name: string; path: string };
  backend: string;
  /** What the run did (the profile defaults unless the run was told otherwise). */
  settings: { warmup: number; iterations: number; perSample: number };
  variants: PanelVariant[];
  tegrastats: Array<{ t: number; totalMw: number | null; gpuLoadPercent: number | null }>;
}

/** A tegrastats point streamed while a host runs. */
export interface PanelLivePoint {
  t: number;
  totalMw: number | null;
  gpuLoadPercent: number | null;
}

/** Host -> webview. */
export type ToRemoteWebview =
  | { type: 'runs'; runs: PanelRun[]; selected: string[] }
  | { type: 'live'; alias: string; point: PanelLivePoint }
  | { type: 'progress'; progress: PanelProgress };

/** Webview -> host. */
export type FromRemoteWebview = { type: 'ready' } | { type: 'rerun'; runId: string } | { type: 'compare'; runIds: string[] };

/** What the webview persists (`setState`): the runs it shows; the serializer reopens them after a reload. */
export interface RemotePanelState {
  selected: string[];
}
