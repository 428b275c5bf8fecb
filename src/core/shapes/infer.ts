/**
 * Shape inference over the main graph: static rules per op (./ops, constant
 * folding of small int64 shape subgraphs as PyTorch exports them), then, for
 * whatever stays unknown, one onnxruntime-node run on zero inputs
 * (./runtimeFallback) whose shapes are marked `source = 'runtime'`.
 *
 * Symbolic input dims take `inputShapes` when given, else 1 (batch 1).
 */
import type { LoadedModel } from '../onnx/reader';
import { dataTypeSize, initializerMap, nodeLabel, opsetVersion, realInputs, tensorDims, tensorSize, tensorToNumbers, valueInfoShape, valueInfoType } from '../onnx/graph';
import { ModelFileError } from '../onnx/modelFileError';
import { DataType, type NodeProto } from '../onnx/proto';
import { InvalidNodeError, listText } from './invalidNode';
import { shapeRule } from './registry';
import { budgetedRuntimeShapes, type ShapeRunBudget } from './budgetedRun';
import { MAX_FOLDED_ELEMENTS, type ShapeSource, type ShapeTable, type TensorFacts } from './types';

export type { ShapeTable, ShapeSource } from './types';

/** Options of inferShapes. */
export interface InferShapesOptions {
  /** Concrete shapes for graph inputs (replaces symbolic dims). */
  inputShapes?: Record<string, number[]>;
  /** Run onnxruntime once, in a budgeted child process, for shapes static inference cannot resolve (default true). */
  fallback?: boolean;
  /** Limits of that run (defaults: DEFAULT_SHAPE_RUN_BUDGET). */
  budget?: Partial<ShapeRunBudget>;
  signal?: AbortSignal;
}

/** An --input-shape that does not fit the model. */
export class InputShapeError extends Error {}

/** Concrete shapes of the graph's real inputs: given ones, else declared dims with symbolic dims set to 1. */
export function resolveInputShapes(model: LoadedModel, given: Record<string, number[]> = {}): Map<string, number[]> {
  const graph = model.proto.graph ?? {};
  const inputs = realInputs(graph);
  const names = new Set(inputs.map((i) => i.name ?? ''));
  for (const name of Object.keys(given)) {
    if (!names.has(name)) throw new InputShapeError(`--input-shape names '${name}', but the model's inputs are: ${[...names].join(', ')}`);
  }
  const out = new Map<string, number[]>();
  for (const input of inputs) {
    const name = input.name ?? '';
    const declared = valueInfoShape(input);
    if (given[name]) {
      const g = given[name];
      if (declared && declared.length !== g.length) {
        throw new InputShapeError(`--input-shape ${name} has rank ${g.length}, but the model declares rank ${declared.length} [${declared.map((d) => d ?? '?').join(',')}]`);
      }
      declared?.forEach((d, i) => {
        if (typeof d === 'number' && d > 0 && d !== g[i]) {
          throw new InputShapeError(`--input-shape ${name} dim ${i} is ${g[i]}, but the model fixes it to ${d}`);
        }
      });
      if (g.some((d) => !Number.isSafeInteger(d) || d < 0)) {
        throw new InputShapeError(`--input-shape ${name} is [${g.join(',')}], expected non-negative integer dims`);
      }
      out.set(name, g);
    } else if (declared) {
      out.set(name, declared.map((d) => (typeof d === 'number' && d > 0 ? d : 1)));
    }
  }
  return out;
}

/**
 * Infers the shape of every tensor of the main graph. Static first; the
 * unresolved rest (if any and `fallback` is not false) from one runtime run.
 */
export async function inferShapes(model: LoadedModel, opts: InferShapesOptions = {}): Promise<ShapeTable> {
  const table = inferStatic(model, resolveInputShapes(model, opts.inputShapes));
  if (table.unresolved.length > 0 && opts.fallback !== false) {
    const inputShapes = resolveInputShapes(model, opts.inputShapes);
    const measured = await budgetedRuntimeShapes(model, inputShapes, table, opts.budget, opts.signal);
    for (const [name, shape] of measured) {
      table.shapes.set(name, shape);
      table.source.set(name, 'runtime');
    }
    table.unresolved = table.unresolved.filter((n) => !measured.has(n));
  }
  return table;
}

