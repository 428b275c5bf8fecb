/**
 * What the extension needs from the analysis engine. The extension host only
 * orchestrates: the implementation (`engine/coreEngine.ts`) drives the engine's
 * worker-thread sessions, so inference never runs on the host's thread.
 */
import type { Analysis, DataRef, LayerInfo, ModelRef, SampleAnalysis, SweepResult, UnitInfo } from '../../core/engine/results';

/** Static facts known before the first sample. */
export interface AnalysisStart {
  model: ModelRef;
  data: DataRef | null;
  layers: LayerInfo[];
  units: UnitInfo[];
  denseMacs: number;
  total: number;
}

/** Common options of long engine calls. */
export interface EngineCall {
  checkpoint: string;
  dataFiles: string[];
  maxSamples: number;
  workers: number;
  signal: AbortSignal;
  onProgress: (fraction: number, message: string) => void;
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

/** The engine, as the extension uses it. */
export interface EngineClient {
  /** Per-sample analysis; samples are streamed through `onSamples` as they finish. */
  analyze(call: EngineCall & { onStart: (s: AnalysisStart) => void; onSamples: (s: SampleAnalysis[]) => void }): Promise<Analysis>;
  /** Robustness and sensitivity sweep. */
  sweep(call: EngineCall & { grids: SweepGrids }): Promise<SweepResult>;
  /** Writes the standalone HTML report of an analysis (and optionally a sweep). */
  writeReport(analysis: Analysis, sweep: SweepResult | null, out: string): Promise<void>;
  /** Releases worker threads. */
  dispose(): void;
}
