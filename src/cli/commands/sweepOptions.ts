/** The flags of `dynapruner sweep`, checked before any work: grids in range, the grid size bounded. */
import { CliError } from '../command';
import type { FlagSpecs, ParsedArgs } from '../args/parse';
import { SEEDS, SWEEP_ROWS_PER_SAMPLE } from '../args/limits';
import { alternatives, intValue, numberList } from '../args/values';
import { DEFAULT_SWEEP, type SweepOptions } from '../../core/experiments/sweep';
import type { MaskMethod } from '../../core/schema/results';
import { COMMON_FLAGS } from './engineCommon';

/** Baselines a sweep can compare against. */
export const BASELINES: MaskMethod[] = ['dense', 'random', 'l1'];

/** Ablation points a sweep adds (dense, DP only, MP only, Dyna-Pruner). */
const ABLATION_POINTS = 4;

/** Flags of `sweep`. */
export const SWEEP_FLAGS: FlagSpecs = {
  ...COMMON_FLAGS,
  noise: { type: 'string', variadic: true, value: 'LIST' },
  failure: { type: 'string', variadic: true, value: 'LIST' },
  baselines: { type: 'string', variadic: true, value: 'LIST' },
  seeds: { type: 'string', value: 'N' },
  thresholds: { type: 'string', variadic: true, value: 'LIST' },
  'tau-offsets': { type: 'string', variadic: true, value: 'LIST' },
  'gate-failure': { type: 'boolean' },
  json: { type: 'string', value: 'OUT' },
  csv: { type: 'string', value: 'DIR' },
  save: { type: 'boolean' },
};

/** The sweep grids of the command line (everything but signal and progress). */
export type SweepGrids = Omit<SweepOptions, 'signal' | 'onProgress' | 'batchSize'>;

function baselines(p: ParsedArgs): MaskMethod[] {
  const raw = p.strings('baselines');
  if (!raw) return BASELINES;
  const list = raw.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  if (list.length === 0) throw new CliError(`--baselines: expected any of ${BASELINES.join(', ')}, found none`, 2);
  for (const b of list) if (!BASELINES.includes(b as MaskMethod)) throw new CliError(`--baselines: unknown baseline '${b}' (expected any of ${BASELINES.join(', ')})`, 2);
  return [...new Set(list)] as MaskMethod[];
}

/** Configurations x seeds per sample, an upper bound of what the sweep runs. */
export function sweepRowsPerSample(g: SweepGrids): number {
  const methods = 1 + g.baselines.length;
  const configs = methods * g.noise.length + 2 * g.failure.length + g.dataThresholds.length * g.tauOffsets.length + ABLATION_POINTS;
  return configs * g.seeds;
}

/** Checks the grid flags: sigma >= 0, rates and thresholds in [0, 1], tau offsets in [-1, 1], size bounded. */
export function sweepGrids(p: ParsedArgs, seedsFallback = DEFAULT_SWEEP.seeds): SweepGrids {
  const grids: SweepGrids = {
    noise: numberList('noise', p.strings('noise'), { min: 0, max: 10, unit: 'noise sigma in normalised units, >= 0' }, DEFAULT_SWEEP.noise),
    failure: numberList('failure', p.strings('failure'), { min: 0, max: 1, unit: 'a failure rate is a fraction' }, DEFAULT_SWEEP.failure),
    baselines: baselines(p),
    seeds: intValue('seeds', p.string('seeds'), SEEDS, seedsFallback),
    dataThresholds: numberList('thresholds', p.strings('thresholds'), { min: 0, max: 1, unit: 'importance thresholds are in [0, 1]' }, DEFAULT_SWEEP.dataThresholds),
    tauOffsets: numberList('tau-offsets', p.strings('tau-offsets'), { min: -1, max: 1, unit: 'gate scores are in (0, 1): larger offsets change nothing' }, DEFAULT_SWEEP.tauOffsets),
    gateFailure: p.flag('gate-failure'),
  };
  const rows = sweepRowsPerSample(grids);
  if (rows > SWEEP_ROWS_PER_SAMPLE) {
    const lists = alternatives(['--seeds', '--noise', '--failure', '--thresholds', '--tau-offsets']);
    throw new CliError(`sweep grid too large: ${rows / grids.seeds} configurations x ${grids.seeds} seeds = ${rows} rows per sample, the limit is ${SWEEP_ROWS_PER_SAMPLE} (shorten ${lists})`, 2);
  }
  return grids;
}
