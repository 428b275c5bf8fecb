/**
 * Defaults of a profile run, shared by the CLI (`dynapruner profile`), the
 * extension's settings (`dynapruner.remote.profile.*`) and the Orin panel.
 */
import type { ProfileBackend } from '../../schema/profileResult';

/** What a profile run does unless told otherwise. */
export interface ProfileDefaults {
  /** Runner on the device: onnxruntime-node, Python onnxruntime or TensorRT trtexec. */
  backend: ProfileBackend;
  /** Untimed inferences per variant before timing starts. */
  warmup: number;
  /** Timed inferences per variant. */
  iterations: number;
  /** Samples run one by one and checked against the engine's own outputs. */
  perSample: number;
}

/** The defaults (the CLI's help text and package.json's setting defaults state the same numbers). */
export const PROFILE_DEFAULTS: Readonly<ProfileDefaults> = Object.freeze({
  backend: 'node',
  warmup: 10,
  iterations: 100,
  perSample: 8,
});

/** The backends a profile run can use, in the order the pickers offer them. */
export const PROFILE_BACKENDS: readonly ProfileBackend[] = ['node', 'ort', 'trtexec'];

/** Profiled passes over the per-sample inputs of a per-node profile (`profile --layers`); the latency model takes each sample's median. */
export const LAYER_ROUNDS = 3;
