/**
 * Checks that the contract's sizes agree with the graph it describes: the
 * declared input `x` `[N, t_in, C, H, W]` before shape inference, and after
 * it the forecast `[N, t_out, C, H, W]` and every unit's filter count against
 * its mask, score and gated node. Each mismatch names the key and the tensor.
 */
import { valueInfoShape } from '../onnx/graph';
import type { GraphProto } from '../onnx/proto';
import { ContractError, type DynaPrunerContract } from './contract';

/** Input tensor of the contract graph. */
const INPUT = 'x';
/** Forecast tensor of the contract graph. */
const PREDICTION = 'prediction';

function showDims(dims: (number | string | undefined)[]): string {
  return `[${dims.map((d) => (typeof d === 'number' && d > 0 ? String(d) : typeof d === 'string' && d ? d : '?')).join(', ')}]`;
}

function fixed(d: number | string | undefined): d is number {
  return typeof d === 'number' && d > 0;
}

/** What the contract says one window tensor is: [N, steps, C, H, W]. */
function expectedWindow(c: DynaPrunerContract, steps: number): string {
  return `[N, ${steps}, ${c.channels.length}, ${c.grid[0]}, ${c.grid[1]}]`;
}

/** Compares a window tensor's (declared or inferred) dims with the contract, naming the key that disagrees. */
function compareWindow(c: DynaPrunerContract, stepsKey: 't_in' | 't_out', tensor: string, dims: (number | string | undefined)[], file: string): void {
  const steps = c[stepsKey];
  if (dims.length !== 5) {
    throw new ContractError(file, `the graph's ${tensor} is ${showDims(dims)} (rank ${dims.length}), the contract describes ${expectedWindow(c, steps)}`);
  }
  const at = `but the graph's ${tensor} is ${showDims(dims)}`;
  if (fixed(dims[1]) && dims[1] !== steps) throw new ContractError(file, `key '${stepsKey}' is ${steps}, ${at}`);
  if (fixed(dims[2]) && dims[2] !== c.channels.length) throw new ContractError(file, `key 'channels' names ${c.channels.length} channels, ${at}`);
  if ((fixed(dims[3]) && dims[3] !== c.grid[0]) || (fixed(dims[4]) && dims[4] !== c.grid[1])) {
    throw new ContractError(file, `key 'grid' is [${c.grid.join(', ')}], ${at}`);
  }
}

/** Checks the graph's declared input `x` against t_in, channels and grid (before shape inference, which would blame the input shape). */
export function checkContractInput(c: DynaPrunerContract, graph: GraphProto, file: string): void {
  const inits = new Set((graph.initializer ?? []).map((t) => t.name));
  const inputs = (graph.input ?? []).filter((i) => !inits.has(i.name));
  const x = inputs.find((i) => i.name === INPUT);
  if (!x) throw new ContractError(file, `the graph has no input '${INPUT}' (inputs: ${inputs.map((i) => i.name).join(', ') || 'none'}); the contract needs x ${expectedWindow(c, c.t_in)}`);
  const dims = valueInfoShape(x);
  if (dims) compareWindow(c, 't_in', 'input x', dims, file);
}

/** Filter count of a unit's gated node: dim 0 of its weight initializer (Conv / ConvTranspose weight layout aside). */
function weightFilters(graph: GraphProto, node: string): { dims: number[]; op: string } | null {
  const n = (graph.node ?? []).find((m) => m.name === node);
  const w = n?.input?.[1];
  const init = (graph.initializer ?? []).find((t) => t.name === w);
  if (!n || !init || n.op_type !== 'Conv') return null;
  return { dims: (init.dims ?? []).map(Number), op: n.op_type };
}

/** Checks inferred shapes (batch 1) against the contract: the forecast and every unit's K. */
export function checkContractShapes(c: DynaPrunerContract, shapes: Map<string, number[]>, graph: GraphProto, file: string): void {
  const prediction = shapes.get(PREDICTION);
  if (prediction) compareWindow(c, 't_out', 'output prediction', prediction, file);
  c.units.forEach((u, i) => {
    for (const [role, tensor] of [['mask', u.mask], ['score', u.score]] as const) {
      const s = shapes.get(tensor);
      if (s && s[s.length - 1] !== u.channels) {
        throw new ContractError(file, `key 'units[${i}].channels' is ${u.channels}, but the unit's ${role} tensor '${tensor}' is [${s.join(', ')}]`);
      }
    }
    const w = weightFilters(graph, u.node);
    if (w && w.dims[0] !== u.channels) {
      throw new ContractError(file, `key 'units[${i}].channels' is ${u.channels}, but node '${u.node}' (${w.op}) has ${w.dims[0]} output filters (weight [${w.dims.join(', ')}])`);
    }
  });
}
