/**
 * What a per-layer latency measurement (schema `dynapruner.layer-latency`)
 * adds to the Graph view: the measured median time of each compute layer of
 * the checkpoint as exported (variant `ckpt`, else the first measured), as
 * a share of the variant's summed node time. Only these numbers cross to
 * the webview.
 */
import type { LayerLatencyResult } from '../schema/layerLatency';

/** A latency measurement reduced to what the Graph view colours by. */
export interface GraphLatency {
  /** The variant measured (`ckpt`: the checkpoint as exported). */
  variant: string;
  /** Runtime and thread count ("onnxruntime-node 1.20.1, 1 thread"). */
  runtime: string;
  /** Sum of every runtime node's median time (layers and other ops), microseconds. */
  nodeTimeUs: number;
  /** Median time per compute layer node, microseconds. */
  timeUs: Record<string, number>;
}

/** Reduces a measurement to its {@link GraphLatency}; null when it measured no variant. */
export function graphLatency(r: LayerLatencyResult): GraphLatency | null {
  const v = r.variants.find((x) => x.variant === 'ckpt') ?? r.variants[0];
  if (!v) return null;
  const timeUs: Record<string, number> = {};
  for (const l of v.layers) timeUs[l.name] = l.timeUs;
  return { variant: v.variant, runtime: `${r.runtime.name} ${r.runtime.version}, ${r.runtime.intraOpThreads} thread`, nodeTimeUs: v.nodeTimeUs, timeUs };
}

/** A layer's share of the measured node time, null when the measurement has no such layer. */
export function latencyShare(latency: GraphLatency, node: string): number | null {
  const t = latency.timeUs[node];
  return t === undefined ? null : t / Math.max(1e-9, latency.nodeTimeUs);
}
