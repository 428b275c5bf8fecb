/** Messages between {@link CoreEngine} (extension host) and the engine worker thread (`engineWorker.ts`). */
import type { Analysis, SampleAnalysis, SweepResult } from '../../core/schema/results';
import type { AnalysisStart } from '../../shared/protocol';
import type { AnalyzeCall, LatencyCall, SweepCall } from './engineClient';

/** An engine call without its callbacks and signal (those stay on the host side). */
export type WireCall<T> = Omit<T, 'signal' | 'onProgress' | 'onStart' | 'onSamples' | 'onPartial'>;

/** The worker's start options (`workerData`). */
export interface EngineWorkerData {
  /** See InProcessEngine's `overlapColdPath` (default true; the UI benchmark's baseline turns it off). */
  overlapColdPath?: boolean;
  /** Folder of the derived graphs kept between starts (core/runtime/graphCache.ts); absent or null: none. */
  graphCacheDir?: string | null;
}

/** Host -> worker. */
export type ToEngineWorker =
  | { type: 'inspect'; id: number; file: string }
  | { type: 'analyze'; id: number; call: WireCall<AnalyzeCall> }
  | { type: 'sweep'; id: number; call: WireCall<SweepCall> }
  | { type: 'latency'; id: number; call: WireCall<LatencyCall> }
  | { type: 'writeReport'; id: number; analysis: Analysis; sweep: SweepResult | null; out: string }
  /** Abort request `id` (the worker answers it with an `error` named AbortError). */
  | { type: 'cancel'; id: number }
  /** Start the inference threads and, when given, open a checkpoint ahead of a call (no reply). */
  | { type: 'prepare'; workers: number; file: string | null }
  /** Cancel everything, close the inference pool once its native calls return, and exit. */
  | { type: 'shutdown' };

/** Worker -> host. */
export type FromEngineWorker =
  | { type: 'progress'; id: number; fraction: number; message: string }
  | { type: 'start'; id: number; start: AnalysisStart }
  | { type: 'samples'; id: number; samples: SampleAnalysis[] }
  /** A running sweep's rows so far (see SweepCall.onPartial). */
  | { type: 'partialSweep'; id: number; sweep: SweepResult; samples: number }
  | { type: 'done'; id: number; value: unknown }
  | { type: 'error'; id: number; name: string; message: string; stack?: string }
  | { type: 'log'; text: string };
