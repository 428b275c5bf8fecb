/**
 * One profile run on one device: connect, probe, upload (content-addressed),
 * stream tegrastats, run the chosen backend, collect latencies, power and
 * energy, check outputs against a local run, clean up. Cancel (AbortSignal)
 * kills the remote process groups, deletes the run's temporary folder and
 * throws: nothing partial is returned, so nothing partial is saved.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseNpy } from '../../samples/npy';
import { ensureUploaded, readRemoteFile, writeRemoteFile, type UploadedObject } from '../device/contentStore';
import { probeDevice, type DeviceFacts } from '../device/deviceProbe';
import { RemoteCommandError, RemoteError } from '../errors';
import { describeTarget, type ResolvedHost } from '../ssh/hostConfig';
import { latencyStats } from './latencyStats';
import { localOutputs, maxAbsDiff } from './localReference';
import { powerOverWindow, splitTimestamped, type TimedTegrastats } from '../device/powerWindow';
import {
  PROFILE_SCHEMA,
  PROFILE_SCHEMA_VERSION,
  type ProfileBackend,
  type ProfileResult,
  type TegrastatsPoint,
  type VariantProfile,
} from '../../schema/profileResult';
import { startRemoteProcess, type RemoteProcess } from '../ssh/remoteProcess';
import { parseRunnerLine, RUNNER_PROTOCOL, type RunnerJob, type RunnerMessage } from './runnerProtocol';
import { joinCommand } from '../ssh/shellQuote';
import type { SshConnectionPool } from '../ssh/connectionPool';
import { connectSsh, type ConnectOptions, type SshConnection } from '../ssh/sshConnection';
import { parseTegrastatsLine, totalPowerMw } from '../device/tegrastats';
import { parseTrtexecOutput } from './trtexec';
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

function samplesCount(npyBytes: Uint8Array): number {
  return parseNpy(npyBytes, 'samples').shape[0];
}

/**
 * Progress of the device work from a runner message: each variant's share is
 * split between warm-up, timed runs and per-sample runs by inference count.
 */
export function runnerProgress(m: RunnerMessage, variantIds: string[], warmup: number, iterations: number, perSample: number): ProfileProgress | null {
  let phase: ProfileProgress['phase'];
  let done: number;
  let total: number;
  if (m.type === 'progress') ({ phase, done, total } = m);
  else if (m.type === 'warmup') [phase, done, total] = ['warmup', warmup, warmup];
  else if (m.type === 'timed') [phase, done, total] = ['timed', iterations, iterations];
  else if (m.type === 'sample') [phase, done, total] = ['samples', m.index + 1, perSample];
  else return null;
  const variantIndex = variantIds.indexOf(m.variant);
  if (variantIndex < 0) return null;
  const per = warmup + iterations + perSample || 1;
  const before = phase === 'warmup' ? 0 : phase === 'timed' ? warmup : warmup + iterations;
  const within = (before + Math.min(done, total)) / per;
  return { variant: m.variant, variantIndex, variants: variantIds.length, phase, done, total, fraction: (variantIndex + within) / variantIds.length };
}

