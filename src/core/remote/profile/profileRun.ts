/**
 * One profile run on one device, as named steps: connect, probe, upload,
 * collect power (tegrastats), measure (node runner, Python onnxruntime
 * runner or trtexec, one backend interface), then assemble the result.
 * Cancel (AbortSignal) kills the remote process groups, deletes the run's
 * temporary folder and throws: nothing partial is returned, so nothing
 * partial is saved. Every way out releases what the run opened.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { ResolvedHost } from '../ssh/hostConfig';
import type { SshConnection } from '../ssh/sshConnection';
import type { ProfileResult } from '../../schema/profileResult';
import { backendFor } from './backends/backendFor';
import type { MeasureBackend } from './backends/measureBackend';
import { windowPower, startPowerCollection } from './powerCollection';
import { connectForProfile } from './profileConnect';
import { probeForProfile } from './profileProbe';
import type { EmitEvent, ProfileRequest, ProfileVariantInput } from './profileTypes';
import { uploadForProfile } from './profileUpload';
import { assembleProfileResult } from './resultAssembler';
import { RemoteRunScope } from './runScope';

export type { ProfileEvent, ProfileProgress, ProfileRequest, ProfileVariantInput } from './profileTypes';
export { runnerProgress } from './runnerProgress';

function runId(checkpoint: string, alias: string): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 40);
  return `${stamp}-profile-${safe(path.basename(checkpoint, '.onnx'))}-${safe(alias)}-${randomBytes(3).toString('hex')}`;
}

function checkArgs(req: ProfileRequest): void {
  if (!Number.isInteger(req.iterations) || req.iterations < 1) throw new Error(`iterations must be a positive integer, found ${req.iterations}`);
  if (!Number.isInteger(req.warmup) || req.warmup < 0) throw new Error(`warmup must be a non-negative integer, found ${req.warmup}`);
  if (req.variants.length === 0) throw new Error('nothing to profile: no variants');
  if (req.backend !== 'trtexec' && !req.runnerScript) throw new Error(`backend '${req.backend}' needs runnerScript (the runner shipped with the extension)`);
}

/** The steps after connecting: probe, upload, power, measure, assemble. */
async function profileOver(conn: SshConnection, scope: RemoteRunScope, backend: MeasureBackend, req: ProfileRequest, run: { id: string; started: number }, emit: EmitEvent): Promise<ProfileResult> {
  const { id, started } = run;
  req.signal?.throwIfAborted();
  const { facts, workDir } = await probeForProfile(conn, req, backend, emit);
  const inputs = await uploadForProfile(conn, workDir, req, emit);
  const runDir = await scope.createRunDir(`${workDir}/runs/${id}`, req.signal);
  const tegrastats = await startPowerCollection(conn, scope, facts, req.host.device.tegrastatsIntervalMs, emit, req.signal);
  const measurement = await backend.measure({ conn, req, facts, runDir, variants: inputs.variants, samples: inputs.samples, runner: inputs.runner, scope, emit });
  const power = measurement.variants.map((m) => windowPower(tegrastats, m.window));
  await scope.cleanup();
  return assembleProfileResult(req, { id, started, facts, inputs, measurement, power, tegrastats });
}

/** Runs one profile; resolves with the full result or rejects (cancel included) with nothing kept. */
export async function profileOnDevice(req: ProfileRequest): Promise<ProfileResult> {
  checkArgs(req);
  const started = Date.now();
  const backend = backendFor(req.backend);
  const signal = req.signal;
  const alias = req.host.target.alias;
  const emit: EmitEvent = (e) => req.onEvent?.(e, alias);
  const id = runId(req.checkpoint, alias);
  const held = await connectForProfile(req, emit);
  const scope = new RemoteRunScope(held.conn);
  const onAbort = () => void scope.cleanup().finally(() => held.release());
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await profileOver(held.conn, scope, backend, req, { id, started }, emit);
  } catch (error) {
    await scope.cleanup().catch(() => {});
    if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('profile run cancelled');
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    held.release();
  }
}

/** Per-host steps around a run (ProfilePlan implements them). */
export interface HostStages {
  /** The host's variants, prepared before its run (the sparse plan calibrated on that host). */
  variantsFor?(req: ProfileRequest): Promise<ProfileVariantInput[]>;
  /** The host's result completed after its run (the latency model's predictions). */
  finish?(result: ProfileResult): ProfileResult;
}

/**
 * Profiles the same request on several hosts at once; one settled result per
 * host, in order. `stages` may prepare each host's variants and complete its
 * result; a host whose preparation fails fails alone.
 */
export async function profileOnDevices(
  hosts: ResolvedHost[],
  base: Omit<ProfileRequest, 'host'>,
  stages: HostStages = {},
): Promise<Array<{ alias: string; result?: ProfileResult; error?: Error }>> {
  const one = async (host: ResolvedHost) => {
    const req = { ...base, host };
    const result = await profileOnDevice(stages.variantsFor ? { ...req, variants: await stages.variantsFor(req) } : req);
    return stages.finish ? stages.finish(result) : result;
  };
  const settled = await Promise.allSettled(hosts.map(one));
  return settled.map((s, i) => ({
    alias: hosts[i].target.alias,
    ...(s.status === 'fulfilled' ? { result: s.value } : { error: s.reason instanceof Error ? s.reason : new Error(String(s.reason)) }),
  }));
}

/** Used to check cancellation from tests and UIs without importing SshConnection internals. */
export type { SshConnection };
