/**
 * Step "collect power" of a profile run: tegrastats streams during the run,
 * each line stamped with the device clock by a constant wrapper; the
 * workload starts once power is being sampled (or after 3 s without a
 * sample). Each variant's timed window then gets its power and energy.
 */
import { powerOverWindow, splitTimestamped, type PowerSummary, type TimedTegrastats } from '../device/powerWindow';
import type { DeviceFacts } from '../device/deviceProbe';
import { parseTegrastatsLine, totalPowerMw, type TegrastatsSample } from '../device/tegrastats';
import { startRemoteProcess } from '../ssh/remoteProcess';
import type { SshConnection } from '../ssh/sshConnection';
import type { TegrastatsPoint } from '../../schema/profileResult';
import type { EmitEvent } from './profileTypes';
import type { RemoteRunScope } from './runScope';

/** Prints `<epoch ms> <tegrastats line>` for every tegrastats line (interval as $1). */
const TIMESTAMPED_TEGRASTATS = 'tegrastats --interval "$1" | while IFS= read -r l; do printf "%s %s\\n" "$(date +%s%3N)" "$l"; done';
/** How long the workload waits for the first power sample. */
const FIRST_SAMPLE_WAIT_MS = 3000;

/** The device-clock window of a variant's timed inferences. */
export interface MeasuredWindow {
  t0: number;
  t1: number;
  inferences: number;
  /** When set, energy per inference = mean power / this throughput (trtexec), not power x window / inferences. */
  energyFromQps?: number;
}

/** One tegrastats sample as a point of the power trace, `t` relative to `t0`. */
export function tegrastatsPoint(sample: TegrastatsSample, t: number): TegrastatsPoint {
  return {
    t,
    totalMw: totalPowerMw(sample),
    gpuLoadPercent: sample.gpu?.loadPercent ?? null,
    railsMw: Object.fromEntries(Object.entries(sample.rails).map(([k, r]) => [k, r.currentMw])),
  };
}

/**
 * Starts tegrastats when the device has it; resolves with the (growing)
 * list of samples once the first one arrived. Without tegrastats the list stays empty.
 */
export async function startPowerCollection(
  conn: SshConnection,
  scope: RemoteRunScope,
  facts: DeviceFacts,
  intervalMs: number,
  emit: EmitEvent,
  signal?: AbortSignal,
): Promise<TimedTegrastats[]> {
  const samples: TimedTegrastats[] = [];
  if (!facts.runtimes.tegrastats) return samples;
  let firstT: number | undefined;
  let firstSample: () => void = () => {};
  const sawFirstSample = new Promise<void>((r) => (firstSample = r));
  const p = await startRemoteProcess(conn, ['sh', '-c', TIMESTAMPED_TEGRASTATS, 'sh', String(intervalMs)], {
    onLine: (line) => {
      const ts = splitTimestamped(line);
      const sample = ts && parseTegrastatsLine(ts.text);
      if (!ts || !sample) return;
      samples.push({ t: ts.t, sample });
      firstT ??= ts.t;
      firstSample();
      emit({ kind: 'tegrastats', point: tegrastatsPoint(sample, ts.t - firstT) });
    },
  });
  scope.track(p);
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise((r) => (timer = setTimeout(r, FIRST_SAMPLE_WAIT_MS)));
  await Promise.race([sawFirstSample, p.exit, gaveUp]).finally(() => clearTimeout(timer));
  signal?.throwIfAborted();
  return samples;
}

/** Power and energy per inference over a measured window; null without usable samples. */
export function windowPower(samples: TimedTegrastats[], w: MeasuredWindow): PowerSummary | null {
  const power = powerOverWindow(samples, w.t0, w.t1, w.inferences);
  if (power && w.energyFromQps !== undefined) power.energyPerInferenceMj = power.totalMw / w.energyFromQps; // mW / (1/s) = mJ per inference
  return power;
}
