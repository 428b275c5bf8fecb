/**
 * The separately trained dense checkpoint of a backbone, the second "dense"
 * reference next to the clean dense graph of the checkpoint itself: the
 * trainer writes `<backbone>_dense.onnx` beside its variants (e.g.
 * demo/checkpoints/simvp_dense.onnx). Found by the contract's backbone name,
 * used only when it is a different file whose contract is a `dense` variant
 * with the same sample layout (t_in, t_out, channels, grid).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { openCheckpoint, type Checkpoint } from '../checkpoint/checkpoint';

/** Path of the trained dense checkpoint beside `ck` by the backbone name, or null when there is no such other file. */
export function trainedDensePath(ck: Checkpoint): string | null {
  const file = path.join(path.dirname(ck.file), `${ck.contract.backbone}_dense.onnx`);
  if (path.resolve(file) === path.resolve(ck.file) || !existsSync(file)) return null;
  return file;
}

/** True when `dense` takes the same samples as `ck` (same t_in, t_out, channels and grid). */
function sameLayout(ck: Checkpoint, dense: Checkpoint): boolean {
  const a = ck.spec;
  const b = dense.spec;
  return a.tIn === b.tIn && a.tOut === b.tOut && a.grid[0] === b.grid[0] && a.grid[1] === b.grid[1] && a.channels.join(',') === b.channels.join(',');
}

/**
 * Opens the trained dense checkpoint of `ck`'s backbone, or null when there
 * is none beside it, it is `ck` itself (same bytes), it is not a `dense`
 * variant, it takes other samples, or it cannot be read.
 */
export async function openTrainedDense(ck: Checkpoint, signal?: AbortSignal): Promise<Checkpoint | null> {
  const file = trainedDensePath(ck);
  if (!file) return null;
  let dense: Checkpoint;
  try {
    dense = await openCheckpoint(file, signal);
  } catch (error) {
    if (signal?.aborted) throw error;
    return null; // an unreadable neighbour does not stop the analysis of `ck`
  }
  if (dense.ref.sha256 === ck.ref.sha256 || dense.contract.variant !== 'dense' || !sameLayout(ck, dense)) return null;
  return dense;
}
