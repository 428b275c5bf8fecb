/**
 * What a profile run is asked to do and what it reports while it lasts:
 * the request, the variants, and the progress events (labelled per host).
 */
import type { SparsePlan } from '../../export/sparsePlan';
import type { DeviceFacts } from '../device/deviceProbe';
import type { ResolvedHost } from '../ssh/hostConfig';
import type { SshConnectionPool } from '../ssh/connectionPool';
import type { ConnectOptions } from '../ssh/sshConnection';
import type { ProfileBackend, TegrastatsPoint } from '../../schema/profileResult';
import type { RunnerMessage } from './runnerProtocol';
import type { VariantMacs } from './variants';

/** A model to profile: the checkpoint itself or a variant built from it (engine mask injection). */
export interface ProfileVariantInput {
  id: string;
  label: string;
  /** ONNX bytes (variants) or a file (the checkpoint). */
  bytes?: Uint8Array;
  file?: string;
  /** What the variant is (saved with the result). */
  description?: string;
  /** Its mask-aware MACs per sample, counted locally by the engine. */
  macs?: VariantMacs;
  /** `sparse`: the per-unit plan it was built with (saved with the result). */
  sparsePlan?: SparsePlan;
}

/** Where a run stands, for live progress per host (`done` of `total` in `phase`). */
export interface ProfileProgress {
  variant: string;
  /** Index of the variant (0-based) and how many there are. */
  variantIndex: number;
  variants: number;
  phase: 'warmup' | 'timed' | 'samples';
  done: number;
  total: number;
  /** Overall fraction of the device work, 0..1. */
  fraction: number;
}

/** Progress reported while a run lasts. */
export type ProfileEvent =
  | { kind: 'stage'; message: string }
  | { kind: 'probe'; facts: DeviceFacts }
  | { kind: 'upload'; name: string; uploaded: boolean; bytes: number }
  | { kind: 'tegrastats'; point: TegrastatsPoint }
  | { kind: 'runner'; message: RunnerMessage }
  | { kind: 'progress'; progress: ProfileProgress };

/** Everything a run needs. */
export interface ProfileRequest {
  host: ResolvedHost;
  /** Connection settings and interaction callbacks. */
  connection: Omit<ConnectOptions, 'signal'>;
  /** The checkpoint (local .onnx); also the first variant unless `variants` lists it. */
  checkpoint: string;
  variants: ProfileVariantInput[];
  /** Float32 `.npy` `[S, T_in, C, H, W]` of inputs: a local file, or bytes with the name they get on the device. */
  samples: string | { bytes: Uint8Array; name: string };
  backend: ProfileBackend;
  warmup: number;
  iterations: number;
  /** Samples that get a per-sample inference with saved outputs (default 8). */
  perSample?: number;
  /** Local path of the runner to ship: dist/remoteRunner.js (node) or ort_runner.py (ort). */
  runnerScript?: string;
  /** Execution providers for node/ort runners (default ['cpu']; on Orin: ['tensorrt','cuda','cpu'] for ort). */
  providers?: string[];
  /** Compare the device's outputs with a local onnxruntime-node run (default true). */
  checkOutputs?: boolean;
  /** Node and ort runners: also profile every variant node by node (`layerRuns` in the result). */
  profileLayers?: boolean;
  /** Profiled passes over the per-sample inputs with `profileLayers` (default 1; the latency model takes each sample's median). */
  layerRounds?: number;
  /** Node runner: time the variants interleaved (paired iterations, one shared window; for calibration, not for power per variant). */
  interleave?: boolean;
  /**
   * The local outputs a variant's device outputs must match (first `count`
   * samples, stacked); null or absent: a local onnxruntime-node run of the
   * same bytes. Used to check built variants against the engine's own run.
   */
  reference?(variantId: string, output: string, count: number): Promise<Float32Array | null>;
  /** Reuse (and transparently re-open) connections across runs; without it each run connects and closes. */
  pool?: SshConnectionPool;
  signal?: AbortSignal;
  /** Progress, with the host alias so several devices at once can be told apart. */
  onEvent?(event: ProfileEvent, alias: string): void;
}

/** Sends one event of this run (the host alias is added by the run). */
export type EmitEvent = (event: ProfileEvent) => void;
