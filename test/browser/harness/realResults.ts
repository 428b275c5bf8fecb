/**
 * Real results for the harness pages: the bundled checkpoints analysed by the
 * engine on the bundled storm data (the same code path the extension uses,
 * `CoreEngine`, with inference in worker threads). Nothing is hard-coded.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { inspectModel } from '../../../src/core/inspect/inspect';
import type { Analysis, SampleAnalysis, SweepResult } from '../../../src/core/schema/results';
import { CoreEngine } from '../../../src/extension/engine/coreEngine';
import type { AnalysisStart } from '../../../src/shared/protocol';
import { overviewModel } from '../../../src/extension/overviewModel';
import type { OverviewModel } from '../../../src/shared/models';

export const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');

/** Folder of the checkpoints: the bundled demo/checkpoints (`DYNAPRUNER_CHECKPOINTS` overrides it during development). */
export function checkpointsDir(): string {
  return process.env.DYNAPRUNER_CHECKPOINTS ?? path.join(ROOT, 'demo', 'checkpoints');
}

/** The bundled checkpoints (sorted), empty when none are there. */
export function checkpoints(): string[] {
  const dir = checkpointsDir();
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.onnx')).sort().map((f) => path.join(dir, f));
}

/** The bundled Dyna-Pruner SimVP checkpoint, or null. */
export function dynaprunerCheckpoint(): string | null {
  const all = checkpoints();
  return all.find((f) => /simvp.*dynapruner\.onnx$/.test(path.basename(f))) ?? all.find((f) => /dynapruner\.onnx$/.test(f)) ?? null;
}

/**
 * The bundled Dyna-Pruner SimVP checkpoint; throws (the tests fail, they do
 * not skip) when it is missing, naming the file that was expected.
 */
export function requireDynaprunerCheckpoint(): string {
  const found = dynaprunerCheckpoint();
  if (!found) throw new Error(`no Dyna-Pruner checkpoint: expected ${path.join(checkpointsDir(), 'simvp_dynapruner.onnx')} (the bundled checkpoint; DYNAPRUNER_CHECKPOINTS overrides the folder)`);
  return found;
}

/** The bundled storm data files. */
export function stormFiles(): string[] {
  const dir = path.join(ROOT, 'demo', 'data', 'ncl');
  return readdirSync(dir).filter((f) => f.endsWith('.cdf')).sort().map((f) => path.join(dir, f));
}

const quietLog = { info: () => undefined, warn: () => undefined, error: () => undefined, show: () => undefined };

/** Everything the harness needs, computed once per test file. */
export interface RealResults {
  overview: OverviewModel;
  start: AnalysisStart;
  /** Sample batches in the order the engine streamed them. */
  batches: SampleAnalysis[][];
  analysis: Analysis;
  sweep: SweepResult | null;
}

/** Analyses (and optionally sweeps, on a small grid) a checkpoint. */
export async function realResults(checkpoint: string, opts: { maxSamples: number; sweep: boolean }): Promise<RealResults> {
  const engine = new CoreEngine(quietLog);
  const signal = new AbortController().signal;
  try {
    let start: AnalysisStart | null = null;
    const batches: SampleAnalysis[][] = [];
    const analysis = await engine.analyze({
      checkpoint, dataFiles: stormFiles(), maxSamples: opts.maxSamples, workers: 1, signal, onProgress: () => undefined,
      onStart: (s) => (start = s), onSamples: (b) => batches.push(b),
    });
    const sweep = opts.sweep
      ? await engine.sweep({
          checkpoint, dataFiles: stormFiles(), maxSamples: Math.min(opts.maxSamples, 8), workers: 1, signal, onProgress: () => undefined,
          grids: { noise: [0, 0.05], failure: [0, 0.1], baselines: ['dense', 'random', 'l1'], seeds: [0, 1], dataThresholds: [0.4, 0.5, 0.6], tauOffsets: [0] },
        })
      : null;
    return { overview: overviewModel(await inspectModel(checkpoint)), start: start!, batches, analysis, sweep };
  } finally {
    engine.dispose();
  }
}
