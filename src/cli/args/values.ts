/** Checks of flag values: integers and number lists within stated ranges, one line naming the flag. */
import { CliError } from '../command';

/** An inclusive range, with a reason shown when a value is above it. */
export interface Range {
  min: number;
  max: number;
  /** Why the maximum is what it is (appended to the message). */
  why?: string;
}

function rangeText(r: Range): string {
  return `${r.min}..${r.max}`;
}

/** An integer flag within `range`; `fallback` when the flag is absent. */
export function intValue(flag: string, raw: string | undefined, range: Range, fallback: number): number;
export function intValue(flag: string, raw: string | undefined, range: Range): number | undefined;
export function intValue(flag: string, raw: string | undefined, range: Range, fallback?: number): number | undefined {
  if (raw === undefined) return fallback;
  const n = /^\s*[+-]?\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n)) throw new CliError(`--${flag}: expected an integer in ${rangeText(range)}, found '${raw}'`, 2);
  if (n < range.min || n > range.max) {
    throw new CliError(`--${flag}: expected an integer in ${rangeText(range)}, found ${n}${n > range.max && range.why ? ` (${range.why})` : ''}`, 2);
  }
  return n;
}

/** A list of finite numbers given as `a,b,c` and/or several values; every one inside `range`. */
export function numberList(flag: string, raw: string[] | undefined, range: Range & { unit?: string }, fallback: number[]): number[] {
  if (raw === undefined) return fallback;
  const parts = raw.flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== '');
  if (parts.length === 0) throw new CliError(`--${flag}: expected a comma-separated list of numbers, found none`, 2);
  const values = parts.map((s) => {
    const n = Number(s);
    if (!Number.isFinite(n)) throw new CliError(`--${flag}: '${s}' is not a finite number`, 2);
    if (n < range.min || n > range.max) throw new CliError(`--${flag}: ${s} is outside [${range.min}, ${range.max}]${range.unit ? ` (${range.unit})` : ''}`, 2);
    return n;
  });
  return [...new Set(values)];
}

/** `a, b or c`. */
export function alternatives(choices: readonly string[]): string {
  return choices.length < 2 ? choices.join('') : `${choices.slice(0, -1).join(', ')} or ${choices[choices.length - 1]}`;
}

/** One of `choices`. */
export function choice<T extends string>(flag: string, raw: string | undefined, choices: readonly T[], fallback: T): T {
  if (raw === undefined) return fallback;
  if (!(choices as readonly string[]).includes(raw)) throw new CliError(`--${flag}: expected ${alternatives(choices.map((c) => `'${c}'`))}, found '${raw}'`, 2);
  return raw as T;
}
