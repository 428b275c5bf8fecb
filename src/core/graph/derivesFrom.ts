/** Tensor lineage through the reshaping ops PyTorch puts between a mask and its Mul. */
import type { NodeProto } from '../onnx/proto';

const PASS_THROUGH = ['Unsqueeze', 'Reshape', 'Expand', 'Cast', 'Identity'];

/** Does `tensor` derive from `source` through at most 6 Unsqueeze / Reshape / Expand / Cast / Identity nodes? */
export function derivesFrom(tensor: string, source: string, producers: Map<string, NodeProto>): boolean {
  let cur = tensor;
  for (let hops = 0; hops < 6; hops++) {
    if (cur === source) return true;
    const p = producers.get(cur);
    if (!p || !PASS_THROUGH.includes(p.op_type ?? '')) return false;
    cur = (p.input ?? [])[0] ?? '';
  }
  return false;
}
