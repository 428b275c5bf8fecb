/** `profile --sparse-plan calibrate|none|FILE.onnx [--calibrate-rounds N]`, checked before any work. */
import { existsSync } from 'node:fs';
import { CliError } from '../command';
import { intValue } from '../args/values';
import { parseSparsePlanSource, SPARSE_PLAN_ROUNDS, type SparsePlanSource } from '../../core/remote/profile/sparsePlanSource';
import type { ProfileBackend } from '../../core/schema/profileResult';

/** Bounds of --calibrate-rounds (those of `export --calibrate-rounds`). */
const ROUNDS = { min: 1, max: 1000 };

/**
 * The sparse plan's source, or null when `sparse` is not profiled. The
 * flags are refused without `sparse` in `--variants`, a FILE that is not
 * there, and calibration through trtexec (it cannot run the sparse graph).
 */
export function profileSparsePlan(raw: string | undefined, roundsRaw: string | undefined, variants: string | undefined, backend: ProfileBackend): SparsePlanSource | null {
  const listed = (variants ?? '').split(',').map((k) => k.trim()).includes('sparse');
  if (!listed) {
    const given = raw !== undefined ? '--sparse-plan' : roundsRaw !== undefined ? '--calibrate-rounds' : null;
    if (given) throw new CliError(`${given} applies when --variants lists sparse, found --variants ${variants === undefined ? '(default: ckpt,dense,l1)' : `'${variants}'`}`, 2);
    return null;
  }
  const rounds = intValue('calibrate-rounds', roundsRaw, ROUNDS, SPARSE_PLAN_ROUNDS);
  let source: SparsePlanSource;
  try {
    source = parseSparsePlanSource(raw ?? 'calibrate', rounds);
  } catch (error) {
    throw new CliError((error as Error).message, 2);
  }
  if (roundsRaw !== undefined && source.kind !== 'calibrate') throw new CliError(`--calibrate-rounds applies to --sparse-plan calibrate, found --sparse-plan ${raw}`, 2);
  if (source.kind === 'file' && !existsSync(source.file)) throw new CliError(`--sparse-plan ${source.file}: no such file`, 2);
  if (source.kind === 'calibrate' && backend === 'trtexec') throw new CliError("--sparse-plan calibrate: the trtexec backend cannot run the sparse graph (TensorRT's parser rejects Conv weights that are not initializers, docs/tensorrt.md); use --backend node or ort, or --sparse-plan none|FILE.onnx", 2);
  return source;
}
