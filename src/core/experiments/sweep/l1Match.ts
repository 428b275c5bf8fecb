/** Static-L1 baseline at matched effective MACs. */
import { filterL1Norms, l1Gate } from '../maskOps';
import type { SweepContext } from './context';

/** The static-L1 sparsity chosen and its gate masks (ck.gateTensors order). */
export interface L1Match {
  sparsity: number;
  gates: Float32Array[];
}

/**
 * The sparsity (0..0.99 in steps of 0.01) whose MACs with the data mask all
 * ones are closest to `ownMacs`, and its L1 gates; sparsity 0 and no gates
 * when the L1 baseline is not wanted.
 */
export function matchL1(ctx: SweepContext, ownMacs: number, wanted: boolean): L1Match {
  if (!wanted) return { sparsity: 0, gates: [] };
  const { ck, macsOf } = ctx;
  const norms = ck.gateTensors.map((g) => filterL1Norms(ck, g.unit));
  let sparsity = 0;
  let best = Infinity;
  for (let s = 0; s <= 0.99 + 1e-9; s += 0.01) {
    const macs = macsOf(null, norms.map((nm) => l1Gate(nm, s)));
    if (Math.abs(macs - ownMacs) < best) {
      best = Math.abs(macs - ownMacs);
      sparsity = Math.round(s * 100) / 100;
    }
  }
  return { sparsity, gates: norms.map((nm) => l1Gate(nm, sparsity)) };
}
