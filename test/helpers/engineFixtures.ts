/**
 * Paths of the bundled checkpoints and storm data the engine tests run on.
 * The tests use demo/checkpoints/* as shipped (no environment override) and
 * fail, not skip, when a bundled file is missing.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

/** Repository root. */
export const ROOT = process.env.DYNAPRUNER_ROOT ?? path.resolve(__dirname, '..', '..');
/** demo/checkpoints. */
export const CHECKPOINTS = path.join(ROOT, 'demo', 'checkpoints');
/** The six NCL storm files in channel order (p, t, u, v, u500, v500). */
export const STORM_FILES = ['P', 'T', 'U', 'V', 'U500', 'V500'].map((c) => path.join(ROOT, 'demo', 'data', 'ncl', `${c}storm.cdf`));
/** The trainer's storm test windows beside the checkpoints (inputs of every `<name>.outputs.npy`). */
export const STORM_TEST_INPUTS = path.join(CHECKPOINTS, 'storm_test.inputs.npy');

/** Path of a bundled checkpoint, e.g. `simvp_dynapruner` -> demo/checkpoints/simvp_dynapruner.onnx. */
export function checkpoint(name: string): string {
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

/** Files of the bundled set that are missing (checkpoints, their PyTorch outputs, the storm data). */
export function missingBundledFiles(): string[] {
  const wanted = [
    ...ALL_CHECKPOINTS.flatMap((n) => [checkpoint(n), checkpoint(n).replace(/\.onnx$/, '.outputs.npy')]),
    STORM_TEST_INPUTS,
    ...STORM_FILES,
  ];
  return wanted.filter((f) => !existsSync(f)).map((f) => path.relative(ROOT, f));
}