/** Static pass only (synchronous): facts for every tensor the rules can resolve. */
export function inferStatic(model: LoadedModel, inputShapes: Map<string, number[]>): ShapeTable {
  const graph = model.proto.graph ?? {};
  const opset = opsetVersion(model.proto, '') ?? 13;
  const known = new Map<string, TensorFacts>();
  const source = new Map<string, ShapeSource>();
  for (const [name, shape] of inputShapes) {
    checkElementCount(model.file, `graph input '${name}'`, shape);
    const vi = (graph.input ?? []).find((i) => i.name === name);
    known.set(name, { shape, dtype: vi ? valueInfoType(vi) : DataType.FLOAT });
    source.set(name, 'graph');
  }
  for (const [name, t] of initializerMap(graph)) {
    const dims = tensorDims(t);
    const small = tensorSize(t) <= MAX_FOLDED_ELEMENTS && dataTypeSize(t.data_type ?? 0) > 0 && t.data_type !== DataType.COMPLEX64 && t.data_type !== DataType.COMPLEX128;
    known.set(name, { shape: dims, dtype: t.data_type, value: small ? tensorToNumbers(t, model) : undefined });
    source.set(name, 'graph');
  }
  // value_info / outputs with fully static shapes: used only where rules cannot resolve.
  const declared = new Map<string, number[]>();
  for (const v of [...(graph.value_info ?? []), ...(graph.output ?? [])]) {
    const s = valueInfoShape(v);
    if (s && s.every((d) => typeof d === 'number' && d > 0)) declared.set(v.name ?? '', s as number[]);
  }
  const unresolved: string[] = [];
  for (const node of graph.node ?? []) {
    const rule = shapeRule(node.op_type ?? '', node.domain ?? '');
    const inputs = (node.input ?? []).map((i) => (i ? known.get(i) : undefined));
    const outs = rule ? applyRule(model.file, node, () => rule({ node, inputs, opset })) : undefined;
    (node.output ?? []).forEach((name, k) => {
      if (!name) return;
      const f = outs?.[k];
      if (f?.shape && f.shape.every((d) => Number.isInteger(d) && d >= 0)) {
        checkElementCount(model.file, `node '${nodeLabel(node)}' (${node.op_type ?? '?'}) output '${name}'`, f.shape);
        known.set(name, f);
        source.set(name, 'static');
      } else if (declared.has(name)) {
        known.set(name, { shape: declared.get(name)! });
        source.set(name, 'graph');
      } else {
        unresolved.push(name);
      }
    });
  }
  const shapes = new Map<string, number[]>();
  const dtypes = new Map<string, number>();
  for (const [name, f] of known) {
    if (f.shape) shapes.set(name, f.shape);
    if (f.dtype !== undefined) dtypes.set(name, f.dtype);
  }
  return { shapes, source, unresolved, dtypes };
}

/**
 * Runs one shape rule: an InvalidNodeError (the node breaks its operator's
 * rules) becomes a ModelFileError naming the file and node; any other failure
 * means "not statically inferable" (undefined).
 */
function applyRule(file: string, node: NodeProto, run: () => (TensorFacts | undefined)[] | undefined): (TensorFacts | undefined)[] | undefined {
  try {
    return run();
  } catch (e) {
    if (e instanceof InvalidNodeError) throw new ModelFileError(file, `node '${nodeLabel(node)}' (${node.op_type ?? '?'}): ${e.message}`);
    return undefined;
  }
}

/** Throws ModelFileError when a shape's element count is not a safe integer. */
function checkElementCount(file: string, what: string, shape: number[]): void {
  const n = shape.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(n)) throw new ModelFileError(file, `${what} has shape ${listText(shape)}: ${n} elements, expected at most 2^53`);
}
