/**
 * Mask-aware (effective) MACs of one sample (counting convention, "Mask-aware"):
 * for a node bound in the contract's `layers`,
 *   K_active * (C_in_active / g) * prod(kernel) * A_out
 * (ConvTranspose: input-based, with the active positions of its input).
 * Unbound nodes count dense; overhead nodes count dense and are also reported
 * on their own. With all-ones masks the effective total equals the dense total.
 */
import type { DynaPrunerContract } from '../contract/contract';
import type { LayerCount, ModelCounts } from './count';
import { countActive, spatialMaskAt } from './spatialMask';

export { spatialMaskAt } from './spatialMask';

/** The masks of one sample. */
export interface SampleMasks {
  /** Hard data mask M_data, H*W values (0/1), row-major. */
  dataMask: Float32Array | Uint8Array;
  height: number;
  width: number;
  /** Unit id -> that unit's hard gate mask (K values, 0/1). Missing units count as all ones. */
  gateMasks: Map<number, ArrayLike<number>>;
}

/** Effective MACs of one layer. */
export interface EffectiveLayer {
  name: string;
  denseMacs: number;
  effectiveMacs: number;
  /** Listed in the contract's overhead_nodes. */
  overhead: boolean;
}

/** Effective MACs of one sample. */
export interface EffectiveMacs {
  layers: EffectiveLayer[];
  /** Effective total (overhead included). */
  total: number;
  /** Overhead part of the total. */
  overhead: number;
  /** Dense total. */
  dense: number;
}

const prod = (xs: number[]) => xs.reduce((a, b) => a * b, 1);

/** Effective MACs per layer and in total for one sample's masks. */
export function effectiveMacs(counts: ModelCounts, contract: DynaPrunerContract, masks: SampleMasks): EffectiveMacs {
  const bindings = new Map(contract.layers.map((l) => [l.node, l]));
  const overheadSet = new Set(contract.overhead_nodes);
  const activeUnits = new Map<number, number>();
  for (const [id, m] of masks.gateMasks) activeUnits.set(id, countActive(m));
  const spatialCache = new Map<string, number>();
  const activePositions = (spatial: number[]): number => {
    if (spatial.length !== 2) return prod(spatial);
    const [h, w] = spatial;
    const key = `${h}x${w}`;
    let a = spatialCache.get(key);
    if (a === undefined) {
      a = h === masks.height && w === masks.width ? countActive(masks.dataMask) : countActive(spatialMaskAt(masks.dataMask, masks.height, masks.width, h, w));
      spatialCache.set(key, a);
    }
    return a;
  };
  const layers: EffectiveLayer[] = [];
  let total = 0, overhead = 0, dense = 0;
  for (const layer of counts.layers) {
    if (layer.macs === 0) continue;
    const isOverhead = overheadSet.has(layer.name);
    const binding = bindings.get(layer.name);
    const eff = binding && !isOverhead ? boundMacs(layer, binding, activeUnits, activePositions) : layer.macs;
    layers.push({ name: layer.name, denseMacs: layer.macs, effectiveMacs: eff, overhead: isOverhead });
    total += eff;
    dense += layer.macs;
    if (isOverhead) overhead += eff;
  }
  return { layers, total, overhead, dense };
}

function boundMacs(
  layer: LayerCount,
  binding: DynaPrunerContract['layers'][number],
  activeUnits: Map<number, number>,
  activePositions: (spatial: number[]) => number,
): number {
  const cOut = layer.cOut ?? 0;
  const cIn = layer.cIn ?? 0;
  const g = layer.group ?? 1;
  const kOut = binding.out_unit !== null && activeUnits.has(binding.out_unit) ? activeUnits.get(binding.out_unit)! : cOut;
  const kIn = binding.in_unit !== null && activeUnits.has(binding.in_unit) ? activeUnits.get(binding.in_unit)! : cIn;
  const kernel = prod(layer.kernel ?? []);
  const batch = layer.outputShape[0] ?? 1;
  if (layer.op === 'ConvTranspose') {
    const inSp = layer.inSpatial ?? [];
    const a = binding.spatial_mask ? activePositions(inSp) : prod(inSp);
    return batch * kIn * (kOut / g) * kernel * a;
  }
  if (layer.op === 'Conv') {
    const outSp = layer.outSpatial ?? [];
    const a = binding.spatial_mask ? activePositions(outSp) : prod(outSp);
    return batch * kOut * (kIn / g) * kernel * a;
  }
  // Gemm / MatMul bound to units: scale the dense count by the active channel fractions.
  const fracOut = cOut ? kOut / cOut : 1;
  const fracIn = cIn ? kIn / cIn : 1;
  return layer.macs * fracOut * fracIn;
}
