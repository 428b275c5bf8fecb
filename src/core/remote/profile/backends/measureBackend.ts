/**
 * Step "measure" of a profile run, behind one interface: a backend times
 * every uploaded variant on the device (node runner, Python onnxruntime
 * runner, trtexec) and says how it measured; power, the variants'
 * descriptions and the result are added by the later steps.
 */
import type { UploadedObject } from '../../device/contentStore';
import type { DeviceFacts } from '../../device/deviceProbe';
import type { SshConnection } from '../../ssh/sshConnection';
import type { LatencyStats } from '../latencyStats';
import type { MeasuredWindow } from '../powerCollection';
import type { EmitEvent, ProfileRequest } from '../profileTypes';
import type { RemoteSamples, RemoteVariant } from '../profileUpload';
import type { RemoteRunScope } from '../runScope';
import type { ProfileBackend, ProfileResult, VariantProfile } from '../../../schema/profileResult';

/** What a backend gets to measure with. */
export interface MeasureContext {
  conn: SshConnection;
  req: ProfileRequest;
  facts: DeviceFacts;
  /** The run folder on the device (removed after the run). */
  runDir: string;
  variants: RemoteVariant[];
  samples: RemoteSamples;
  /** The shipped runner on the device (runner backends). */
  runner?: UploadedObject;
  /** Where started processes are registered, so cancel and cleanup reach them. */
  scope: RemoteRunScope;
  emit: EmitEvent;
}

/** The timing of one variant. */
export interface VariantMeasurement {
  id: string;
  latencyMs: LatencyStats;
  /** Every timed latency (empty when the tool reports only a summary). */
  latenciesMs: number[];
  throughputQps: number;
  perSampleMs: number[];
  /** The timed window on the device clock, for the power step. */
  window: MeasuredWindow;
  outputsCheck: VariantProfile['outputsCheck'];
  /** trtexec only: GPU compute time apart from host latency. */
  gpuComputeMs?: VariantProfile['gpuComputeMs'];
  /** Runner backends with `profileLayers`: the per-node profile runs. */
  layerRuns?: VariantProfile['layerRuns'];
}

/** Everything a backend measured. */
export interface Measurement {
  variants: VariantMeasurement[];
  runner: ProfileResult['runner'];
}

/** One way of timing models on the device. */
export interface MeasureBackend {
  readonly id: ProfileBackend;
  /** Why the device cannot run this backend (what to install), or null when it can. */
  missing(facts: DeviceFacts): string | null;
  measure(ctx: MeasureContext): Promise<Measurement>;
}
