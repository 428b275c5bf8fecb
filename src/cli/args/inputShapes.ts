/** `--input-shape name=1,4,6,33,36` values (repeatable) as a record of shapes. */
import { CliError } from '../command';

/** Parses every `NAME=D1,D2,...` value; dims are positive integers. */
export function parseInputShapes(values: string[]): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const v of values) {
    const m = /^([^=]+)=([0-9,\s]+)$/.exec(v);
    if (!m) throw new CliError(`--input-shape '${v}': expected NAME=D1,D2,... (e.g. x=1,4,6,33,36)`, 2);
    const dims = m[2].split(',').map((d) => Number(d.trim()));
    if (dims.some((d) => !Number.isSafeInteger(d) || d <= 0)) throw new CliError(`--input-shape '${v}': dims must be positive integers`, 2);
    out[m[1].trim()] = dims;
  }
  return out;
}
