/**
 * Folding of Muls by all-ones constants in a graph derived from a checkpoint
 * (`x` -> `prediction`): the tensors that depend only on the batch size
 * (`staticTensors`: constant masks and what is derived from them at other
 * resolutions, shapes, initializers) are evaluated once, with the input all
 * zeros, at batch 1 and batch 2. A `Mul` whose one operand is such a tensor,
 * all ones at both batches and broadcasting into the other operand's shape
 * without growing it, is removed and its consumers read the other operand;
 * what only fed it dies with it. Evaluating instead of reasoning per op keeps
 * the zero-padding at odd sizes honest: a padded border that is not one keeps
 * its `Mul`, and the result is then refused (no mask may survive).
 */
import { INPUT, type Checkpoint } from '../checkpoint/checkpoint';
import { initializerMap, tensorDims, tensorToFloat32 } from '../onnx/graph';
import { encodeModelProto, type ModelProto, type NodeProto } from '../onnx/proto';
import type { WireTensor } from '../runtime/workerProtocol';
import { staticTensors } from './staticTensors';
import { addOutputs, pruneDeadNodes } from './surgery';

/** Runs a model once on `feeds` and returns the named outputs (float32). */
export type GraphEvaluator = (model: Uint8Array, feeds: Record<string, WireTensor>, outputs: string[]) => Promise<Record<string, WireTensor>>;

/** A `Mul` with a static operand (`constant`, tried in order when both are static). */
interface Candidate {
  node: NodeProto;
  /** [constant, data] pairs to try: the first whose constant is all ones is folded. */
  options: Array<{ constant: string; data: string }>;
}

/** The chosen fold of a candidate. */
interface Fold {
  node: NodeProto;
  data: string;
}

/** True when broadcasting `s` against `a` leaves `a`'s shape unchanged. */
function broadcastKeeps(a: number[], s: number[]): boolean {
  if (s.length > a.length) return false;
  for (let i = 1; i <= s.length; i++) {
    const d = s[s.length - i];
    if (d !== 1 && d !== a[a.length - i]) return false;
  }
  return true;
}

function allOnes(values: Float32Array): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] !== 1) return false;
  return true;
}

/** Tensors derived from the mask values (not from their shapes only), forward through the graph. */
function maskDerived(model: ModelProto, masks: string[]): Set<string> {
  const derived = new Set(masks);
  for (const node of model.graph?.node ?? []) {
    if (node.op_type === 'Shape' || node.op_type === 'Size') continue;
    if ((node.input ?? []).some((i) => derived.has(i))) for (const o of node.output ?? []) derived.add(o);
  }
  return derived;
}

/**
 * Muls with a static operand: one static and one not (a constant times an
 * activation), or both static with one derived from a mask (a mask times a
 * batch-only tensor, such as a conv of a zero initial state). Integer shape
 * arithmetic (static, not mask-derived) is left alone.
 */
function candidatesOf(model: ModelProto, masks: string[]): Candidate[] {
  const statics = staticTensors(model.graph ?? {});
  const derived = maskDerived(model, masks);
  const out: Candidate[] = [];
  for (const node of model.graph?.node ?? []) {
    const ins = node.input ?? [];
    if (node.op_type !== 'Mul' || ins.length !== 2) continue;
    const [a, b] = ins;
    const both = statics.has(a) && statics.has(b);
    const usable = (c: string) => statics.has(c) && (!both || derived.has(c));
    const options = [...(usable(b) ? [{ constant: b, data: a }] : []), ...(usable(a) ? [{ constant: a, data: b }] : [])];
    if (options.length > 0) out.push({ node, options });
  }
  return out;
}

/** Values and shapes of the candidates' operands at batch `batch`, input all zeros. */
async function evaluateAt(ck: Checkpoint, model: ModelProto, names: string[], batch: number, evaluate: GraphEvaluator): Promise<Map<string, WireTensor>> {
  const inits = initializerMap(model.graph ?? {});
  const values = new Map<string, WireTensor>();
  for (const n of names) {
    const t = inits.get(n);
    if (t) values.set(n, { data: tensorToFloat32(t, ck.model), dims: tensorDims(t) });
  }
  const s = ck.spec;
  const x: WireTensor = { data: new Float32Array(batch * s.tIn * s.channels.length * s.grid[0] * s.grid[1]), dims: [batch, s.tIn, s.channels.length, s.grid[0], s.grid[1]] };
  if (names.includes(INPUT)) values.set(INPUT, { data: x.data.slice(), dims: x.dims });
  const asked = names.filter((n) => !values.has(n));
  if (asked.length === 0) return values;
  const out = await evaluate(encodeModelProto(addOutputs(model, asked)), { [INPUT]: x }, asked);
  for (const n of asked) values.set(n, out[n]);
  return values;
}

