/**
 * `export --variant sparse --calibrate local|none|<host>`: the checked
 * calibration target (a configured profiling host is resolved and connected
 * to before any work), the calibration samples, and the measured plan.
 */
import { existsSync, promises as fs } from 'node:fs';
import { CliError } from '../command';
import type { Checkpoint } from '../../core/checkpoint/checkpoint';
import { calibrateSparsePlan, calibrationFeeds, uncalibratedPlan } from '../../core/export/calibrate';
import { localPlanTimer, remotePlanTimer, type CalibrationRounds } from '../../core/export/planTimers';
import type { SparsePlan } from '../../core/export/sparsePlan';
import type { TopkSelection } from '../../core/graph/channelGather';
import type { GraphEvaluator } from '../../core/graph/foldOnes';
import { knownAliases, resolveAlias, shippedRunner, validateHostSettings } from '../../core/remote/device/remoteEnvironment';
import { profileSamples } from '../../core/remote/profile/profileSamples';
import type { ResolvedHost } from '../../core/remote/ssh/hostConfig';
import { connectSsh, type ConnectOptions } from '../../core/remote/ssh/sshConnection';
import type { WireTensor } from '../../core/runtime/workerProtocol';

/** Where to calibrate, checked. */
export type CalibrateTarget =
  | { kind: 'none' }
  | { kind: 'local'; threads: number }
  | { kind: 'host'; host: ResolvedHost; connection: Omit<ConnectOptions, 'signal'>; runnerScript?: string };

/** The flags the calibration reads. */
export interface CalibrateFlags {
  calibrate: string;
  threads: number;
  hostsFile?: string;
  knownHosts?: string;
  runner?: string;
  connectTimeoutMs?: number;
}

async function hostSettings(file: string | undefined): Promise<ReturnType<typeof validateHostSettings>> {
  if (!file) return [];
  try {
    return validateHostSettings(JSON.parse(await fs.readFile(file, 'utf8')), file);
  } catch (error) {
    throw new CliError(`--hosts-file ${file}: ${(error as Error).message}`, 2);
  }
}

/** Checks `--calibrate`: 'none', 'local', or a configured host that answers (connected to once, then closed). */
export async function calibrateTarget(f: CalibrateFlags, signal: AbortSignal): Promise<CalibrateTarget> {
  const value = f.calibrate.trim();
  if (value === 'none') return { kind: 'none' };
  if (value === 'local') return { kind: 'local', threads: f.threads };
  if (!/^[A-Za-z0-9_.@-]+$/.test(value)) throw new CliError(`--calibrate: expected 'local', 'none' or a profiling host alias, found '${f.calibrate}'`, 2);
  const settings = await hostSettings(f.hostsFile);
  const known = await knownAliases(settings);
  if (!known.includes(value)) throw new CliError(`--calibrate ${value}: not a configured profiling host (known: ${known.length ? known.join(', ') : 'none'}; from --hosts-file or ~/.ssh/config)`, 2);
  if (f.runner && !existsSync(f.runner)) throw new CliError(`--runner ${f.runner}: no such file`, 2);
  const host = await resolveAlias(value, settings).catch((error: unknown) => {
    throw new CliError(`--calibrate ${value}: ${(error as Error).message}`, 2);
  });
  const connection = { knownHostsFiles: f.knownHosts ? [f.knownHosts] : undefined, connectTimeoutMs: f.connectTimeoutMs };
  const conn = await connectSsh(host.target, { ...connection, signal }).catch((error: unknown) => {
    throw new CliError(`--calibrate ${value}: cannot reach the host: ${(error as Error).message.split('\n')[0]}`, 2);
  });
  conn.close();
  return { kind: 'host', host, connection, runnerScript: f.runner ?? shippedRunner('node', __dirname) };
}

/** The calibration samples: --samples, else `<checkpoint>.inputs.npy`, else the contract's test windows. */
export async function calibrationSamples(checkpoint: string, ck: Checkpoint, explicit: string | undefined, max: number): Promise<{ bytes: Uint8Array; name: string; feeds: Record<string, WireTensor>[]; source: string }> {
  const s = await profileSamples(checkpoint, ck, { explicit, maxSamples: max }).catch((error: unknown) => {
    throw new CliError((error as Error).message, 2);
  });
  return { ...s, feeds: calibrationFeeds(s.bytes, s.source, max) };
}

/** Measures the plan on `target` (or records the uncalibrated one); candidates in the `index` form (default NonZero). */
export async function sparsePlanFor(ck: Checkpoint, checkpoint: string, target: CalibrateTarget, samples: Awaited<ReturnType<typeof calibrationSamples>>, rounds: CalibrationRounds, evaluate: GraphEvaluator, signal: AbortSignal, index?: TopkSelection): Promise<SparsePlan> {
  if (target.kind === 'none') return uncalibratedPlan(ck, samples.feeds, evaluate);
  const timer = target.kind === 'local'
    ? localPlanTimer(samples.feeds, target.threads, rounds, signal)
    : remotePlanTimer({ host: target.host, connection: target.connection, checkpoint, samples: { bytes: samples.bytes, name: samples.name, count: samples.feeds.length }, backend: 'node', runnerScript: target.runnerScript, signal }, rounds);
  return calibrateSparsePlan(ck, timer, samples.feeds, evaluate, index);
}
