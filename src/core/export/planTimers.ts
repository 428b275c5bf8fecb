/**
 * Where a sparse plan is calibrated: onnxruntime-node on this machine
 * (paired, interleaved rounds; src/core/runtime/pairedTiming.ts), or a
 * profiling host over SSH through its measure backend (the node runner by
 * default, interleaved and paired), one profile run per set of candidate graphs.
 */
import os from 'node:os';
import type { ResolvedHost } from '../remote/ssh/hostConfig';
import type { SshConnectionPool } from '../remote/ssh/connectionPool';
import type { ConnectOptions } from '../remote/ssh/sshConnection';
import { profileOnDevice, type ProfileEvent } from '../remote/profile/profileRun';
import type { ProfileBackend } from '../schema/profileResult';
import { median, runtimeVersion } from '../runtime/nodeProfile';
import { timePaired, type PairedTime } from '../runtime/pairedTiming';
import type { WireTensor } from '../runtime/workerProtocol';
import type { PlanTimer } from './calibrate';

/** Rounds over the samples and warm-up rounds of a calibration. */
export interface CalibrationRounds {
  rounds: number;
  warmup: number;
}

/**
 * Times candidate graphs with onnxruntime-node on this machine's CPU: with
 * one thread on the process CPU time of a run (readable when other jobs
 * share the machine), with more on the wall clock.
 */
export function localPlanTimer(feeds: Record<string, WireTensor>[], threads: number, r: CalibrationRounds, signal?: AbortSignal): PlanTimer {
  const clock = threads === 1 ? 'cpu' : 'wall';
  return {
    measured: { calibrate: 'local', device: `${os.cpus()[0]?.model ?? 'cpu'} (${os.cpus().length} logical CPUs)`, runtime: `onnxruntime-node ${runtimeVersion()} CPU`, threads, clock, rounds: r.rounds },
    time: (models) => timePaired(models, feeds, { threads, warmup: r.warmup, rounds: r.rounds, clock, signal }),
  };
}

/** What a remote calibration needs besides the host. */
export interface RemoteTimerOptions {
  host: ResolvedHost;
  connection: Omit<ConnectOptions, 'signal'>;
  checkpoint: string;
  samples: { bytes: Uint8Array; name: string; count: number };
  backend: ProfileBackend;
  runnerScript?: string;
  /** Execution providers of the runner (default: its CPU provider). */
  providers?: string[];
  /** Reuse the profile's connections (`profile --sparse-plan calibrate`). */
  pool?: SshConnectionPool;
  signal?: AbortSignal;
  /** Progress of each timing run on the host. */
  onEvent?(event: ProfileEvent, alias: string): void;
}

/**
 * Times candidate graphs on a profiling host. Through the node runner they
 * run interleaved (iteration i of every graph back to back, rotating order),
 * so each ratio to the first graph is the median of the per-iteration
 * ratios (paired); the Python runner times them one after another, and the
 * ratio is that of the medians.
 */
export function remotePlanTimer(o: RemoteTimerOptions, r: CalibrationRounds): PlanTimer {
  const paired = o.backend === 'node';
  const measured = { calibrate: o.host.target.alias, device: o.host.target.alias, runtime: `${o.backend} runner`, threads: null, clock: 'wall' as const, rounds: r.rounds };
  return {
    measured,
    async time(models): Promise<PairedTime[]> {
      const result = await profileOnDevice({
        host: o.host, connection: o.connection, checkpoint: o.checkpoint, samples: { bytes: o.samples.bytes, name: o.samples.name },
        variants: models.map((m) => ({ id: m.id, label: m.id, bytes: m.bytes, description: 'sparse plan candidate' })),
        backend: o.backend, warmup: r.warmup * o.samples.count, iterations: r.rounds * o.samples.count, perSample: 1, checkOutputs: false, interleave: paired,
        runnerScript: o.runnerScript, providers: o.providers, pool: o.pool, signal: o.signal, onEvent: o.onEvent,
      });
      measured.device = result.device.model ?? `${o.host.target.alias} (${result.device.kernel}, ${result.device.cpuCount ?? '?'} CPUs)`;
      if (result.runner) measured.runtime = `${result.runner.runtime} ${result.runner.version} ${result.runner.providers.join(',')}`;
      const base = result.variants[0];
      const ratio = (v: (typeof result.variants)[number]) => (paired ? median(v.latenciesMs.map((t, i) => t / base.latenciesMs[i])) : v.latencyMs.p50 / base.latencyMs.p50);
      return result.variants.map((v) => ({ id: v.id, medianMs: v.latencyMs.p50, pairedRatio: ratio(v), runs: v.latenciesMs.length }));
    },
  };
}