/** The candidates whose constant is all ones at both batches and keeps the data operand's shape. */
async function foldable(ck: Checkpoint, model: ModelProto, candidates: Candidate[], evaluate: GraphEvaluator): Promise<Fold[]> {
  if (candidates.length === 0) return [];
  const names = [...new Set(candidates.flatMap((c) => c.options.flatMap((o) => [o.constant, o.data])))];
  const at = [await evaluateAt(ck, model, names, 1, evaluate), await evaluateAt(ck, model, names, 2, evaluate)];
  const folds: Fold[] = [];
  for (const c of candidates) {
    const ok = c.options.find((o) => at.every((v) => allOnes(v.get(o.constant)!.data) && broadcastKeeps(v.get(o.data)!.dims, v.get(o.constant)!.dims)));
    if (ok) folds.push({ node: c.node, data: ok.data });
  }
  return folds;
}

/** Removes the folded Muls: consumers read the data operand; a graph output gets an Identity. */
function removeMuls(model: ModelProto, folded: Fold[]): ModelProto {
  const rename = new Map(folded.map((c) => [(c.node.output ?? [])[0], c.data]));
  const resolve = (name: string): string => {
    let cur = name;
    while (rename.has(cur)) cur = rename.get(cur)!;
    return cur;
  };
  const dropped = new Set(folded.map((c) => c.node));
  const graph = model.graph ?? {};
  const nodes: NodeProto[] = (graph.node ?? []).filter((n) => !dropped.has(n)).map((n) => ({ ...n, input: (n.input ?? []).map(resolve) }));
  for (const o of graph.output ?? []) {
    const name = o.name ?? '';
    if (rename.has(name)) nodes.push({ name: `dynapruner_studio/fold_ones/${name}`, op_type: 'Identity', input: [resolve(name)], output: [name] });
  }
  return pruneDeadNodes({ ...model, graph: { ...graph, node: nodes } }, [INPUT]);
}

/**
 * Throws when a mask survived: a node that is not itself mask arithmetic
 * (static: a mask at another resolution) reads a folded mask or a tensor
 * derived from one, or an output depends on one.
 */
function assertNoMaskLeft(ck: Checkpoint, model: ModelProto, masks: string[]): void {
  const statics = staticTensors(model.graph ?? {});
  const derived = new Set(masks);
  for (const node of model.graph?.node ?? []) {
    const from = (node.input ?? []).find((i) => derived.has(i));
    if (from === undefined) continue;
    const outs = (node.output ?? []).filter((o) => o !== '');
    if (outs.every((o) => statics.has(o))) {
      for (const o of outs) derived.add(o);
      continue;
    }
    throw new Error(`folding masks: ${ck.file}: '${node.name}' (${node.op_type}) still reads '${from}', derived from a mask: it is not a Mul by all ones, so the mask cannot be folded away`);
  }
  const left = (model.graph?.output ?? []).find((o) => derived.has(o.name ?? ''));
  if (left) throw new Error(`folding masks: ${ck.file}: output '${left.name}' still depends on a folded mask`);
}

/**
 * Removes from `model` (a graph of `ck`) every Mul by an all-ones static
 * tensor; `masks` are the constant mask tensors, none of which may be read
 * by a Mul afterwards. Returns the model and the names of the removed Muls.
 */
export async function foldOnesMuls(ck: Checkpoint, model: ModelProto, masks: string[], evaluate: GraphEvaluator): Promise<{ model: ModelProto; folded: string[] }> {
  const folds = await foldable(ck, model, candidatesOf(model, masks), evaluate);
  const cleaned = removeMuls(model, folds);
  assertNoMaskLeft(ck, cleaned, masks);
  return { model: cleaned, folded: folds.map((f) => f.node.name ?? '') };
}