/** Runs one profile; resolves with the full result or rejects (cancel included) with nothing kept. */
export async function profileOnDevice(req: ProfileRequest): Promise<ProfileResult> {
  checkArgs(req);
  const started = Date.now();
  const signal = req.signal;
  const alias = req.host.target.alias;
  const emit = (e: ProfileEvent) => req.onEvent?.(e, alias);
  const id = runId(req.checkpoint, alias);
  const perSample = req.perSample ?? 8;
  const intervalMs = req.host.device.tegrastatsIntervalMs;

  emit({ kind: 'stage', message: `connecting to ${describeTarget(req.host.target)}` });
  let conn: SshConnection;
  if (req.pool) {
    const got = await req.pool.acquire(req.host.target, { ...req.connection, signal });
    conn = got.conn;
    if (got.outcome !== 'connected') emit({ kind: 'stage', message: got.outcome === 'reused' ? 'reusing the open connection' : 'the connection had dropped: reconnected' });
  } else {
    conn = await connectSsh(req.host.target, { ...req.connection, signal });
  }
  const pooled = !!req.pool;
  const processes: RemoteProcess[] = [];
  let runDir: string | undefined;
  const cleanup = async () => {
    await Promise.allSettled(processes.map((p) => p.kill()));
    if (runDir && !conn.isClosed) await conn.exec(joinCommand(['rm', '-rf', '--', runDir])).catch(() => {});
  };
  const onAbort = () => {
    void cleanup().finally(() => {
      if (!pooled) conn.close();
    });
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    signal?.throwIfAborted();
    emit({ kind: 'stage', message: 'probing the device' });
    const facts = await probeDevice(conn, req.host.device, signal);
    emit({ kind: 'probe', facts });
    const workDir = req.host.device.workDir.replace(/^~(?=\/|$)/, facts.home);
    if (!workDir.startsWith('/')) throw new Error(`remote work folder '${workDir}' is not absolute (remote $HOME is '${facts.home}')`);
    if (req.backend === 'trtexec' && !facts.runtimes.trtexec) throw new RemoteError('the trtexec backend needs trtexec on the device; ' + facts.missing.find((m) => m.what.startsWith('trtexec'))?.install);
    if (req.backend === 'node' && !facts.runtimes.nodeOrt) throw new RemoteError('the node backend needs node and onnxruntime-node on the device: ' + facts.missing.map((m) => `${m.what}: ${m.install}`).join('; '));
    if (req.backend === 'ort' && !facts.runtimes.pythonOrt) throw new RemoteError('the ort backend needs Python onnxruntime on the device: ' + facts.missing.find((m) => m.what.startsWith('Python'))?.install);

    // Uploads, content-addressed.
    emit({ kind: 'stage', message: 'uploading' });
    const uploads: ProfileResult['uploads'] = [];
    const upload = async (src: Parameters<typeof ensureUploaded>[2], label: string): Promise<UploadedObject> => {
      const u = await ensureUploaded(conn, workDir, src, signal);
      uploads.push({ name: label, sha256: u.sha256, bytes: u.bytes, uploaded: u.uploaded });
      emit({ kind: 'upload', name: label, uploaded: u.uploaded, bytes: u.bytes });
      return u;
    };
    const variantBytes = new Map<string, Uint8Array>();
    const remoteVariants: Array<{ id: string; label: string; remote: UploadedObject; input: ProfileVariantInput }> = [];
    for (const v of req.variants) {
      const bytes = v.bytes ?? (v.file ? await fs.readFile(v.file) : undefined);
      if (!bytes) throw new Error(`variant '${v.id}': neither bytes nor file given`);
      variantBytes.set(v.id, bytes);
      const name = v.file ? path.basename(v.file) : `${path.basename(req.checkpoint, '.onnx')}.${v.id}.onnx`;
      remoteVariants.push({ id: v.id, label: v.label, remote: await upload({ bytes, name }, name), input: v });
    }
    const samplesBytes = typeof req.samples === 'string' ? await fs.readFile(req.samples) : req.samples.bytes;
    const samplesName = typeof req.samples === 'string' ? path.basename(req.samples) : req.samples.name;
    const samplesLabel = typeof req.samples === 'string' ? req.samples : samplesName;
    const samples = await upload({ bytes: samplesBytes, name: samplesName }, samplesName);
    const runner = req.runnerScript ? await upload({ file: req.runnerScript }, path.basename(req.runnerScript)) : undefined;

    runDir = `${workDir}/runs/${id}`;
    const mk = await conn.exec(joinCommand(['mkdir', '-p', '--', runDir]), { signal });
    if (mk.code !== 0) throw new RemoteCommandError(`creating ${runDir}`, mk.code, mk.stderr);

    // tegrastats, timestamped with the device clock by a constant wrapper.
    const tegra: TimedTegrastats[] = [];
    let firstT: number | undefined;
    let firstSample: () => void = () => {};
    const sawFirstSample = new Promise<void>((r) => (firstSample = r));
    if (facts.runtimes.tegrastats) {
      const script = 'tegrastats --interval "$1" | while IFS= read -r l; do printf "%s %s\\n" "$(date +%s%3N)" "$l"; done';
      const p = await startRemoteProcess(conn, ['sh', '-c', script, 'sh', String(intervalMs)], {
        onLine: (line) => {
          const ts = splitTimestamped(line);
          const sample = ts && parseTegrastatsLine(ts.text);
          if (!ts || !sample) return;
          tegra.push({ t: ts.t, sample });
          firstT ??= ts.t;
          firstSample();
          emit({
            kind: 'tegrastats',
            point: { t: ts.t - firstT, totalMw: totalPowerMw(sample), gpuLoadPercent: sample.gpu?.loadPercent ?? null, railsMw: Object.fromEntries(Object.entries(sample.rails).map(([k, r]) => [k, r.currentMw])) },
          });
        },
      });
      processes.push(p);
      // Start the workload only once power is being sampled (or after 3 s without a sample).
      await Promise.race([sawFirstSample, p.exit, new Promise((r) => setTimeout(r, 3000))]);
      signal?.throwIfAborted();
    }

    const variants: VariantProfile[] = [];
    let runnerInfo: ProfileResult['runner'] = null;
    if (req.backend === 'trtexec') {
      for (const v of remoteVariants) {
        signal?.throwIfAborted();
        emit({ kind: 'stage', message: `trtexec: ${v.label}` });
        const vi = remoteVariants.indexOf(v);
        emit({ kind: 'progress', progress: { variant: v.id, variantIndex: vi, variants: remoteVariants.length, phase: 'timed', done: 0, total: req.iterations, fraction: vi / remoteVariants.length } });
        const lines: string[] = [];
        const trt = facts.runtimes.trtexec!;
        const p = await startRemoteProcess(
          conn,
          ['sh', '-c', 'date +%s%3N; "$@"; rc=$?; date +%s%3N; exit $rc', 'sh', trt, `--onnx=${v.remote.remotePath}`, `--iterations=${req.iterations}`, '--avgRuns=1'],
          { cwd: runDir, onLine: (l) => lines.push(l) },
        );
        processes.push(p);
        const exit = await p.exit;
        signal?.throwIfAborted();
        if (exit.code !== 0) throw new RemoteCommandError(`trtexec on ${v.label}`, exit.code, p.stderr() || lines.slice(-5).join('\n'));
        const t0 = Number(lines[0]);
        const t1 = Number(lines.at(-1));
        const summary = parseTrtexecOutput(lines.slice(1, -1).join('\n'), `trtexec on ${v.label}`);
        const lat = summary.latency ?? summary.gpuCompute!;
        const qps = summary.throughputQps ?? 1000 / lat.mean;
        const power = powerOverWindow(tegra, t0, t1, Math.max(1, Math.round((qps * (t1 - t0)) / 1000)));
        if (power) power.energyPerInferenceMj = power.totalMw / qps; // mW / (1/s) = mJ per inference
        variants.push({
          id: v.id,
          label: v.label,
          description: v.input.description,
          effectiveMacs: v.input.macs,
          sha256: v.remote.sha256,
          latencyMs: { n: req.iterations, mean: lat.mean, std: 0, min: lat.min, max: lat.max, p50: lat.median, p90: lat.percentiles[90] ?? lat.percentiles[99] ?? lat.max, p99: lat.percentiles[99] ?? lat.max },
          latenciesMs: [],
          throughputQps: qps,
          perSampleMs: [],
          power,
          outputsCheck: null,
          gpuComputeMs: summary.gpuCompute ? { mean: summary.gpuCompute.mean, median: summary.gpuCompute.median, p99: summary.gpuCompute.percentiles[99] } : undefined,
        });
        runnerInfo = { runtime: 'trtexec', version: summary.tensorrtVersion ?? 'unknown', providers: ['tensorrt'] };
      }
    } else {
      const job: RunnerJob = {
        protocol: RUNNER_PROTOCOL,
        variants: remoteVariants.map((v) => ({ id: v.id, model: v.remote.remotePath })),
        samples: samples.remotePath,
        warmup: req.warmup,
        iterations: req.iterations,
        perSample,
        outputDir: runDir,
        ortModule: req.host.device.ortModulePath,
        providers: req.providers ?? ['cpu'],
      };
      const jobPath = `${runDir}/job.json`;
      await writeRemoteFile(conn, jobPath, JSON.stringify(job));
      const messages: RunnerMessage[] = [];
      let protocolError: Error | undefined;
      const argv = req.backend === 'node' ? [req.host.device.nodePath, runner!.remotePath, jobPath] : [req.host.device.pythonPath, runner!.remotePath, jobPath];
      emit({ kind: 'stage', message: `running ${req.backend} runner` });
      const perSampleRuns = Math.min(perSample, samplesCount(samplesBytes));
      const p = await startRemoteProcess(conn, argv, {
        cwd: runDir,
        onLine: (line) => {
          if (!line.trim()) return;
          try {
            const m = parseRunnerLine(line);
            if (m.type !== 'progress') messages.push(m);
            emit({ kind: 'runner', message: m });
            const progress = runnerProgress(m, remoteVariants.map((v) => v.id), req.warmup, req.iterations, perSampleRuns);
            if (progress) emit({ kind: 'progress', progress });
          } catch (error) {
            protocolError ??= error as Error;
          }
        },
      });
      processes.push(p);
      const exit = await p.exit;
      signal?.throwIfAborted();
      const err = messages.find((m): m is Extract<RunnerMessage, { type: 'error' }> => m.type === 'error');
      if (err) throw new RemoteError(`runner on ${req.host.target.alias}: ${err.message}`);
      if (protocolError) throw protocolError;
      if (exit.code !== 0 || !messages.some((m) => m.type === 'done')) throw new RemoteCommandError('the runner', exit.code, p.stderr());
      const hello = messages.find((m): m is Extract<RunnerMessage, { type: 'hello' }> => m.type === 'hello');
      runnerInfo = hello ? { runtime: hello.runtime, version: hello.version, providers: hello.providers } : null;
      const npy = parseNpy(samplesBytes, samplesLabel);
      for (const v of remoteVariants) {
        const timed = messages.find((m): m is Extract<RunnerMessage, { type: 'timed' }> => m.type === 'timed' && m.variant === v.id);
        if (!timed) throw new RemoteError(`runner reported no timings for variant '${v.id}'`);
        const perSampleMs = messages.filter((m): m is Extract<RunnerMessage, { type: 'sample' }> => m.type === 'sample' && m.variant === v.id).map((m) => m.ms);
        const outputs = messages.find((m): m is Extract<RunnerMessage, { type: 'outputs' }> => m.type === 'outputs' && m.variant === v.id);
        let outputsCheck: VariantProfile['outputsCheck'] = null;
        const outName = outputs && ('prediction' in outputs.files ? 'prediction' : Object.keys(outputs.files)[0]);
        if (outputs && outName && req.checkOutputs !== false) {
          signal?.throwIfAborted();
          const remoteNpy = parseNpy(await readRemoteFile(conn, outputs.files[outName]), `${req.host.target.alias}:${outputs.files[outName]}`);
          const count = remoteNpy.shape[0];
          const engine = req.reference ? await req.reference(v.id, outName, count) : null;
          const local = engine ?? (await localOutputs(variantBytes.get(v.id)!, samplesBytes, count, outName));
          outputsCheck = { samples: Math.min(count, npy.shape[0]), maxAbsDiff: maxAbsDiff(remoteNpy.data, local), output: outName, reference: engine ? 'engine' : 'same-model' };
        }
        const windowMs = timed.t1 - timed.t0;
        variants.push({
          id: v.id,
          label: v.label,
          description: v.input.description,
          effectiveMacs: v.input.macs,
          sha256: v.remote.sha256,
          latencyMs: latencyStats(timed.latenciesMs),
          latenciesMs: timed.latenciesMs,
          throughputQps: windowMs > 0 ? (timed.latenciesMs.length * 1000) / windowMs : 1000 / latencyStats(timed.latenciesMs).mean,
          perSampleMs,
          power: powerOverWindow(tegra, timed.t0, timed.t1, timed.latenciesMs.length),
          outputsCheck,
        });
      }
    }

    await cleanup();
    const checkpointSha = createHash('sha256').update(await fs.readFile(req.checkpoint)).digest('hex');
    const t0 = tegra[0]?.t ?? 0;
    return {
      schema: PROFILE_SCHEMA,
      schemaVersion: PROFILE_SCHEMA_VERSION,
      id,
      createdAt: new Date(started).toISOString(),
      durationSeconds: (Date.now() - started) / 1000,
      host: { alias: req.host.target.alias, target: describeTarget(req.host.target) },
      device: facts,
      checkpoint: { path: path.resolve(req.checkpoint), name: path.basename(req.checkpoint), sha256: checkpointSha },
      backend: req.backend,
      runner: runnerInfo,
      settings: { warmup: req.warmup, iterations: req.iterations, perSample, tegrastatsIntervalMs: intervalMs },
      variants,
      tegrastats: tegra.map((s) => ({
        t: s.t - t0,
        totalMw: totalPowerMw(s.sample),
        gpuLoadPercent: s.sample.gpu?.loadPercent ?? null,
        railsMw: Object.fromEntries(Object.entries(s.sample.rails).map(([k, r]) => [k, r.currentMw])),
      })),
      uploads,
    };
  } catch (error) {
    await cleanup().catch(() => {});
    if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('profile run cancelled');
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (!pooled) conn.close();
  }
}

/** Profiles the same request on several hosts at once; one settled result per host, in order. */
export async function profileOnDevices(
  hosts: ResolvedHost[],
  base: Omit<ProfileRequest, 'host'>,
): Promise<Array<{ alias: string; result?: ProfileResult; error?: Error }>> {
  const settled = await Promise.allSettled(hosts.map((host) => profileOnDevice({ ...base, host })));
  return settled.map((s, i) => ({
    alias: hosts[i].target.alias,
    ...(s.status === 'fulfilled' ? { result: s.value } : { error: s.reason instanceof Error ? s.reason : new Error(String(s.reason)) }),
  }));
}

/** Used to check cancellation from tests and UIs without importing SshConnection internals. */
export type { SshConnection };
