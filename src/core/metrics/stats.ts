/** Summaries over samples (and seeds): mean, spread, percentiles, 95% confidence intervals. */
import type { Distribution, Estimate } from '../schema/results';

/**
 * Value at quantile q in [0, 1]: linear interpolation between order
 * statistics, numpy's default (`np.quantile(x, q)`, `np.percentile(x, 100 q)`).
 * NaN for an empty set. The one quantile function of the project.
 */
export function quantile(values: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Two-sided 97.5% quantiles of Student's t for df = 1..30 (then the normal 1.96 limit is approached). */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** t quantile for a 95% two-sided interval with `df` degrees of freedom. */
export function tCritical95(df: number): number {
  if (df < 1) return NaN;
  if (df <= 30) return T975[df - 1];
  // Cornish-Fisher style expansion around the normal quantile, good to ~1e-3 for df > 30.
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df * df);
}

/** Mean, sample std and 95% CI of the mean (Student t); NaN values are skipped. */
export function estimate(values: ArrayLike<number>): Estimate {
  const xs = Array.from(values).filter((v) => Number.isFinite(v));
  const n = xs.length;
  if (n === 0) return { n: 0, mean: NaN, std: NaN, ci95: [NaN, NaN] };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  const half = n > 1 ? (tCritical95(n - 1) * std) / Math.sqrt(n) : 0;
  return { n, mean, std, ci95: [mean - half, mean + half] };
}

/** {@link estimate} plus min, max, p5 and p95. */
export function distribution(values: ArrayLike<number>): Distribution {
  const xs = Array.from(values).filter((v) => Number.isFinite(v));
  const e = estimate(xs);
  return {
    ...e,
    p5: quantile(xs, 0.05),
    p95: quantile(xs, 0.95),
    min: xs.length ? Math.min(...xs) : NaN,
    max: xs.length ? Math.max(...xs) : NaN,
  };
}
