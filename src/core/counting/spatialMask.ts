/**
 * Spatial mask at a lower resolution, matching the trainer
 * (trainer/dynapruner_trainer/masks.py, `down_max`):
 *
 *   M_sp at factor k = maxpool_k( zero_pad_bottom_right(M_data, to a multiple of k) )
 *
 * i.e. MaxPool with kernel = stride = k and ceil_mode, so an odd grid maps as a
 * stride-2 conv does: 33 -> 17 -> 9 and 36 -> 18 -> 9 (h = ceil(H / k)). The
 * factor per axis is the smallest power of two k with ceil(H / k) = h (the
 * trainer's levels are powers of two); if none fits, the smallest integer k.
 */

/** The pooling factor that maps `full` to `reduced` under the ceil convention. */
export function poolFactor(full: number, reduced: number): number {
  if (reduced <= 0 || reduced > full) throw new Error(`cannot pool a size-${full} axis down to ${reduced}`);
  for (let k = 1; k <= full; k *= 2) if (Math.ceil(full / k) === reduced) return k;
  for (let k = 1; k <= full; k++) if (Math.ceil(full / k) === reduced) return k;
  throw new Error(`no integer pooling factor maps ${full} to ${reduced} (ceil convention)`);
}

/**
 * The spatial mask at (h, w) from the data mask at (H, W): a cell is active when
 * any of the data-mask pixels in its k x k window is non-zero (out-of-grid
 * padding counts as 0). Returns h*w bytes, row-major.
 */
export function spatialMaskAt(dataMask: ArrayLike<number>, H: number, W: number, h: number, w: number): Uint8Array {
  if (dataMask.length < H * W) throw new Error(`data mask has ${dataMask.length} values, expected ${H}x${W} = ${H * W}`);
  const kh = poolFactor(H, h);
  const kw = poolFactor(W, w);
  const out = new Uint8Array(h * w);
  for (let y = 0; y < H; y++) {
    const oy = Math.floor(y / kh);
    for (let x = 0; x < W; x++) {
      if (dataMask[y * W + x]) out[oy * w + Math.floor(x / kw)] = 1;
    }
  }
  return out;
}

/** Number of non-zero entries. */
export function countActive(mask: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) n++;
  return n;
}
