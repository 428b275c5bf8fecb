/** Shape rules: LSTM, GRU, RNN (ONNX layouts 0 and 1). */
import { attrInt, attrString } from '../../onnx/graph';
import type { ShapeRule } from '../types';
import { shapeOf } from '../util';

export const recurrent: ShapeRule = (ctx) => {
  const x = shapeOf(ctx, 0);
  const w = shapeOf(ctx, 1);
  if (!x || x.length !== 3) return undefined;
  const layout = attrInt(ctx.node, 'layout', 0);
  const dirs = attrString(ctx.node, 'direction', 'forward') === 'bidirectional' ? 2 : 1;
  const hidden = attrInt(ctx.node, 'hidden_size') ?? (w ? w[1] / (ctx.node.op_type === 'LSTM' ? 4 : ctx.node.op_type === 'GRU' ? 3 : 1) : undefined);
  if (hidden === undefined) return undefined;
  const [seq, batch] = layout === 0 ? [x[0], x[1]] : [x[1], x[0]];
  const dtype = ctx.inputs[0]?.dtype;
  const y = layout === 0 ? [seq, dirs, batch, hidden] : [batch, seq, dirs, hidden];
  const state = layout === 0 ? [dirs, batch, hidden] : [batch, dirs, hidden];
  const outs = [{ shape: y, dtype }, { shape: state, dtype }];
  if (ctx.node.op_type === 'LSTM') outs.push({ shape: state, dtype });
  return outs;
};
