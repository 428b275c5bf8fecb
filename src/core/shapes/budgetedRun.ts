/**
 * The runtime shape fallback for untrusted models: checks that no statically
 * known tensor exceeds the budget's size limit, then runs onnxruntime in a
 * child process (shapeRunChild.ts) that is killed when its resident memory or
 * its wall time exceeds the budget. Every failure is a ModelFileError naming
 * the model file and the step.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { LoadedModel } from '../onnx/reader';
import { ModelFileError } from '../onnx/modelFileError';
import { dataTypeSize, realInputs } from '../onnx/graph';
import { shapeRunRequest } from './runtimeFallback';
import type { ShapeRunReply } from './shapeRunChild';
import type { ShapeTable } from './types';
import { listText } from './invalidNode';

/** Limits of one shape run. */
export interface ShapeRunBudget {
  /** Largest resident memory of the child process (watched on Linux, where /proc gives it). */
  memoryBytes: number;
  /** Wall-clock limit of the run, child start included. */
  timeoutMs: number;
  /** Largest tensor (input or statically known intermediate) the run may allocate. */
  maxTensorBytes: number;
}

const MiB = 1024 ** 2;

/** 1 GiB of memory, 30 s, 256 MiB per tensor. */
export const DEFAULT_SHAPE_RUN_BUDGET: ShapeRunBudget = { memoryBytes: 1024 * MiB, timeoutMs: 30_000, maxTensorBytes: 256 * MiB };

/** The child script: beside this file (bundle or tsx), else the built dist/. */
export function shapeRunChildPath(): string {
  const here = path.dirname(__filename);
  const candidates = [
    path.join(here, 'shapeRunChild.js'),
    path.join(here, 'shapeRunChild.ts'),
    path.join(here, '..', '..', '..', 'dist', 'shapeRunChild.js'),
  ];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`shape run script not found (looked for ${candidates.join(', ')}); run 'npm run build'`);
  return found;
}

/** Refuses the run when an input or a statically known node output is larger than `maxTensorBytes`. */
export function checkTensorBudget(model: LoadedModel, table: ShapeTable, maxTensorBytes: number): void {
  const inputs = new Set(realInputs(model.proto.graph ?? {}).map((i) => i.name ?? ''));
  for (const [name, shape] of table.shapes) {
    if (table.source.get(name) === 'graph' && !inputs.has(name)) continue; // initializers: already in the file
    const bytes = shape.reduce((a, b) => a * b, 1) * (dataTypeSize(table.dtypes?.get(name) ?? 1) || 4);
    if (bytes > maxTensorBytes) {
      throw new ModelFileError(
        model.file,
        `shape run refused: tensor '${name}' of shape ${listText(shape)} takes ${bytes} bytes, over the ${maxTensorBytes}-byte limit of a shape run`,
      );
    }
  }
}

/** Resident memory of a process in bytes (Linux /proc), or undefined where it cannot be read. */
function residentBytes(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+)\s*kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Starts the child (through tsx when it is TypeScript). */
function startChild(): ChildProcess {
  const script = shapeRunChildPath();
  return fork(script, [], {
    execArgv: script.endsWith('.ts') ? ['--import', 'tsx'] : [],
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
}

/**
 * Runs the unresolved tensors of `table` through onnxruntime within `budget`
 * (defaults: DEFAULT_SHAPE_RUN_BUDGET) and returns their shapes.
 */
export async function budgetedRuntimeShapes(
  model: LoadedModel,
  inputShapes: Map<string, number[]>,
  table: ShapeTable,
  budget: Partial<ShapeRunBudget> = {},
  signal?: AbortSignal,
): Promise<Map<string, number[]>> {
  const limits = { ...DEFAULT_SHAPE_RUN_BUDGET, ...budget };
  checkTensorBudget(model, table, limits.maxTensorBytes);
  let request;
  try {
    request = shapeRunRequest(model, inputShapes, table.unresolved);
  } catch (e) {
    throw new ModelFileError(model.file, `shape run: ${(e as Error).message}`);
  }
  signal?.throwIfAborted();
  return runChild(model.file, request, limits, signal);
}

/** One child run with its watchers; settles once, kills the child on every path. */
function runChild(file: string, request: ReturnType<typeof shapeRunRequest>, limits: ShapeRunBudget, signal?: AbortSignal): Promise<Map<string, number[]>> {
  return new Promise((resolve, reject) => {
    const child = startChild();
    let stderr = '';
    let done = false;
    const finish = (error: Error | null, shapes?: Map<string, number[]>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearInterval(watch);
      signal?.removeEventListener('abort', onAbort);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      if (error) reject(error);
      else resolve(shapes!);
    };
    const fail = (problem: string) => finish(new ModelFileError(file, problem));
    const onAbort = () => finish(signal?.reason instanceof Error ? signal.reason : new Error('cancelled'));
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => fail(`shape run stopped: still running after ${limits.timeoutMs / 1000} s (its time limit)`), limits.timeoutMs);
    const watch = setInterval(() => {
      const rss = child.pid ? residentBytes(child.pid) : undefined;
      if (rss !== undefined && rss > limits.memoryBytes) {
        fail(`shape run stopped: onnxruntime used ${Math.round(rss / MiB)} MiB, over its ${Math.round(limits.memoryBytes / MiB)} MiB memory limit`);
      }
    }, 10);
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    child.on('message', (reply: ShapeRunReply) => {
      if (reply.ok) finish(null, reply.shapes);
      else fail(`onnxruntime could not run the model to resolve shapes: ${firstLine(reply.message)}`);
    });
    child.on('error', (e) => fail(`shape run could not start: ${e.message}`));
    child.on('exit', (code, sig) => fail(`shape run ended without an answer (${sig ?? `exit code ${code}`})${stderr ? `: ${firstLine(stderr)}` : ''}`));
    child.send(request);
  });
}

/** The first non-empty line of a message, trimmed to 300 characters. */
function firstLine(text: string): string {
  return (text.split('\n').find((l) => l.trim()) ?? text).trim().slice(0, 300);
}
