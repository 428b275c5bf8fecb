/**
 * Each variant against the clean dense graph, from a layer-latency result:
 * its MAC ratio, the MAC limit (1 / MAC ratio: the speed-up of a kernel whose
 * time follows MACs) and the speed-up stock kernels give (measured: clean
 * dense median ms / the variant's median ms), and the sentence that says so.
 */
import type { LatencyVariant, LayerLatencyResult } from '../schema/layerLatency';
import { formatSig } from './format';

/** One variant against clean dense. */
export interface VariantRatio {
  variant: LatencyVariant;
  /** Median per-sample ms of the variant. */
  ms: number;
  /** Median per-sample MACs / clean dense MACs. */
  macRatio: number;
  /** 1 / macRatio. */
  macLimit: number;
  /** Clean dense ms / the variant's ms (above 1: faster). */
  measuredSpeedup: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Every variant but clean dense against it; empty when the result has no clean dense run. */
export function variantRatios(result: LayerLatencyResult): VariantRatio[] {
  const dense = result.variants.find((v) => v.variant === 'dense');
  if (!dense) return [];
  const denseMs = median(dense.perSampleMs);
  const denseMacs = median(dense.perSampleMacs);
  return result.variants.filter((v) => v.variant !== 'dense').map((v) => {
    const ms = median(v.perSampleMs);
    const macRatio = median(v.perSampleMacs) / denseMacs;
    return { variant: v.variant, ms, macRatio, macLimit: 1 / macRatio, measuredSpeedup: denseMs / ms };
  });
}

/** "2.63x faster" / "1.67x slower" for a speed-up factor. */
export function speedupText(factor: number): string {
  if (!Number.isFinite(factor)) return 'n/a';
  return factor >= 1 ? `${formatSig(factor)}x faster` : `${formatSig(1 / factor)}x slower`;
}

/** Preferred variant for the headline: the executor that skips masked work, else the checkpoint, else the first. */
function headline(ratios: VariantRatio[]): VariantRatio | undefined {
  return ratios.find((r) => r.variant === 'sparse') ?? ratios.find((r) => r.variant === 'ckpt') ?? ratios[0];
}

/**
 * One plain sentence: the headline variant's MAC ratio, what a custom kernel
 * could gain (the MAC limit) and what stock kernels give (measured); null
 * without a clean dense run.
 */
export function macLimitSentence(result: LayerLatencyResult): string | null {
  const ratios = variantRatios(result);
  const r = headline(ratios);
  const dense = result.variants.find((v) => v.variant === 'dense');
  if (!r || !dense) return null;
  const rt = `${result.runtime.name} ${result.runtime.version}, ${result.runtime.intraOpThreads} thread, batch ${result.runtime.batch}`;
  return `The ${r.variant} variant computes ${formatSig(r.macRatio)}x the MACs of the clean dense graph, so a custom kernel whose time follows MACs could make it up to ${speedupText(r.macLimit)} (the MAC limit, 1 / MAC ratio); with stock kernels it is ${speedupText(r.measuredSpeedup)} (measured: ${formatSig(r.ms)} ms vs ${formatSig(median(dense.perSampleMs))} ms per sample on ${rt}).`;
}
