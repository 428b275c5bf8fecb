/** Types shared by the shape-inference rules (one file per op family in ./ops). */
import type { NodeProto } from '../onnx/proto';

/** Where a shape came from: declared in the graph, inferred statically, or measured by one onnxruntime run. */
export type ShapeSource = 'graph' | 'static' | 'runtime';

/** Result of shape inference over the main graph. */
export interface ShapeTable {
  /** Tensor name -> concrete shape (batch and other symbolic dims resolved). */
  shapes: Map<string, number[]>;
  /** Tensor name -> where its shape came from. */
  source: Map<string, ShapeSource>;
  /** Tensors whose shape is still unknown (after the runtime fallback, if enabled). */
  unresolved: string[];
  /** Element type (TensorProto.DataType) per tensor, where known. */
  dtypes?: Map<string, number>;
}

/** What static inference knows about one tensor. */
export interface TensorFacts {
  shape?: number[];
  /** TensorProto.DataType */
  dtype?: number;
  /** Flattened values, kept for small tensors (constant folding of shape subgraphs). */
  value?: number[];
}

/** What a rule sees: the node, facts about its inputs (index-aligned; missing optional inputs are undefined), the opset. */
export interface RuleContext {
  node: NodeProto;
  inputs: (TensorFacts | undefined)[];
  opset: number;
}

/**
 * A shape rule: facts for each output (index-aligned), or undefined when the
 * shapes cannot be determined statically (the node goes to the runtime fallback).
 */
export type ShapeRule = (ctx: RuleContext) => (TensorFacts | undefined)[] | undefined;

/** Largest tensor whose values are tracked for constant folding. */
export const MAX_FOLDED_ELEMENTS = 4096;
