/**
 * Where the A/B panel's analyses come from: the newest saved analysis run of
 * each checkpoint in the run store, read back as they were saved (a restored
 * panel reads the runs its source names and computes nothing). Free of the
 * VS Code API.
 */
import * as path from 'node:path';
import type { Analysis } from '../../core/schema/results';
import { listRuns, readRun } from '../runStore';

/** An analysis and the run folder it was read from. */
export interface SavedAnalysis {
  dir: string;
  analysis: Analysis;
}

/** The newest saved analysis (`run` command) of a checkpoint, or null when the run store has none. */
export async function newestSavedAnalysis(runsDir: string, checkpoint: string): Promise<SavedAnalysis | null> {
  const wanted = path.resolve(checkpoint);
  for (const run of await listRuns(runsDir)) {
    if (run.record.command !== 'run' || path.resolve(run.record.model.path) !== wanted) continue;
    const { analysis } = await readRun(run.dir);
    if (analysis) return { dir: run.dir, analysis };
  }
  return null;
}

/** Reads the analysis of a saved run; the error names the folder when it holds none. */
export async function readSavedAnalysis(dir: string): Promise<SavedAnalysis> {
  const { analysis } = await readRun(dir);
  if (!analysis) throw new Error(`${dir}: the run holds no analysis (expected analysis.json)`);
  return { dir, analysis };
}

/** Pane B's first sample: the next sample when both panes show one checkpoint (two samples), else the same one. */
export function secondSample(a: string, b: string, sampleA: number, samplesB: number): number {
  if (path.resolve(a) !== path.resolve(b)) return Math.min(sampleA, Math.max(0, samplesB - 1));
  return samplesB > 1 ? (sampleA + 1) % samplesB : 0;
}
