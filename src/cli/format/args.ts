/** Small argument helpers shared by CLI commands. */
import { CliError } from '../command';

/** Parses `--input-shape name=1,4,6,33,36` values (repeatable) into a record. */
export function parseInputShapes(values: string[]): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const v of values) {
    const m = /^([^=]+)=([0-9,\s]+)$/.exec(v);
    if (!m) throw new CliError(`--input-shape '${v}': expected NAME=D1,D2,... (e.g. x=1,4,6,33,36)`, 2);
    const dims = m[2].split(',').map((d) => Number(d.trim()));
    if (dims.some((d) => !Number.isInteger(d) || d <= 0)) throw new CliError(`--input-shape '${v}': dims must be positive integers`, 2);
    out[m[1].trim()] = dims;
  }
  return out;
}

/** Splits args into positionals and `--flag [value]` options; `valued` names the flags that take a value. */
export function splitArgs(args: string[], valued: string[], flags: string[]): { positional: string[]; options: Map<string, string[]> } {
  const positional: string[] = [];
  const options = new Map<string, string[]>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(0, eq) : a;
      if (valued.includes(name)) {
        const value = eq > 0 ? a.slice(eq + 1) : args[++i];
        if (value === undefined) throw new CliError(`${name} needs a value`, 2);
        options.set(name, [...(options.get(name) ?? []), value]);
      } else if (flags.includes(name)) {
        options.set(name, []);
      } else {
        throw new CliError(`unknown option '${a}'`, 2);
      }
    } else positional.push(a);
  }
  return { positional, options };
}
