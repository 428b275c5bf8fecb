/**
 * The gap between what the masks save on paper and what a runtime measures:
 * per variant of a profile, its mask-aware MACs and its mean latency, both
 * relative to a reference variant (dense mode when profiled, else the first).
 * On a dense runtime the latency ratio stays near 1 whatever the MAC ratio;
 * only a sparse executor turns the MAC saving into time.
 */
import type { ProfileResult } from '../../schema/profileResult';

/** One variant's MACs and latency next to the reference's. */
export interface MacsLatencyRow {
  host: string;
  variant: string;
  /** Mean effective MACs per sample, null when not counted (plain ONNX). */
  macs: number | null;
  /** macs / reference macs (null when either is unknown). */
  macsRatio: number | null;
  meanMs: number;
  /** mean latency / reference mean latency. */
  latencyRatio: number;
  /** Id of the reference variant of this host's run. */
  reference: string;
}

/** The reference variant of a run: `dense` when present, else the first. */
export function referenceVariant(r: ProfileResult): string {
  return r.variants.find((v) => v.id === 'dense')?.id ?? r.variants[0].id;
}

/** Rows for every variant of every result, in order. */
export function macsVersusLatency(results: ProfileResult[]): MacsLatencyRow[] {
  return results.flatMap((r) => {
    const refId = referenceVariant(r);
    const ref = r.variants.find((v) => v.id === refId)!;
    const refMacs = ref.effectiveMacs?.mean ?? null;
    return r.variants.map((v) => {
      const macs = v.effectiveMacs?.mean ?? null;
      return {
        host: r.host.alias,
        variant: v.id,
        macs,
        macsRatio: macs !== null && refMacs ? macs / refMacs : null,
        meanMs: v.latencyMs.mean,
        latencyRatio: v.latencyMs.mean / ref.latencyMs.mean,
        reference: refId,
      };
    });
  });
}

/** The sentence printed under the table (CLI) and shown in the panel. */
export const DENSE_RUNTIME_NOTE =
  'MACs are mask-aware (counting spec); latency is what the runtime measured. onnxruntime and TensorRT without sparsity execute masked filters and positions anyway, so the MAC saving becomes a latency saving only with a sparse executor.';
