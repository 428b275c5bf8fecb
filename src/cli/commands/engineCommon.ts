/** Shared flags and setup of the engine commands (run, sweep, report). */
import { CliError } from '../command';
import type { FlagSpecs, ParsedArgs } from '../args/parse';
import { BATCH, SAMPLES, THREADS, WORKERS } from '../args/limits';
import { intValue } from '../args/values';
import { refuseDuplicateFiles } from '../args/duplicateFiles';
import { openCheckpoint, type Checkpoint } from '../../core/checkpoint/checkpoint';
import { defaultDataFiles } from '../../core/checkpoint/defaultData';
import { InferencePool } from '../../core/runtime/inferencePool';
import { ModelRunner } from '../../core/runtime/modelRunner';
import { refuseOutputsOverInputs, type RolePath } from '../../core/runs/outputGuard';
import { loadSamples } from '../../core/samples/load';
import { takeSamples, type SampleSet } from '../../core/samples/sampleSet';

/** The options every engine command shares (for --help). */
export const COMMON_HELP = `  --data FILES...     NetCDF files (one per channel), or one .npz, or an inputs .npy [+ targets .npy].
                      Default: the files the checkpoint's contract names (dataset), found beside the
                      checkpoint or in demo/data/ncl.
  --samples N         Use the first N windows only (${SAMPLES.min}..${SAMPLES.max}).
  --split NAME        Split of the contract's dataset to window (default test; 'all' for every step).
  --batch N           Samples per inference call (default 8, at most ${BATCH.max}).
  --workers N         Inference worker threads (default min(2, CPUs), at most ${WORKERS.max}).
  --threads N         onnxruntime intra-op threads per worker (default CPUs / workers, at most ${THREADS.max}).`;

/** Flags every engine command accepts. */
export const COMMON_FLAGS: FlagSpecs = {
  data: { type: 'string', variadic: true, value: 'FILES...' },
  samples: { type: 'string', value: 'N' },
  split: { type: 'string', value: 'NAME' },
  batch: { type: 'string', value: 'N' },
  workers: { type: 'string', value: 'N' },
  threads: { type: 'string', value: 'N' },
};

/** The shared options, checked. */
export interface EngineOptions {
  checkpoint: string;
  data: string[] | undefined;
  samples: number | undefined;
  split: string;
  batch: number;
  /** Whether --batch was given (sweep and report use their own default otherwise). */
  batchGiven: boolean;
  workers: number | undefined;
  threads: number | undefined;
}

/** Checks the shared flags and the one checkpoint positional. */
export function engineOptions(command: string, p: ParsedArgs): EngineOptions {
  if (p.positionals.length !== 1) {
    const found = p.positionals.length ? `found ${p.positionals.map((a) => `'${a}'`).join(' ')}` : 'found none';
    throw new CliError(`usage: dynapruner ${command} <checkpoint.onnx> [--data FILES...]: expected one checkpoint, ${found} (see --help)`, 2);
  }
  return engineOptionsFor(p, p.positionals[0]);
}

/** Checks the shared flags for one checkpoint (commands that take several checkpoints call it for each). */
export function engineOptionsFor(p: ParsedArgs, checkpoint: string): EngineOptions {
  const split = p.string('split') ?? 'test';
  if (split.trim() === '') throw new CliError('--split: expected a split name (e.g. test, all), found an empty value', 2);
  return {
    checkpoint,
    data: p.strings('data'),
    samples: intValue('samples', p.string('samples'), SAMPLES),
    split,
    batch: intValue('batch', p.string('batch'), BATCH, 8),
    batchGiven: p.has('batch'),
    workers: intValue('workers', p.string('workers'), WORKERS),
    threads: intValue('threads', p.string('threads'), THREADS),
  };
}

/** An opened checkpoint, its samples and an inference pool (close it). */
export interface EngineSetup {
  ck: Checkpoint;
  samples: SampleSet;
  pool: InferencePool;
  runner: ModelRunner;
  batch: number;
}

/** The data files: --data, else the contract's data set found beside the checkpoint. */
async function dataFiles(o: EngineOptions, ck: Checkpoint): Promise<string[]> {
  if (o.data) {
    await refuseDuplicateFiles('--data', o.data);
    return o.data;
  }
  const found = defaultDataFiles(ck);
  if (!found) throw new CliError(`${ck.file}: no --data given and the contract's data files were not found beside the checkpoint or in demo/data/ncl`, 2);
  return found;
}

/**
 * Opens the checkpoint, finds the data, refuses outputs that name an input,
 * then loads the samples and starts the pool.
 */
export async function setup(o: EngineOptions, outputs: RolePath[], signal: AbortSignal): Promise<EngineSetup> {
  const ck = await openCheckpoint(o.checkpoint, signal);
  const data = await dataFiles(o, ck);
  const inputs = [{ role: 'the checkpoint', path: o.checkpoint }, ...data.map((f) => ({ role: `data file ${f}`, path: f }))];
  await refuseOutputsOverInputs(outputs, inputs);
  let samples = await loadSamples(data, ck.spec, { split: o.split, maxWindows: o.samples });
  if (o.samples !== undefined && o.samples < samples.count) samples = takeSamples(samples, Array.from({ length: o.samples }, (_, i) => i));
  const pool = new InferencePool({ size: o.workers, intraOpThreads: o.threads });
  return { ck, samples, pool, runner: new ModelRunner(ck, pool), batch: o.batch };
}
