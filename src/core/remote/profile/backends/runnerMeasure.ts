/**
 * Measurement through a shipped runner (node or Python onnxruntime): one
 * job file, one remote process speaking the JSON-lines runner protocol,
 * live progress from its messages, then per variant the timings and the
 * device outputs checked against the local reference.
 */
import { parseNpy } from '../../../samples/npy';
import { readRemoteFile, writeRemoteFile } from '../../device/contentStore';
import { RemoteCommandError, RemoteError } from '../../errors';
import { startRemoteProcess } from '../../ssh/remoteProcess';
import { latencyStats } from '../latencyStats';
import { localOutputs, maxAbsDiff } from '../localReference';
import { PROFILE_DEFAULTS } from '../profileDefaults';
import { runnerProgress } from '../runnerProgress';
import { parseRunnerLine, RUNNER_PROTOCOL, type RunnerJob, type RunnerMessage } from '../runnerProtocol';
import type { RemoteVariant } from '../profileUpload';
import type { VariantProfile } from '../../../schema/profileResult';
import type { MeasureContext, Measurement, VariantMeasurement } from './measureBackend';

type Message<T extends RunnerMessage['type']> = Extract<RunnerMessage, { type: T }>;

function jobOf(ctx: MeasureContext): RunnerJob {
  const { req } = ctx;
  return {
    protocol: RUNNER_PROTOCOL,
    variants: ctx.variants.map((v) => ({ id: v.id, model: v.remote.remotePath })),
    samples: ctx.samples.remote.remotePath,
    warmup: req.warmup,
    iterations: req.iterations,
    perSample: req.perSample ?? PROFILE_DEFAULTS.perSample,
    outputDir: ctx.runDir,
    ortModule: req.host.device.ortModulePath,
    providers: req.providers ?? ['cpu'],
    ...(req.profileLayers ? { profileLayers: true, layerRounds: req.layerRounds ?? 1 } : {}),
    ...(req.interleave ? { interleave: true } : {}),
  };
}

/** Runs the job to its end; the runner's messages (progress excluded), or the runner's own error. */
async function runJob(ctx: MeasureContext, interpreter: string): Promise<RunnerMessage[]> {
  const { req, emit } = ctx;
  const job = jobOf(ctx);
  const jobPath = `${ctx.runDir}/job.json`;
  await writeRemoteFile(ctx.conn, jobPath, JSON.stringify(job));
  const messages: RunnerMessage[] = [];
  let protocolError: Error | undefined;
  emit({ kind: 'stage', message: `running ${req.backend} runner` });
  const ids = ctx.variants.map((v) => v.id);
  const perSampleRuns = Math.min(job.perSample, parseNpy(ctx.samples.bytes, 'samples').shape[0]);
  const onLine = (line: string) => {
    if (!line.trim()) return;
    try {
      const m = parseRunnerLine(line);
      if (m.type !== 'progress') messages.push(m);
      emit({ kind: 'runner', message: m });
      const progress = runnerProgress(m, ids, req.warmup, req.iterations, perSampleRuns);
      if (progress) emit({ kind: 'progress', progress });
    } catch (error) {
      protocolError ??= error as Error;
    }
  };
  const p = ctx.scope.track(await startRemoteProcess(ctx.conn, [interpreter, ctx.runner!.remotePath, jobPath], { cwd: ctx.runDir, onLine }));
  const exit = await p.exit;
  req.signal?.throwIfAborted();
  const err = messages.find((m): m is Message<'error'> => m.type === 'error');
  if (err) throw new RemoteError(`runner on ${req.host.target.alias}: ${err.message}`);
  if (protocolError) throw protocolError;
  if (exit.code !== 0 || !messages.some((m) => m.type === 'done')) throw new RemoteCommandError('the runner', exit.code, p.stderr());
  return messages;
}

/** The device's outputs of a variant against the engine's (or a local onnxruntime) run on the same samples. */
async function checkOutputs(ctx: MeasureContext, v: RemoteVariant, outputs: Message<'outputs'> | undefined): Promise<VariantProfile['outputsCheck']> {
  const { req } = ctx;
  const outName = outputs && ('prediction' in outputs.files ? 'prediction' : Object.keys(outputs.files)[0]);
  if (!outputs || !outName || req.checkOutputs === false) return null;
  req.signal?.throwIfAborted();
  const file = outputs.files[outName];
  const remoteNpy = parseNpy(await readRemoteFile(ctx.conn, file), `${req.host.target.alias}:${file}`);
  const count = remoteNpy.shape[0];
  const engine = req.reference ? await req.reference(v.id, outName, count) : null;
  const local = engine ?? (await localOutputs(v.bytes, ctx.samples.bytes, count, outName));
  const samples = parseNpy(ctx.samples.bytes, ctx.samples.label).shape[0];
  return { samples: Math.min(count, samples), maxAbsDiff: maxAbsDiff(remoteNpy.data, local), output: outName, reference: engine ? 'engine' : 'same-model' };
}

async function variantMeasurement(ctx: MeasureContext, v: RemoteVariant, messages: RunnerMessage[]): Promise<VariantMeasurement> {
  const timed = messages.find((m): m is Message<'timed'> => m.type === 'timed' && m.variant === v.id);
  if (!timed) throw new RemoteError(`runner reported no timings for variant '${v.id}'`);
  const perSampleMs = messages.filter((m): m is Message<'sample'> => m.type === 'sample' && m.variant === v.id).map((m) => m.ms);
  const outputs = messages.find((m): m is Message<'outputs'> => m.type === 'outputs' && m.variant === v.id);
  const outputsCheck = await checkOutputs(ctx, v, outputs);
  const stats = latencyStats(timed.latenciesMs);
  const windowMs = timed.t1 - timed.t0;
  const layers = messages.find((m): m is Message<'layers'> => m.type === 'layers' && m.variant === v.id);
  return {
    ...(layers ? { layerRuns: layers.runs } : {}),
    id: v.id,
    latencyMs: stats,
    latenciesMs: timed.latenciesMs,
    throughputQps: windowMs > 0 ? (timed.latenciesMs.length * 1000) / windowMs : 1000 / stats.mean,
    perSampleMs,
    window: { t0: timed.t0, t1: timed.t1, inferences: timed.latenciesMs.length },
    outputsCheck,
  };
}

/** Measures every variant with the runner on the device, started by `interpreter` (node or python3). */
export async function measureWithRunner(ctx: MeasureContext, interpreter: string): Promise<Measurement> {
  const messages = await runJob(ctx, interpreter);
  const hello = messages.find((m): m is Message<'hello'> => m.type === 'hello');
  const variants: VariantMeasurement[] = [];
  for (const v of ctx.variants) variants.push(await variantMeasurement(ctx, v, messages));
  return { variants, runner: hello ? { runtime: hello.runtime, version: hello.version, providers: hello.providers } : null };
}
