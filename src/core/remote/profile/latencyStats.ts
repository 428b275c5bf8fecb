/** Latency statistics of timed iterations (percentiles by linear interpolation, as numpy's default). */

/** Summary of a set of latencies in milliseconds. */
export interface LatencyStats {
  n: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  p50: number;
  p90: number;
  p99: number;
}

/** Linear-interpolated percentile `q` (0..100) of ascending-sorted values. */
export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) throw new Error('percentile of an empty set');
  const pos = ((sorted.length - 1) * q) / 100;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Mean, spread and p50/p90/p99 of latencies (ms). */
export function latencyStats(values: number[]): LatencyStats {
  if (values.length === 0) throw new Error('no timed iterations to summarise');
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = values.length > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)) : 0;
  return {
    n: values.length,
    mean,
    std,
    min: sorted[0],
    max: sorted[sorted.length - 1],
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
  };
}
