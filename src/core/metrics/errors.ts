/** Error metrics on valid pixels only (normalised units). */
import type { ErrorMetrics } from '../schema/results';

/**
 * MSE and MAE of `a` against `b` over the elements where `valid` is 1 (all
 * elements when `valid` is null). `offset`/`length` select a slice of `a`,
 * `b` and `valid` (one sample of a batch). NaN when no element is valid.
 */
export function maskedErrors(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  valid: ArrayLike<number> | null,
  offset = 0,
  length = a.length - offset,
  validOffset = offset,
): ErrorMetrics {
  return maskedErrorsAt(a, offset, b, offset, valid, validOffset, length);
}

/**
 * MSE and MAE of `a[aOffset ..]` against `b[bOffset ..]` over `length`
 * elements where `valid[validOffset ..]` is 1 (all when `valid` is null): one
 * row of a batch against its own target. NaN when no element is valid.
 */
export function maskedErrorsAt(
  a: ArrayLike<number>,
  aOffset: number,
  b: ArrayLike<number>,
  bOffset: number,
  valid: ArrayLike<number> | null,
  validOffset: number,
  length: number,
): ErrorMetrics {
  let se = 0;
  let ae = 0;
  let n = 0;
  for (let i = 0; i < length; i++) {
    if (valid && !valid[validOffset + i]) continue;
    const d = a[aOffset + i] - b[bOffset + i];
    se += d * d;
    ae += d < 0 ? -d : d;
    n++;
  }
  return n === 0 ? { mse: NaN, mae: NaN } : { mse: se / n, mae: ae / n };
}

/**
 * Mean over the leading `frames` (t x c) of |a - b| per pixel, on valid
 * elements: an `[H, W]` error map. Pixels with no valid element are 0.
 */
export function errorMap(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  valid: ArrayLike<number> | null,
  frames: number,
  plane: number,
  offsetA = 0,
  offsetB = offsetA,
  offsetValid = offsetA,
): Float32Array {
  const sum = new Float64Array(plane);
  const cnt = new Uint32Array(plane);
  for (let f = 0; f < frames; f++) {
    for (let p = 0; p < plane; p++) {
      const i = f * plane + p;
      if (valid && !valid[offsetValid + i]) continue;
      sum[p] += Math.abs(a[offsetA + i] - b[offsetB + i]);
      cnt[p]++;
    }
  }
  const out = new Float32Array(plane);
  for (let p = 0; p < plane; p++) out[p] = cnt[p] ? sum[p] / cnt[p] : 0;
  return out;
}
