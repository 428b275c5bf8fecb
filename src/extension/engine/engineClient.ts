/**
 * What the extension needs from the analysis engine. The extension host only
 * orchestrates: the implementation (`engine/coreEngine.ts`) runs the engine in
 * a worker thread (`engine/engineWorker.ts`), which opens checkpoints, loads
 * samples, aggregates and writes reports there and drives the engine's
 * inference worker pool, so nothing heavy runs on the host's thread.
 */
import type { Analysis, DataRef, ModelRef, SampleAnalysis, SweepResult } from '../../core/schema/results';
import type { InspectReport } from '../../core/inspect/inspect';
import type { AnalysisStart } from '../../shared/protocol';
import type { LatencyVariant, LayerLatencyResult } from '../../core/schema/layerLatency';

/** Common options of long engine calls. */
export interface EngineCall {
  checkpoint: string;
  dataFiles: string[];
  /** Data split of NetCDF data (`train`, `val`, `test` or `all`; default `test`). */
  split?: string;
  maxSamples: number;
  workers: number;
  signal: AbortSignal;
  onProgress: (fraction: number, message: string) => void;
}

/** Options of {@link EngineClient.analyze}. */
export interface AnalyzeCall extends EngineCall {
  onStart: (s: AnalysisStart) => void;
  onSamples: (s: SampleAnalysis[]) => void;
}

/** Sweep grids (settings). */
export interface SweepGrids {
  noise: number[];
  failure: number[];
  baselines: ('dense' | 'random' | 'l1')[];
  seeds: number[];
  dataThresholds: number[];
  tauOffsets: number[];
}

/** Least time between two partial sweep results (ms). */
export const PARTIAL_SWEEP_MS = 500;

/** Options of {@link EngineClient.sweep}. */
export interface SweepCall extends EngineCall {
  grids: SweepGrids;
  /** The rows recorded so far, summarised at most every {@link PARTIAL_SWEEP_MS} while the sweep runs (`samples`: samples per configuration). */
  onPartial?: (partial: SweepResult, samples: number) => void;
}

/** Options of {@link EngineClient.latency}: `maxSamples` test windows, each profiled `iterations` times after `warmup` runs. */
export interface LatencyCall extends EngineCall {
  variants: LatencyVariant[];
  iterations: number;
  warmup: number;
}

/** A latency measurement and what a saved run records about it. */
export interface LatencyRun {
  latency: LayerLatencyResult;
  model: ModelRef;
  data: DataRef;
  /** Dense MACs of the whole checkpoint graph (the run's summary). */
  denseMacs: number;
}

/** The engine, as the extension uses it. */
export interface EngineClient {
  /** Starts the inference threads, opens a checkpoint and creates its first sessions ahead of a call (cached; errors surface in the call). */
  prepare(file: string, workers: number): void;
  /** Inspection report of a checkpoint (structure, counts, contract). */
  inspect(file: string, signal?: AbortSignal): Promise<InspectReport>;
  /** Per-sample analysis; samples are streamed through `onSamples` as they finish (the first one alone). */
  analyze(call: AnalyzeCall): Promise<Analysis>;
  /** Robustness and sensitivity sweep. */
  sweep(call: SweepCall): Promise<SweepResult>;
  /** Per-layer latency of the checkpoint's variants on onnxruntime-node and the latency model (what `dynapruner latency` measures). */
  latency(call: LatencyCall): Promise<LatencyRun>;
  /** Writes the engine's standalone HTML report of an analysis (and optionally a sweep) to `out` (atomically). */
  writeReport(analysis: Analysis, sweep: SweepResult | null, out: string): Promise<void>;
  /** Releases worker threads. */
  dispose(): void;
}
