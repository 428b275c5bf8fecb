/**
 * Masks the sweeps inject (method spec section 8): flipped failures, random
 * masks at matched counts, static L1 filter masks, re-thresholded masks.
 */
import { tensorToFloat32 } from '../onnx/graph';
import type { Checkpoint } from '../checkpoint/checkpoint';
import { shuffled } from './random';

/** Flips a fraction `rate` of the active (1) entries of each row to 0, chosen uniformly (seeded). */
export function flipActive(mask: Float32Array, rows: number, rate: number, next: () => number): Float32Array {
  const out = mask.slice();
  const width = mask.length / rows;
  for (let r = 0; r < rows; r++) {
    const active: number[] = [];
    for (let i = 0; i < width; i++) if (mask[r * width + i] > 0.5) active.push(i);
    const flips = Math.round(rate * active.length);
    const order = shuffled(active.length, next);
    for (let k = 0; k < flips; k++) out[r * width + active[order[k]]] = 0;
  }
  return out;
}

/** Rows with exactly `ones` random ones each (seeded). */
export function randomMask(rows: number, width: number, ones: number, next: () => number): Float32Array {
  const out = new Float32Array(rows * width);
  const k = Math.max(0, Math.min(width, Math.round(ones)));
  for (let r = 0; r < rows; r++) {
    const order = shuffled(width, next);
    for (let i = 0; i < k; i++) out[r * width + order[i]] = 1;
  }
  return out;
}

/** `1[value >= threshold]`. */
export function threshold(values: Float32Array, thr: number): Float32Array {
  return Float32Array.from(values, (v) => (v >= thr ? 1 : 0));
}

/** Hard gates as the trainer exports them: `max(1[I >= tau], 1[I == max I])` per row (at least one filter on). */
export function gateFromScores(scores: Float32Array, rows: number, tau: number): Float32Array {
  const k = scores.length / rows;
  const out = new Float32Array(scores.length);
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let i = 0; i < k; i++) max = Math.max(max, scores[r * k + i]);
    for (let i = 0; i < k; i++) out[r * k + i] = scores[r * k + i] >= tau || scores[r * k + i] >= max ? 1 : 0;
  }
  return out;
}

/** Per-filter L1 norms of the weight of a unit's conv-like node (`[K, ...]` initializer). */
export function filterL1Norms(ck: Checkpoint, unitId: number): Float64Array {
  const unit = ck.contract.units.find((u) => u.id === unitId);
  if (!unit) throw new Error(`${ck.file}: no unit ${unitId} in the contract`);
  const graph = ck.model.proto.graph ?? {};
  const node = (graph.node ?? []).find((n) => n.name === unit.node);
  const weightName = node?.input?.[1];
  const init = (graph.initializer ?? []).find((t) => t.name === weightName);
  if (!node || !init) throw new Error(`${ck.file}: unit '${unit.name}' node '${unit.node}' has no weight initializer for static L1 pruning`);
  const w = tensorToFloat32(init, ck.model);
  const dims = init.dims ?? [];
  // Conv: [K, C/g, ...]; ConvTranspose: [C, K/g, ...]; Gemm (transB=1): [K, C].
  const transposeLike = node.op_type === 'ConvTranspose';
  const K = unit.channels;
  const norms = new Float64Array(K);
  if (!transposeLike) {
    const per = w.length / dims[0];
    for (let f = 0; f < Math.min(K, dims[0]); f++) for (let i = 0; i < per; i++) norms[f] += Math.abs(w[f * per + i]);
  } else {
    const kg = dims[1];
    const inner = w.length / (dims[0] * dims[1]);
    for (let c = 0; c < dims[0]; c++) for (let f = 0; f < kg; f++) for (let i = 0; i < inner; i++) norms[f % K] += Math.abs(w[(c * kg + f) * inner + i]);
  }
  return norms;
}

/** Static L1 gate (length K): the top ceil((1 - sparsity) K) filters by weight L1 norm (at least one). */
export function l1Gate(norms: Float64Array, sparsity: number): Float32Array {
  const K = norms.length;
  const keep = Math.max(1, Math.ceil((1 - sparsity) * K - 1e-9));
  const order = Array.from({ length: K }, (_, i) => i).sort((a, b) => norms[b] - norms[a] || a - b);
  const out = new Float32Array(K);
  for (let i = 0; i < keep; i++) out[order[i]] = 1;
  return out;
}

/** Repeats a length-K row n times. */
export function repeatRows(row: Float32Array, n: number): Float32Array {
  const out = new Float32Array(row.length * n);
  for (let i = 0; i < n; i++) out.set(row, i * row.length);
  return out;
}
