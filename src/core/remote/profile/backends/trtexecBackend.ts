/**
 * The trtexec backend: TensorRT's own benchmark per variant, its
 * performance summary parsed (TensorRT 7, 8.2, 8.5+/10); the run is
 * bracketed by device-clock stamps so power can be matched to it. With
 * `profileLayers`, trtexec also writes its per-layer profile in a separate
 * profile run (trtexecLayerProfile.ts), recorded as the variant's layer run.
 */
import { RemoteCommandError } from '../../errors';
import { startRemoteProcess } from '../../ssh/remoteProcess';
import type { LatencyStats } from '../latencyStats';
import { parseTrtexecOutput, type TrtLatency } from '../trtexec';
import type { MeasureBackend, MeasureContext, Measurement, VariantMeasurement } from './measureBackend';
import type { RemoteVariant } from '../profileUpload';
import { readTrtexecProfile, trtexecLayerRun, trtexecProfileFlags, trtexecProfilePath } from '../trtexecLayerProfile';

/** Stamps the device clock (ms) before and after the wrapped command, keeping its exit status. */
const STAMPED = 'date +%s%3N; "$@"; rc=$?; date +%s%3N; exit $rc';

/** trtexec's summary as latency statistics (it reports no std; p90 falls back to p99, then max). */
function trtLatencyStats(lat: TrtLatency, n: number): LatencyStats {
  const p = lat.percentiles;
  return { n, mean: lat.mean, std: 0, min: lat.min, max: lat.max, p50: lat.median, p90: p[90] ?? p[99] ?? lat.max, p99: p[99] ?? lat.max };
}

async function measureVariant(ctx: MeasureContext, v: RemoteVariant, index: number): Promise<{ m: VariantMeasurement; version?: string }> {
  const { req, emit } = ctx;
  emit({ kind: 'stage', message: `trtexec: ${v.label}` });
  emit({ kind: 'progress', progress: { variant: v.id, variantIndex: index, variants: ctx.variants.length, phase: 'timed', done: 0, total: req.iterations, fraction: index / ctx.variants.length } });
  const lines: string[] = [];
  const profileFile = req.profileLayers ? trtexecProfilePath(ctx.runDir, v.id) : null;
  const argv = ['sh', '-c', STAMPED, 'sh', ctx.facts.runtimes.trtexec!, `--onnx=${v.remote.remotePath}`, `--iterations=${req.iterations}`, '--avgRuns=1', ...(profileFile ? trtexecProfileFlags(profileFile) : [])];
  const p = ctx.scope.track(await startRemoteProcess(ctx.conn, argv, { cwd: ctx.runDir, onLine: (l) => lines.push(l) }));
  const exit = await p.exit;
  req.signal?.throwIfAborted();
  if (exit.code !== 0) throw new RemoteCommandError(`trtexec on ${v.label}`, exit.code, p.stderr() || lines.slice(-5).join('\n'));
  const t0 = Number(lines[0]);
  const t1 = Number(lines.at(-1));
  const summary = parseTrtexecOutput(lines.slice(1, -1).join('\n'), `trtexec on ${v.label}`);
  const lat = summary.latency ?? summary.gpuCompute!;
  const qps = summary.throughputQps ?? 1000 / lat.mean;
  const gpu = summary.gpuCompute;
  const layerRuns = profileFile ? [trtexecLayerRun(await readTrtexecProfile(ctx.conn, req.host.target.alias, profileFile))] : undefined;
  const m: VariantMeasurement = {
    id: v.id,
    latencyMs: trtLatencyStats(lat, req.iterations),
    latenciesMs: [],
    throughputQps: qps,
    perSampleMs: [],
    window: { t0, t1, inferences: Math.max(1, Math.round((qps * (t1 - t0)) / 1000)), energyFromQps: qps },
    outputsCheck: null,
    gpuComputeMs: gpu ? { mean: gpu.mean, median: gpu.median, p99: gpu.percentiles[99] } : undefined,
    ...(layerRuns ? { layerRuns } : {}),
  };
  return { m, version: summary.tensorrtVersion };
}

export const trtexecBackend: MeasureBackend = {
  id: 'trtexec',
  missing: (facts) => (facts.runtimes.trtexec ? null : 'the trtexec backend needs trtexec on the device; ' + facts.missing.find((m) => m.what.startsWith('trtexec'))?.install),
  async measure(ctx: MeasureContext): Promise<Measurement> {
    const variants: VariantMeasurement[] = [];
    let runner: Measurement['runner'] = null;
    for (const [index, v] of ctx.variants.entries()) {
      ctx.req.signal?.throwIfAborted();
      const { m, version } = await measureVariant(ctx, v, index);
      variants.push(m);
      runner = { runtime: 'trtexec', version: version ?? 'unknown', providers: ['tensorrt'] };
    }
    return { variants, runner };
  },
};
