/**
 * Graph variants built on first read: the cuts at the mask tensors (`dataCut`,
 * `allCut`) and the threshold variant (`tauCut`, with the gate thresholds it
 * exposes) are only run by injection, sweeps and latency, never by the first
 * figure of an analysis, so opening a checkpoint does not build them. Each is
 * built once; a failure names the checkpoint and the step (as opening does)
 * and is raised again on the next read.
 */
import type { GateThreshold } from '../graph/gateThresholds';
import { atStepSync } from './stepError';

/** The threshold variant and what building it found. */
export interface TauCut {
  tauCut: Uint8Array | null;
  gateThresholds: GateThreshold[];
  /** Why the variant could not be built (null when it was, or when there are no gates). */
  tauCutError: string | null;
}

/** How to build each lazy part. */
export interface CutBuilders {
  dataCut: () => Uint8Array | null;
  allCut: () => Uint8Array | null;
  tau: () => TauCut;
}

/** `build`, run on the first call only (a throw is not remembered: the next call tries again); `onBuilt` hears of the build. */
function once<T>(file: string, step: string, build: () => T, onBuilt: () => void): () => T {
  let built: { value: T } | null = null;
  return () => {
    if (!built) {
      built = { value: atStepSync(file, step, build) };
      onBuilt();
    }
    return built.value;
  };
}

/** The graph variants of a checkpoint: `full` as given, the cuts built on first read. */
export class LazyVariants {
  private readonly dataCutOnce: () => Uint8Array | null;
  private readonly allCutOnce: () => Uint8Array | null;
  /** The threshold variant and the gate thresholds (one build for both). */
  readonly tau: () => TauCut;
  private readonly builtParts: (keyof CutBuilders)[] = [];

  constructor(readonly full: Uint8Array, file: string, builders: CutBuilders) {
    const step = (what: string) => `building the graph variants (${what})`;
    const mark = (part: keyof CutBuilders) => () => this.builtParts.push(part);
    this.dataCutOnce = once(file, step('cut at the data mask'), builders.dataCut, mark('dataCut'));
    this.allCutOnce = once(file, step('cut at every mask'), builders.allCut, mark('allCut'));
    this.tau = once(file, step('gate thresholds as inputs'), builders.tau, mark('tau'));
  }

  /** The lazy parts built so far, in build order (`tau`: the threshold variant and the gate thresholds). */
  built(): (keyof CutBuilders)[] {
    return [...this.builtParts];
  }

  get dataCut(): Uint8Array | null {
    return this.dataCutOnce();
  }

  get allCut(): Uint8Array | null {
    return this.allCutOnce();
  }

  get tauCut(): Uint8Array | null {
    return this.tau().tauCut;
  }
}

/** Defines `gateThresholds` and `tauCutError` on `target` as read-only properties read from `variants` (built on first read). */
export function defineLazyThresholds<T extends object>(target: T, variants: LazyVariants): T {
  return Object.defineProperties(target, {
    gateThresholds: { get: () => variants.tau().gateThresholds, enumerable: true },
    tauCutError: { get: () => variants.tau().tauCutError, enumerable: true },
  });
}
