/**
 * `profile --sparse-plan calibrate`: the sparse variant's per-unit plan
 * measured on the host being profiled, before it is timed there. The
 * candidate graphs go through the same PlanTimer over SSH as `export
 * --calibrate <host>` (src/core/export/planTimers.ts), with the profile's
 * backend, runner, providers, connections and samples; the calibration's
 * progress is reported as the run's own, labelled `sparse plan`.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Checkpoint } from '../../checkpoint/checkpoint';
import { calibrateSparsePlan, calibrationFeeds } from '../../export/calibrate';
import { remotePlanTimer } from '../../export/planTimers';
import type { SparsePlan } from '../../export/sparsePlan';
import { gatherGatedChannels } from '../../graph/channelGather';
import { poolEvaluator } from '../../runtime/graphEvaluator';
import { InferencePool } from '../../runtime/inferencePool';
import type { ProfileEvent, ProfileRequest } from './profileTypes';

/** How much the calibration times: the first `samples` of the run's samples, `rounds` timed rounds over them. */
export interface HostCalibrationSize {
  samples: number;
  rounds: number;
}

/** A timing run's event as the profile's own: stage messages and progress labelled as the plan's, the rest dropped. */
function relabel(e: ProfileEvent): ProfileEvent | null {
  if (e.kind === 'stage') return { kind: 'stage', message: `sparse plan: ${e.message}` };
  if (e.kind === 'progress') return { kind: 'progress', progress: { ...e.progress, variant: `sparse plan ${e.progress.variant}` } };
  return null;
}

/** One-line summary of a plan: units gathered and dense, and the verdict. */
export function planSummary(plan: SparsePlan): string {
  const dense = plan.units.filter((u) => u.form === 'dense').map((u) => u.unit);
  const denseText = dense.length ? ` (dense: unit${dense.length > 1 ? 's' : ''} ${dense.join(', ')})` : '';
  return `${plan.units.length - dense.length} of ${plan.units.length} units gathered${denseText}; ${plan.verdict}`;
}

/** Measures the plan of `ck` on `req.host` (cancellable through `req.signal`). */
export async function calibrateOnHost(ck: Checkpoint, req: ProfileRequest, size: HostCalibrationSize): Promise<SparsePlan> {
  const alias = req.host.target.alias;
  const stage = (message: string) => req.onEvent?.({ kind: 'stage', message }, alias);
  const samples = typeof req.samples === 'string' ? { bytes: new Uint8Array(await readFile(req.samples)), name: path.basename(req.samples) } : req.samples;
  const feeds = calibrationFeeds(samples.bytes, samples.name, size.samples);
  const units = gatherGatedChannels(ck).report.gatheredUnits.length;
  stage(`sparse plan: calibrating on ${alias}: ${units + 1} graphs (all units gathered, each unit alone dense), then clean dense against 3 candidates; ${feeds.length} samples x ${size.rounds} rounds`);
  const timer = remotePlanTimer({
    host: req.host, connection: req.connection, checkpoint: req.checkpoint, samples: { ...samples, count: feeds.length },
    backend: req.backend, runnerScript: req.runnerScript, providers: req.providers, pool: req.pool, signal: req.signal,
    onEvent: (e, a) => {
      const mine = relabel(e);
      if (mine) req.onEvent?.(mine, a);
    },
  }, { rounds: size.rounds, warmup: 1 });
  const pool = new InferencePool({ size: 1, intraOpThreads: 1 });
  let plan: SparsePlan;
  try {
    plan = await calibrateSparsePlan(ck, timer, feeds, poolEvaluator(pool, 'sparse plan', req.signal));
  } catch (error) {
    if (req.signal?.aborted) throw error;
    throw new Error(`sparse plan calibration on ${alias}: ${(error as Error).message}`, { cause: error });
  } finally {
    await pool.close();
  }
  req.signal?.throwIfAborted();
  stage(`sparse plan on ${alias}: ${planSummary(plan)}`);
  return plan;
}
