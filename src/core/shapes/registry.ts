/** Op type -> shape rule (default ONNX domain). */
import type { ShapeRule } from './types';
import { conv, convTranspose, globalPool, pool } from './ops/conv';
import { gemm, matmul } from './ops/linear';
import { recurrent } from './ops/recurrent';
import { binary, binaryOps, cast, isNanInf, not, unary, unaryOps, where } from './ops/elementwise';
import {
  concat, depthToSpace, expand, flatten, gather, gatherElements, pad, reshape, resize, slice, spaceToDepth, split,
  squeeze, tile, transpose, unsqueeze,
} from './ops/tensorOps';
import { argReduce, constant, constantOfShape, range, reduce, shapeOp, size, topK } from './ops/constants';

const rules = new Map<string, ShapeRule>([
  ['Conv', conv], ['ConvTranspose', convTranspose],
  ['MaxPool', pool], ['AveragePool', pool], ['LpPool', pool],
  ['GlobalAveragePool', globalPool], ['GlobalMaxPool', globalPool], ['GlobalLpPool', globalPool],
  ['Gemm', gemm], ['MatMul', matmul],
  ['LSTM', recurrent], ['GRU', recurrent], ['RNN', recurrent],
  ['Cast', cast], ['CastLike', cast], ['Not', not], ['Where', where], ['IsNaN', isNanInf], ['IsInf', isNanInf],
  ['Reshape', reshape], ['Flatten', flatten], ['Transpose', transpose], ['Squeeze', squeeze], ['Unsqueeze', unsqueeze],
  ['Concat', concat], ['Split', split], ['Slice', slice], ['Gather', gather], ['GatherElements', gatherElements],
  ['Expand', expand], ['Tile', tile], ['Pad', pad], ['DepthToSpace', depthToSpace], ['SpaceToDepth', spaceToDepth],
  ['Resize', resize], ['Upsample', resize],
  ['Constant', constant], ['ConstantOfShape', constantOfShape], ['Shape', shapeOp], ['Size', size], ['Range', range],
  ['ArgMax', argReduce], ['ArgMin', argReduce], ['TopK', topK],
  ...['ReduceMean', 'ReduceSum', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSumExp', 'ReduceSumSquare', 'ReduceLogSum']
    .map((op): [string, ShapeRule] => [op, reduce]),
  ...unaryOps.map((op): [string, ShapeRule] => [op, unary]),
  ...binaryOps.map((op): [string, ShapeRule] => [op, binary]),
]);

/** The rule for an op of the default domain, or undefined when not statically inferable. */
export function shapeRule(opType: string, domain = ''): ShapeRule | undefined {
  if (domain !== '' && domain !== 'ai.onnx') return undefined;
  return rules.get(opType);
}

/** Every op type with a static rule. */
export function supportedOps(): string[] {
  return [...rules.keys()].sort();
}
