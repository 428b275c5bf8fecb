/**
 * Fast mask-aware MAC totals for sweeps: the counting spec's formula
 * (`effectiveMacs` in src/core/counting/effective.ts) with everything that
 * does not depend on the masks precomputed once per checkpoint, so a row
 * costs one pass over its data mask per resolution and one over each gate.
 * Returns exactly the same total as `sampleMacs(ck, dataMask, gates).total`.
 */
import type { LayerCount } from '../counting/count';
import { poolFactor } from '../counting/spatialMask';
import type { Checkpoint } from '../checkpoint/checkpoint';

/** One MAC-bearing layer's effective count as a function of the active counts. */
interface LayerTerm {
  dense: number;
  /** Count dense (unbound or overhead). */
  fixed: boolean;
  kind: 'conv' | 'convT' | 'linear';
  /** Index into the resolutions list, or -1 when not spatially masked. */
  resolution: number;
  /** Positions when not spatially masked. */
  positions: number;
  /** Gate tensor index (ck.gateTensors) of the out / in unit, or -1. */
  outGate: number;
  inGate: number;
  cOut: number;
  cIn: number;
  group: number;
  kernel: number;
  batch: number;
}

const prod = (xs: number[]) => xs.reduce((a, b) => a * b, 1);

/**
 * A function `(dataMask | null, gates) -> effective MAC total` for one
 * checkpoint (null masks = all ones; gates in ck.gateTensors order).
 */
export function macCounter(ck: Checkpoint): (dataMask: ArrayLike<number> | null, gates: (ArrayLike<number> | null)[]) => number {
  const [H, W] = ck.spec.grid;
  const bindings = new Map(ck.contract.layers.map((l) => [l.node, l]));
  const overhead = new Set(ck.contract.overhead_nodes);
  const gateIndex = new Map(ck.gateTensors.map((g, i) => [g.unit, i]));
  const resolutions: [number, number][] = [];
  const resolutionOf = (sp: number[]): number => {
    if (sp.length !== 2) return -1;
    let i = resolutions.findIndex(([h, w]) => h === sp[0] && w === sp[1]);
    if (i < 0) i = resolutions.push([sp[0], sp[1]]) - 1;
    return i;
  };
  const terms: LayerTerm[] = ck.counts.layers
    .filter((l: LayerCount) => l.macs > 0)
    .map((l: LayerCount) => {
      const b = bindings.get(l.name);
      const fixed = !b || overhead.has(l.name);
      const kind = l.op === 'ConvTranspose' ? 'convT' : l.op === 'Conv' ? 'conv' : 'linear';
      const sp = kind === 'convT' ? l.inSpatial ?? [] : l.outSpatial ?? [];
      const spatial = !fixed && kind !== 'linear' && b!.spatial_mask && sp.length === 2;
      return {
        dense: l.macs,
        fixed,
        kind,
        resolution: spatial ? resolutionOf(sp) : -1,
        positions: prod(sp),
        outGate: b && b.out_unit !== null ? gateIndex.get(b.out_unit) ?? -1 : -1,
        inGate: b && b.in_unit !== null ? gateIndex.get(b.in_unit) ?? -1 : -1,
        cOut: l.cOut ?? 0,
        cIn: l.cIn ?? 0,
        group: l.group ?? 1,
        kernel: prod(l.kernel ?? []),
        batch: l.outputShape[0] ?? 1,
      };
    });
  // Per resolution: the data-mask pixel -> cell map of the trainer's down_max (ceil pooling).
  const cellMaps = resolutions.map(([h, w]) => {
    const kh = poolFactor(H, h);
    const kw = poolFactor(W, w);
    const map = new Int32Array(H * W);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) map[y * W + x] = Math.floor(y / kh) * w + Math.floor(x / kw);
    return { cells: h * w, map };
  });
  const active = new Float64Array(resolutions.length);
  const seen = resolutions.map(([h, w]) => new Uint8Array(h * w));
  const gateActive = new Float64Array(ck.gateTensors.length);

  return (dataMask, gates) => {
    for (let r = 0; r < resolutions.length; r++) {
      if (!dataMask) {
        active[r] = cellMaps[r].cells;
        continue;
      }
      const { map, cells } = cellMaps[r];
      const s = seen[r];
      if (cells === H * W && resolutions[r][0] === H) {
        let a = 0;
        for (let i = 0; i < H * W; i++) if (dataMask[i]) a++;
        active[r] = a;
        continue;
      }
      s.fill(0);
      let a = 0;
      for (let i = 0; i < H * W; i++) {
        if (dataMask[i] && !s[map[i]]) {
          s[map[i]] = 1;
          a++;
        }
      }
      active[r] = a;
    }
    for (let i = 0; i < gateActive.length; i++) {
      const m = gates[i];
      if (!m) {
        gateActive[i] = -1;
        continue;
      }
      let a = 0;
      for (let j = 0; j < m.length; j++) if (m[j]) a++;
      gateActive[i] = a;
    }
    let total = 0;
    for (const t of terms) {
      if (t.fixed) {
        total += t.dense;
        continue;
      }
      const kOut = t.outGate >= 0 && gateActive[t.outGate] >= 0 ? gateActive[t.outGate] : t.cOut;
      const kIn = t.inGate >= 0 && gateActive[t.inGate] >= 0 ? gateActive[t.inGate] : t.cIn;
      if (t.kind === 'linear') {
        total += t.dense * (t.cOut ? kOut / t.cOut : 1) * (t.cIn ? kIn / t.cIn : 1);
        continue;
      }
      const a = t.resolution >= 0 ? active[t.resolution] : t.positions;
      total += t.kind === 'convT' ? t.batch * kIn * (kOut / t.group) * t.kernel * a : t.batch * kOut * (kIn / t.group) * t.kernel * a;
    }
    return total;
  };
}
