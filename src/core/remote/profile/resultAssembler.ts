/**
 * Step "assemble" of a profile run: the one place that builds the saved
 * ProfileResult (schema dynapruner.remote-profile) from what the earlier
 * steps found: the device facts, the uploads, each variant's measurement
 * and power, and the whole tegrastats trace.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { DeviceFacts } from '../device/deviceProbe';
import type { PowerSummary, TimedTegrastats } from '../device/powerWindow';
import { describeTarget } from '../ssh/hostConfig';
import { PROFILE_SCHEMA, PROFILE_SCHEMA_VERSION, type ProfileResult, type VariantProfile } from '../../schema/profileResult';
import type { Measurement, VariantMeasurement } from './backends/measureBackend';
import { tegrastatsPoint } from './powerCollection';
import { PROFILE_DEFAULTS } from './profileDefaults';
import type { ProfileRequest } from './profileTypes';
import type { RemoteVariant, UploadedInputs } from './profileUpload';

/** What the run found, step by step. */
export interface RunFindings {
  id: string;
  /** Epoch ms at which the run started. */
  started: number;
  facts: DeviceFacts;
  inputs: UploadedInputs;
  measurement: Measurement;
  /** Power per measured variant, in the measurement's order. */
  power: Array<PowerSummary | null>;
  tegrastats: TimedTegrastats[];
}

function variantProfile(v: RemoteVariant, m: VariantMeasurement, power: PowerSummary | null): VariantProfile {
  const out: VariantProfile = {
    id: v.id,
    label: v.label,
    description: v.input.description,
    effectiveMacs: v.input.macs,
    sha256: v.remote.sha256,
    latencyMs: m.latencyMs,
    latenciesMs: m.latenciesMs,
    throughputQps: m.throughputQps,
    perSampleMs: m.perSampleMs,
    power,
    outputsCheck: m.outputsCheck,
  };
  if ('gpuComputeMs' in m) out.gpuComputeMs = m.gpuComputeMs;
  if (m.layerRuns) out.layerRuns = m.layerRuns;
  if (v.input.sparsePlan) out.sparsePlan = v.input.sparsePlan;
  return out;
}

/** The result of one run on one host. */
export async function assembleProfileResult(req: ProfileRequest, f: RunFindings): Promise<ProfileResult> {
  const checkpointSha = createHash('sha256').update(await fs.readFile(req.checkpoint)).digest('hex');
  const t0 = f.tegrastats[0]?.t ?? 0;
  const variants = f.measurement.variants.map((m, i) => {
    const v = f.inputs.variants.find((r) => r.id === m.id);
    if (!v) throw new Error(`measured variant '${m.id}' was not uploaded`);
    return variantProfile(v, m, f.power[i]);
  });
  return {
    schema: PROFILE_SCHEMA,
    schemaVersion: PROFILE_SCHEMA_VERSION,
    id: f.id,
    createdAt: new Date(f.started).toISOString(),
    durationSeconds: (Date.now() - f.started) / 1000,
    host: { alias: req.host.target.alias, target: describeTarget(req.host.target) },
    device: f.facts,
    checkpoint: { path: path.resolve(req.checkpoint), name: path.basename(req.checkpoint), sha256: checkpointSha },
    backend: req.backend,
    runner: f.measurement.runner,
    settings: { warmup: req.warmup, iterations: req.iterations, perSample: req.perSample ?? PROFILE_DEFAULTS.perSample, tegrastatsIntervalMs: req.host.device.tegrastatsIntervalMs },
    variants,
    tegrastats: f.tegrastats.map((s) => tegrastatsPoint(s.sample, s.t - t0)),
    uploads: f.inputs.uploads,
  };
}
