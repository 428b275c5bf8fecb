/**
 * The JSON-lines protocol spoken by every device runner (the Node runner
 * `runner/nodeRunner.ts` and the Python runner `runner/ort_runner.py`).
 * The runner reads one job file (`RunnerJob`) and prints one JSON object per
 * line on stdout (`RunnerMessage`); anything else on stdout is an error.
 */

/** Protocol version; a runner refuses a job with another version. */
export const RUNNER_PROTOCOL = 1;

/** One model to time. */
export interface RunnerVariant {
  /** Stable id (`dynapruner`, `dense`, `static_l1`, ...). */
  id: string;
  /** Absolute path of the .onnx file on the device. */
  model: string;
}

/** The job file a runner is started with (`<runner> <job.json>`). */
export interface RunnerJob {
  protocol: typeof RUNNER_PROTOCOL;
  variants: RunnerVariant[];
  /** `.npy` of float32 inputs `[S, ...input dims without batch]` on the device. */
  samples: string;
  /** Untimed runs before timing. */
  warmup: number;
  /** Timed runs (batch 1, cycling over the samples). */
  iterations: number;
  /** How many samples get a per-sample inference with saved outputs. */
  perSample: number;
  /** Folder for `<variant>.<output>.npy` files. */
  outputDir: string;
  /** What the Node runner `require`s for onnxruntime (path or package name). */
  ortModule: string;
  /** Execution providers in order of preference (ORT names: `tensorrt`, `cuda`, `cpu`). */
  providers: string[];
  /**
   * Also profile each variant node by node: after the per-sample runs, a
   * session with onnxruntime's profiler runs every per-sample input once more
   * (one untimed run first) and the runner sends a `layers` message.
   */
  profileLayers?: boolean;
  /** Profiled passes over the per-sample inputs (default 1); the runs of pass k follow those of pass k - 1. */
  layerRounds?: number;
  /**
   * Node runner: load every variant first and take them in turn at each
   * warm-up and timed iteration (iteration i of each runs back to back, so
   * latenciesMs[i] pair up across variants); the Python runner ignores it.
   */
  interleave?: boolean;
}

/** One kernel run in a `layers` message: runtime node name (after fusion), op type, microseconds. */
export interface RunnerNodeTime {
  name: string;
  op: string;
  durUs: number;
}

/** Messages, one JSON object per stdout line. Times are device wall-clock ms (Date.now()). */
export type RunnerMessage =
  | { type: 'hello'; protocol: number; runner: 'node' | 'python'; runtime: string; version: string; providers: string[]; pid: number }
  | { type: 'loaded'; variant: string; inputName: string; outputNames: string[]; loadMs: number; providers: string[] }
  | { type: 'warmup'; variant: string; iterations: number; totalMs: number }
  | { type: 'timed'; variant: string; t0: number; t1: number; latenciesMs: number[] }
  | { type: 'sample'; variant: string; index: number; ms: number }
  | { type: 'outputs'; variant: string; files: Record<string, string>; shape: Record<string, number[]> }
  | { type: 'progress'; variant: string; phase: 'warmup' | 'timed' | 'samples'; done: number; total: number }
  | { type: 'layers'; variant: string; runs: { nodes: RunnerNodeTime[]; runUs: number }[] }
  | { type: 'done'; t: number }
  | { type: 'error'; message: string };

const TYPES = new Set(['hello', 'loaded', 'warmup', 'timed', 'sample', 'outputs', 'progress', 'layers', 'done', 'error']);
const PHASES = new Set(['warmup', 'timed', 'samples']);

/** Parses and checks one stdout line; throws with the line quoted when it is not a protocol message. */
export function parseRunnerLine(line: string): RunnerMessage {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new Error(`runner printed a line that is not JSON: ${line.slice(0, 200)}`);
  }
  const msg = value as { type?: unknown };
  if (!msg || typeof msg !== 'object' || typeof msg.type !== 'string' || !TYPES.has(msg.type)) {
    throw new Error(`runner printed an unknown message: ${line.slice(0, 200)}`);
  }
  const m = msg as RunnerMessage;
  const bad = (field: string) => new Error(`runner message '${m.type}': field '${field}' is missing or of the wrong type: ${line.slice(0, 200)}`);
  switch (m.type) {
    case 'hello':
      if (typeof m.protocol !== 'number') throw bad('protocol');
      if (m.protocol !== RUNNER_PROTOCOL) throw new Error(`runner speaks protocol ${m.protocol}, this extension speaks ${RUNNER_PROTOCOL}`);
      break;
    case 'timed':
      if (!Array.isArray(m.latenciesMs) || m.latenciesMs.some((v) => typeof v !== 'number')) throw bad('latenciesMs');
      if (typeof m.t0 !== 'number' || typeof m.t1 !== 'number') throw bad('t0/t1');
      break;
    case 'sample':
      if (typeof m.index !== 'number' || typeof m.ms !== 'number') throw bad('index/ms');
      break;
    case 'progress':
      if (typeof m.variant !== 'string' || !PHASES.has(m.phase)) throw bad('variant/phase');
      if (typeof m.done !== 'number' || typeof m.total !== 'number') throw bad('done/total');
      break;
    case 'outputs':
      if (!m.files || typeof m.files !== 'object') throw bad('files');
      break;
    case 'layers':
      if (typeof m.variant !== 'string' || !Array.isArray(m.runs)) throw bad('variant/runs');
      for (const r of m.runs) {
        if (!r || !Array.isArray(r.nodes) || typeof r.runUs !== 'number') throw bad('runs');
        if (r.nodes.some((n) => !n || typeof n.name !== 'string' || typeof n.op !== 'string' || typeof n.durUs !== 'number')) throw bad('runs[].nodes');
      }
      break;
    case 'error':
      if (typeof m.message !== 'string') throw bad('message');
      break;
  }
  return m;
}
