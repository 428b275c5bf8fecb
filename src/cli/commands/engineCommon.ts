/** Shared options and setup of the engine commands (run, sweep, report). */
import { CliError } from '../command';
import { openCheckpoint, type Checkpoint } from '../../core/checkpoint/checkpoint';
import { defaultDataFiles } from '../../core/checkpoint/defaultData';
import { InferencePool } from '../../core/runtime/inferencePool';
import { ModelRunner } from '../../core/runtime/modelRunner';
import { loadSamples } from '../../core/samples/load';
import { takeSamples, type SampleSet } from '../../core/samples/sampleSet';

/** Parsed arguments: positionals, flags with their values (a flag may take several values). */
export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string[]>;
}

/** Parses `--flag v1 v2 --other v` and `--flag=v1,v2`; `booleans` take no value. */
export function parseArgs(args: string[], known: string[], booleans: string[] = []): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  let current: string | null = null;
  for (const a of args) {
    if (a.startsWith('--')) {
      const [name, inline] = a.slice(2).split(/=(.*)/s, 2);
      if (!known.includes(name) && !booleans.includes(name)) throw new CliError(`unknown option --${name} (see --help)`, 2);
      flags.set(name, inline !== undefined ? [inline] : []);
      current = booleans.includes(name) || inline !== undefined ? null : name;
    } else if (current) {
      flags.get(current)!.push(a);
    } else {
      positional.push(a);
    }
  }
  return { positional, flags };
}

/** A flag's single value (or undefined). */
export function single(p: ParsedArgs, name: string): string | undefined {
  const v = p.flags.get(name);
  if (!v) return undefined;
  if (v.length !== 1) throw new CliError(`--${name} takes one value, got ${v.length}`, 2);
  return v[0];
}

/** A positive integer flag. */
export function intFlag(p: ParsedArgs, name: string, fallback: number): number {
  const v = single(p, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`--${name} must be a positive integer, got '${v}'`, 2);
  return n;
}

/** A comma- or space-separated list of numbers. */
export function numberList(p: ParsedArgs, name: string, fallback: number[]): number[] {
  const v = p.flags.get(name);
  if (!v) return fallback;
  const parts = v.flatMap((s) => s.split(',')).filter((s) => s.trim() !== '');
  return parts.map((s) => {
    const n = Number(s);
    if (!Number.isFinite(n)) throw new CliError(`--${name}: '${s}' is not a number`, 2);
    return n;
  });
}

/** The options every engine command shares (for --help). */
export const COMMON_HELP = `  --data FILES...     NetCDF files (one per channel), or one .npz, or an inputs .npy [+ targets .npy].
                      Default: the files the checkpoint's contract names (dataset), found beside the
                      checkpoint or in demo/data/ncl.
  --samples N         Use the first N windows only.
  --split NAME        Split of the contract's dataset to window (default test; 'all' for every step).
  --batch N           Samples per inference call (default 8).
  --workers N         Inference worker threads (default min(2, CPUs)).
  --threads N         onnxruntime intra-op threads per worker (default CPUs / workers).`;

/** Flags every engine command accepts. */
export const COMMON_FLAGS = ['data', 'samples', 'split', 'batch', 'workers', 'threads'];

/** An opened checkpoint, its samples and an inference pool (close it). */
export interface EngineSetup {
  ck: Checkpoint;
  samples: SampleSet;
  pool: InferencePool;
  runner: ModelRunner;
  batch: number;
}

/** Opens the checkpoint, loads samples and starts the pool. */
export async function setup(p: ParsedArgs, command: string, signal: AbortSignal): Promise<EngineSetup> {
  const file = p.positional[0];
  if (!file) throw new CliError(`usage: dynapruner ${command} <checkpoint.onnx> [--data FILES...] (see --help)`, 2);
  const ck = await openCheckpoint(file, signal);
  let data = p.flags.get('data');
  if (!data || data.length === 0) {
    const found = defaultDataFiles(ck);
    if (!found) throw new CliError(`${ck.file}: no --data given and the contract's data files were not found beside the checkpoint or in demo/data/ncl`, 2);
    data = found;
  }
  let samples = await loadSamples(data, ck.spec, { split: single(p, 'split') ?? 'test' });
  const limit = p.flags.has('samples') ? intFlag(p, 'samples', samples.count) : samples.count;
  if (limit < samples.count) samples = takeSamples(samples, Array.from({ length: limit }, (_, i) => i));
  const pool = new InferencePool({
    size: p.flags.has('workers') ? intFlag(p, 'workers', 1) : undefined,
    intraOpThreads: p.flags.has('threads') ? intFlag(p, 'threads', 1) : undefined,
  });
  return { ck, samples, pool, runner: new ModelRunner(ck, pool), batch: intFlag(p, 'batch', 8) };
}
