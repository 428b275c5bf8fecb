/** Latency statistics of timed iterations (percentiles by the project's one quantile function, numpy's default). */
import { quantile } from '../../metrics/stats';

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

/** Mean, spread and p50/p90/p99 of latencies (ms). */
export function latencyStats(values: number[]): LatencyStats {
  if (values.length === 0) throw new Error('no timed iterations to summarise');
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = values.length > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)) : 0;
  return {
    n: values.length,
    mean,
    std,
    min: values.reduce((a, b) => Math.min(a, b)),
    max: values.reduce((a, b) => Math.max(a, b)),
    p50: quantile(values, 0.5),
    p90: quantile(values, 0.9),
    p99: quantile(values, 0.99),
  };
}
