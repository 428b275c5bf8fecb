/**
 * Profile runs in the run store: `<workspace>/.dynapruner/runs/<id>/` holds
 * `profile.json` (ProfileResult) and `run.json` (the RunRecord every run has,
 * so the Runs view lists remote runs too), saved by {@link saveRun}.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { readContract } from '../contract/readContract';
import type { RunRecord } from '../schema/results';
import { readModel } from '../onnx/reader';
import { PROFILE_SCHEMA, type ProfileResult } from '../schema/profileResult';
import { runsFolder, saveRun } from './runStore';

export { runsFolder };

async function modelRef(result: ProfileResult): Promise<RunRecord['model']> {
  let contract = null;
  try {
    contract = readContract(await readModel(result.checkpoint.path));
  } catch {
    contract = null; // a plain or unreadable model still gets a record
  }
  return {
    path: result.checkpoint.path,
    name: result.checkpoint.name,
    sha256: result.checkpoint.sha256,
    backbone: contract?.backbone ?? null,
    variant: contract?.variant ?? null,
    contractVersion: contract?.contract ?? null,
    tIn: contract?.t_in ?? 0,
    tOut: contract?.t_out ?? 0,
    channels: contract?.channels ?? [],
    grid: contract?.grid ?? [0, 0],
    dataThreshold: contract?.data_threshold ?? null,
  };
}

/** Saves a finished profile run; returns its folder. A taken id gets a suffix (also in profile.json). */
export async function saveProfileRun(workspaceRoot: string, result: ProfileResult, args: string[] = []): Promise<string> {
  const { folder } = await saveRun(
    workspaceRoot,
    {
      command: 'profile',
      id: result.id,
      createdAt: new Date(result.createdAt),
      durationSeconds: result.durationSeconds,
      model: await modelRef(result),
      data: null,
      args,
      summary: { samples: result.settings.perSample, denseMacs: 0, meanEffectiveMacs: null, mse: null, auc: null },
    },
    (record) => ({ 'profile.json': JSON.stringify({ ...result, id: record.id }, null, 1) }),
  );
  return folder;
}

/** Reads every saved profile run (newest first); unreadable folders are skipped. */
export async function listProfileRuns(workspaceRoot: string): Promise<ProfileResult[]> {
  const runs = runsFolder(workspaceRoot);
  let names: string[];
  try {
    names = await fs.readdir(runs);
  } catch {
    return [];
  }
  const out: ProfileResult[] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    try {
      const r = JSON.parse(await fs.readFile(path.join(runs, name, 'profile.json'), 'utf8')) as ProfileResult;
      if (r.schema === PROFILE_SCHEMA) out.push(r);
    } catch {
      /* not a profile run */
    }
  }
  return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** One row of a cross-device comparison. */
export interface ComparisonRow {
  host: string;
  device: string;
  variant: string;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  throughputQps: number;
  energyPerInferenceMj: number | null;
  /** Mean latency of this variant over the host's first variant (the checkpoint): <1 is faster. */
  relativeToFirst: number;
}

/** Rows comparing the same checkpoint across runs (hosts) and variants. */
export function compareProfiles(results: ProfileResult[]): ComparisonRow[] {
  return results.flatMap((r) =>
    r.variants.map((v) => ({
      host: r.host.alias,
      device: r.device.model ?? r.device.kernel,
      variant: v.id,
      meanMs: v.latencyMs.mean,
      p50Ms: v.latencyMs.p50,
      p99Ms: v.latencyMs.p99,
      throughputQps: v.throughputQps,
      energyPerInferenceMj: v.power?.energyPerInferenceMj ?? null,
      relativeToFirst: v.latencyMs.mean / r.variants[0].latencyMs.mean,
    })),
  );
}
