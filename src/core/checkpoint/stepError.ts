/**
 * The boundary of opening a checkpoint: an error from a library that does not
 * name the file (onnxruntime, protobuf decoding, typed arrays, graph surgery)
 * is re-raised naming the file and the step that failed.
 */
import path from 'node:path';

/** A step of opening a checkpoint failed with an error that did not name the file. */
export class CheckpointStepError extends Error {
  constructor(readonly file: string, readonly step: string, cause: Error) {
    super(`${file}: ${step}: ${cause.message}`, { cause });
    this.name = 'CheckpointStepError';
  }
}

/**
 * Runs one step of opening `file`. An error whose message already names the
 * file passes through; any other becomes a {@link CheckpointStepError}. After
 * `signal` aborted, the error passes through untouched (cancellation).
 */
export async function atStep<T>(file: string, step: string, fn: () => T | Promise<T>, signal?: AbortSignal): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (signal?.aborted) throw error;
    const err = error instanceof Error ? error : new Error(String(error));
    if (err.message.includes(path.basename(file))) throw err;
    throw new CheckpointStepError(file, step, err);
  }
}

/** {@link atStep} for a synchronous step (a graph variant built on first read). */
export function atStepSync<T>(file: string, step: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    if (err.message.includes(path.basename(file))) throw err;
    throw new CheckpointStepError(file, step, err);
  }
}
