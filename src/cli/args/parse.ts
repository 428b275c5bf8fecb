/**
 * The argument parser of every `dynapruner` command: `node:util` parseArgs in
 * strict mode, after one normalising pass that gives list flags their
 * space-separated values (`--data a.cdf b.cdf`) and lets a value start with a
 * dash (`--tau-offsets -0.1,0`, `--json -`). Every problem is one line naming
 * the flag, raised before the command does any work.
 */
import { parseArgs } from 'node:util';
import { CliError } from '../command';

/** One flag of a command. */
export interface FlagSpec {
  type: 'string' | 'boolean';
  /** May be given more than once (values collected). */
  multiple?: boolean;
  /** Takes every following value up to the next `--flag` (implies multiple). */
  variadic?: boolean;
  /** Value placeholder for messages, e.g. `FILE`. */
  value?: string;
}

/** A command's flags by name (without the leading `--`). */
export type FlagSpecs = Record<string, FlagSpec>;

/** Parsed arguments with typed accessors. */
export class ParsedArgs {
  constructor(
    readonly positionals: string[],
    private readonly values: Record<string, string | boolean | (string | boolean)[] | undefined>,
  ) {}

  /** True when the flag was given. */
  has(name: string): boolean {
    return this.values[name] !== undefined;
  }

  /** A single-valued string flag. */
  string(name: string): string | undefined {
    const v = this.values[name];
    return typeof v === 'string' ? v : undefined;
  }

  /** Every value of a repeatable or list flag (undefined when not given). */
  strings(name: string): string[] | undefined {
    const v = this.values[name];
    return Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : undefined;
  }

  /** A boolean flag. */
  flag(name: string): boolean {
    return this.values[name] === true;
  }
}

const isFlag = (token: string) => token.startsWith('--') && token.length > 2;

function unknown(command: string, token: string): CliError {
  return new CliError(`unknown option '${token}' (see 'dynapruner ${command} --help')`, 2);
}

function missingValue(name: string, spec: FlagSpec): CliError {
  return new CliError(`--${name} needs a value${spec.value ? ` (${spec.value})` : ''}`, 2);
}

/** Rewrites `--flag value` as `--flag=value` and expands list flags; checks names and repeats. */
function normalise(command: string, args: string[], specs: FlagSpecs): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const token = args[i];
    if (token === '--') return [...out, ...args.slice(i)];
    if (!token.startsWith('-') || token === '-') {
      out.push(token);
      continue;
    }
    if (!isFlag(token)) throw unknown(command, token);
    const eq = token.indexOf('=');
    const name = token.slice(2, eq > 0 ? eq : undefined);
    const spec = specs[name];
    if (!spec) throw unknown(command, eq > 0 ? token.slice(0, eq) : token);
    if (seen.has(name) && !spec.multiple && !spec.variadic) throw new CliError(`--${name} is given more than once`, 2);
    seen.add(name);
    if (spec.type === 'boolean' || eq > 0) {
      out.push(token);
      continue;
    }
    const start = i + 1;
    while (i + 1 < args.length && !isFlag(args[i + 1]) && args[i + 1] !== '--' && (spec.variadic || i + 1 === start)) i++;
    if (i + 1 === start) throw missingValue(name, spec);
    for (const value of args.slice(start, i + 1)) out.push(`--${name}=${value}`);
  }
  return out;
}

/** Parses a command's arguments; throws {@link CliError} (exit 2) naming the flag on any problem. */
export function parseCommandArgs(command: string, args: string[], specs: FlagSpecs): ParsedArgs {
  const normalised = normalise(command, args, specs);
  const options = Object.fromEntries(
    Object.entries(specs).map(([name, s]) => [name, { type: s.type, multiple: Boolean(s.multiple || s.variadic) }]),
  );
  try {
    const { values, positionals } = parseArgs({ args: normalised, options, allowPositionals: true, strict: true });
    return new ParsedArgs(positionals, values);
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new CliError(`${message} (see 'dynapruner ${command} --help')`, 2);
  }
}
