/**
 * Sanity checks of a type-checked contract against itself: sizes positive and
 * bounded, normalisation finite with std > 0, sparsity targets and the data
 * threshold in [0, 1], split ranges of whole steps in order, channel names
 * unique. Each problem names its key (a JSON path), what was expected and
 * what was found.
 */
import type { DynaPrunerContract } from './contract';

/** One problem: the key, what was expected, what was found. */
export interface ContractProblem {
  key: string;
  expected: string;
  found: string;
}

/** Most time steps per window accepted for t_in / t_out. */
export const MAX_STEPS = 1000;
/** Largest grid side accepted. */
export const MAX_GRID = 16384;
/** Most values in one input window (t_in x channels x H x W). */
export const MAX_WINDOW_VALUES = 2 ** 28;
/** Most filters in one unit. */
export const MAX_UNIT_CHANNELS = 1 << 20;

function show(v: unknown): string {
  return typeof v === 'number' && !Number.isFinite(v) ? String(v) : JSON.stringify(v);
}

class Problems {
  readonly list: ContractProblem[] = [];

  add(key: string, expected: string, found: unknown): void {
    this.list.push({ key, expected, found: show(found) });
  }
  intIn(key: string, v: number, min: number, max: number): void {
    if (!Number.isInteger(v) || v < min || v > max) this.add(key, `an integer from ${min} to ${max}`, v);
  }
  unit(key: string, v: number | null): void {
    if (v !== null && !(Number.isFinite(v) && v >= 0 && v <= 1)) this.add(key, 'a number from 0 to 1', v);
  }
}

function checkSizes(c: DynaPrunerContract, p: Problems): void {
  p.intIn('t_in', c.t_in, 1, MAX_STEPS);
  p.intIn('t_out', c.t_out, 1, MAX_STEPS);
  c.grid.forEach((d, i) => p.intIn(`grid[${i}]`, d, 1, MAX_GRID));
  const values = c.t_in * c.channels.length * c.grid[0] * c.grid[1];
  if (p.list.length === 0 && values > MAX_WINDOW_VALUES) {
    p.add('grid', `one input window (t_in x channels x H x W) of at most ${MAX_WINDOW_VALUES} values`, `${c.t_in} x ${c.channels.length} x ${c.grid[0]} x ${c.grid[1]} = ${values}`);
  }
}

function checkChannels(c: DynaPrunerContract, p: Problems): void {
  if (c.channels.length === 0) p.add('channels', 'at least one channel name', c.channels);
  const seen = new Set<string>();
  c.channels.forEach((name, i) => {
    if (name.trim() === '') p.add(`channels[${i}]`, 'a non-empty name', name);
    else if (seen.has(name.toLowerCase())) p.add(`channels[${i}]`, 'a name not used by another channel', name);
    seen.add(name.toLowerCase());
  });
}

function checkNormalization(c: DynaPrunerContract, p: Problems): void {
  c.normalization.mean.forEach((m, i) => {
    if (!Number.isFinite(m)) p.add(`normalization.mean[${i}]`, 'a finite number', m);
  });
  c.normalization.std.forEach((s, i) => {
    if (!(Number.isFinite(s) && s > 0)) p.add(`normalization.std[${i}]`, 'a finite number > 0', s);
  });
}

function checkUnits(c: DynaPrunerContract, p: Problems): void {
  c.units.forEach((u, i) => {
    p.intIn(`units[${i}].id`, u.id, 0, Number.MAX_SAFE_INTEGER);
    p.intIn(`units[${i}].channels`, u.channels, 1, MAX_UNIT_CHANNELS);
    if (!Number.isFinite(u.tau)) p.add(`units[${i}].tau`, 'a finite number', u.tau);
  });
}

function checkDataset(c: DynaPrunerContract, p: Problems): void {
  if (!c.dataset) return;
  for (const split of ['train', 'val', 'test'] as const) {
    const [start, end] = c.dataset[split];
    const key = `dataset.${split}`;
    if (!Number.isSafeInteger(start) || start < 0) p.add(`${key}[0]`, 'a whole time step >= 0', start);
    else if (!Number.isSafeInteger(end) || end < 0) p.add(`${key}[1]`, 'a whole time step >= 0', end);
    else if (end <= start) p.add(key, '[start, end) with start < end', c.dataset[split]);
  }
}

/** Every value problem of `c`, in key order of the contract spec. */
export function contractValueProblems(c: DynaPrunerContract): ContractProblem[] {
  const p = new Problems();
  checkSizes(c, p);
  checkChannels(c, p);
  checkNormalization(c, p);
  p.unit('data_threshold', c.data_threshold);
  p.unit('targets.s_d', c.targets.s_d);
  p.unit('targets.s_w', c.targets.s_w);
  checkUnits(c, p);
  checkDataset(c, p);
  return p.list;
}
