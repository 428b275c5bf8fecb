/**
 * Loads analysis samples from NetCDF files (one per channel, windowed like the
 * trainer: chronological, inside one split), from `.npy` (pre-windowed
 * `[N, T_in, C, H, W]` inputs, optional `*.targets.npy` beside them) or from
 * `.npz` (`inputs`/`x`, optional `targets`/`y`, `valid`). One budget covers
 * the whole load; the same file given twice is refused.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { loadNpy, loadNpz } from './arraySamples';
import { BudgetMeter, readBudgetFromEnv, type ReadBudget } from './budget';
import { SampleDataError } from './errors';
import { loadDescribed } from './describedData';
import { loadNetcdf } from './netcdfSamples';
import { readGeography } from './geography';
import type { SampleSet, SampleSpec } from './sampleSet';

/** Options of {@link loadSamples}. */
export interface LoadOptions {
  /** Split of the contract's dataset to window (default `test`; `all` = every step). */
  split?: string;
  /** Memory budget of the load (default: {@link readBudgetFromEnv}). */
  budget?: ReadBudget;
  /** Read at most this many windows (the first ones of the split) where the format allows reading by window. */
  maxWindows?: number;
}

/** Refuses the same file given twice (compared by real path, so links and `./` do not hide it). */
function refuseDuplicates(files: string[]): void {
  const seen = new Map<string, string>();
  for (const f of files) {
    let real: string;
    try {
      real = realpathSync(f);
    } catch {
      throw new SampleDataError(f, 'no such file');
    }
    const earlier = seen.get(real);
    if (earlier !== undefined) throw new SampleDataError(f, `is the same file as ${earlier} (given twice in the data files)`);
    seen.set(real, f);
  }
}

/** Refuses a spec no data could be normalised or windowed with (the contract check normally catches these first). */
function checkSpec(spec: SampleSpec): void {
  const bad = (what: string) => {
    throw new SampleDataError(spec.source ?? '', `the checkpoint's ${what}`);
  };
  if (!Number.isInteger(spec.tIn) || spec.tIn < 1) bad(`t_in is ${spec.tIn}, expected a positive integer`);
  if (!Number.isInteger(spec.tOut) || spec.tOut < 1) bad(`t_out is ${spec.tOut}, expected a positive integer`);
  if (!spec.grid.every((d) => Number.isInteger(d) && d >= 1)) bad(`grid is [${spec.grid.join(', ')}], expected two positive integers`);
  spec.channels.forEach((_, c) => {
    if (!Number.isFinite(spec.mean[c])) bad(`normalization.mean[${c}] is ${spec.mean[c]}, expected a finite number`);
    if (!(Number.isFinite(spec.std[c]) && spec.std[c] > 0)) bad(`normalization.std[${c}] is ${spec.std[c]}, expected a finite number > 0`);
  });
}

/** Loads samples from `files` (all NetCDF, or one .npz, or .npy inputs with optional targets and valid), with their geography. */
export async function loadSamples(files: string[], spec: SampleSpec, options: LoadOptions = {}): Promise<SampleSet> {
  const set = await loadWindows(files, spec, options);
  return { ...set, geography: await readGeography(set, spec) };
}

/** The windows of {@link loadSamples}. */
async function loadWindows(files: string[], spec: SampleSpec, options: LoadOptions): Promise<SampleSet> {
  if (files.length === 0) throw new SampleDataError('', 'no data files given (--data)');
  checkSpec(spec);
  refuseDuplicates(files);
  const meter = new BudgetMeter(options.budget ?? readBudgetFromEnv());
  const ext = (f: string) => path.extname(f).toLowerCase();
  if (files.every((f) => ext(f) === '.npy')) return loadNpy(files, spec, meter);
  if (files.length === 1 && ext(files[0]) === '.npz') return loadNpz(files[0], spec, meter);
  if (files.some((f) => ext(f) === '.npy' || ext(f) === '.npz')) {
    throw new SampleDataError('', `mixed data files: give NetCDF files (one per channel) or one .npz or .npy inputs (+ targets): ${files.join(', ')}`);
  }
  if (spec.description && spec.source) {
    return loadDescribed({ description: spec.description, checkpoint: spec.source, files, split: options.split ?? 'test', maxWindows: options.maxWindows }, spec, meter);
  }
  return loadNetcdf(files, spec, options.split ?? 'test', meter);
}
