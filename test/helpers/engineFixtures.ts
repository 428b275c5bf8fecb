/** Paths of the bundled checkpoints and storm data the engine tests run on. */
import { existsSync } from 'node:fs';
import path from 'node:path';

/** Repository root. */
export const ROOT = process.env.DYNAPRUNER_ROOT ?? path.resolve(__dirname, '..', '..');
/** demo/checkpoints. */
export const CHECKPOINTS = path.join(ROOT, 'demo', 'checkpoints');
/** The six NCL storm files in channel order (p, t, u, v, u500, v500). */
export const STORM_FILES = ['P', 'T', 'U', 'V', 'U500', 'V500'].map((c) => path.join(ROOT, 'demo', 'data', 'ncl', `${c}storm.cdf`));

/** Path of a bundled checkpoint (`simvp_dynapruner`); DYNAPRUNER_TEST_CKPT overrides the main one during development. */
export function checkpoint(name: string): string {
  if (name === 'simvp_dynapruner' && process.env.DYNAPRUNER_TEST_CKPT) return process.env.DYNAPRUNER_TEST_CKPT;
  return path.join(CHECKPOINTS, `${name}.onnx`);
}

/** Bundled Dyna-Pruner-like checkpoints (those with masks). */
export const MASKED_CHECKPOINTS = ['simvp_dynapruner', 'simvp_dp_only', 'simvp_mp_only', 'simvp_independent', 'convlstm_dynapruner', 'tau_dynapruner'];
/** Every bundled checkpoint. */
export const ALL_CHECKPOINTS = ['simvp_dense', 'simvp_mp_l1', ...MASKED_CHECKPOINTS, 'convlstm_dense', 'tau_dense'];

/** The bundled checkpoints present in this checkout. */
export function present(names: string[]): string[] {
  return names.filter((n) => existsSync(checkpoint(n)));
}
