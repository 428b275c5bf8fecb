/**
 * What an analysis adds to the Graph view: kept (effective, mask-aware) MACs
 * per layer, dataset mean and per sample, and each sample's filter gates per
 * unit. Only these numbers cross to the webview (no maps).
 */
import type { Analysis } from '../schema/results';

/** One sample's costs and gates. */
export interface GraphOverlaySample {
  index: number;
  windowStart: number | null;
  /** Effective MACs per layer node. */
  kept: Record<string, number>;
  /** Hard gate mask (0/1 per filter) per unit id. */
  gates: Record<number, number[]>;
}

/** An analysis reduced to what the Graph view draws. */
export interface GraphOverlay {
  /** When the analysis ran (ISO time). */
  createdAt: string;
  /** Mean effective MACs per layer node over the samples. */
  meanKept: Record<string, number>;
  samples: GraphOverlaySample[];
}

/** Reduces an analysis to its {@link GraphOverlay}. */
export function graphOverlay(a: Analysis): GraphOverlay {
  const meanKept: Record<string, number> = {};
  a.layers.forEach((l, i) => (meanKept[l.node] = a.aggregates.perLayer[i]?.mean ?? l.denseMacs));
  const samples = a.samples.map((s) => {
    const kept: Record<string, number> = {};
    a.layers.forEach((l, i) => (kept[l.node] = s.macs.perLayer[i] ?? l.denseMacs));
    const gates: Record<number, number[]> = {};
    for (const g of s.gates) gates[g.unit] = g.mask;
    return { index: s.index, windowStart: s.windowStart, kept, gates };
  });
  return { createdAt: a.createdAt, meanKept, samples };
}

/** Kept MACs of a node: the sample's when one is chosen, else the mean; null when the analysis does not count the node. */
export function keptMacs(overlay: GraphOverlay, node: string, sample: number | null): number | null {
  const s = sample === null ? undefined : overlay.samples[sample];
  const v = s ? s.kept[node] : overlay.meanKept[node];
  return v === undefined ? null : v;
}
