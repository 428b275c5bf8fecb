/**
 * Importance alignment (method spec section 9): how well S points at where
 * the future changes. `|Delta| = mean_t |Y_t - X_last|` per pixel; ROC AUC
 * of S separating the top-20% |Delta| pixels from the rest, and Spearman's
 * rho of (S, |Delta|). Pixels without any valid target element are left out.
 */
import { rocAuc, spearman } from './ranks';
import { quantile } from './stats';

/** Fraction of pixels treated as "changing" (top 20% of |Delta|). */
export const TOP_CHANGE_FRACTION = 0.2;

/**
 * |Delta| map `[H, W]`: mean over t and c of |Y_t - X_last| on valid target
 * elements. `target` is `[T_out, C, H, W]`, `lastInput` `[C, H, W]`. Returns
 * the map and which pixels had at least one valid element.
 */
export function absDeltaMap(
  target: ArrayLike<number>,
  lastInput: ArrayLike<number>,
  valid: ArrayLike<number> | null,
  tOut: number,
  channels: number,
  plane: number,
): { map: Float32Array; covered: Uint8Array } {
  const sum = new Float64Array(plane);
  const cnt = new Uint32Array(plane);
  for (let t = 0; t < tOut; t++) {
    for (let c = 0; c < channels; c++) {
      const base = (t * channels + c) * plane;
      const lbase = c * plane;
      for (let p = 0; p < plane; p++) {
        if (valid && !valid[base + p]) continue;
        sum[p] += Math.abs(target[base + p] - lastInput[lbase + p]);
        cnt[p]++;
      }
    }
  }
  const map = new Float32Array(plane);
  const covered = new Uint8Array(plane);
  for (let p = 0; p < plane; p++) {
    if (cnt[p]) {
      map[p] = sum[p] / cnt[p];
      covered[p] = 1;
    }
  }
  return { map, covered };
}

/** ROC AUC and Spearman of S against |Delta| over covered pixels. */
export function importanceAlignment(importance: ArrayLike<number>, absDelta: ArrayLike<number>, covered: ArrayLike<number>): { auc: number; spearman: number } {
  const s: number[] = [];
  const d: number[] = [];
  for (let p = 0; p < absDelta.length; p++) {
    if (!covered[p]) continue;
    s.push(importance[p]);
    d.push(absDelta[p]);
  }
  const threshold = quantile(d, 1 - TOP_CHANGE_FRACTION);
  const labels = d.map((v) => (v >= threshold ? 1 : 0));
  return { auc: rocAuc(s, labels), spearman: spearman(s, d) };
}
