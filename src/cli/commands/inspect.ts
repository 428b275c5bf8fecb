/** `dynapruner inspect`: structure, shapes, params, dense MACs/FLOPs and prunable units of an ONNX model. */
import { CliError, type CliCommand } from '../command';
import { inspectModel, type InspectReport } from '../../core/inspect/inspect';
import { COUNTING_CONVENTION } from '../../core/counting/convention';
import { InputShapeError } from '../../core/shapes/infer';
import { parseCommandArgs } from '../args/parse';
import { parseInputShapes } from '../args/inputShapes';
import { choice } from '../args/values';
import { humanBytes, humanCount, renderTable, shapeText } from '../format/table';
import { toCsv } from '../format/csv';
import { toJson } from '../format/json';

const INSPECT_FLAGS = {
  json: { type: 'boolean' },
  csv: { type: 'boolean' },
  'all-nodes': { type: 'boolean' },
  'input-shape': { type: 'string', multiple: true, value: 'NAME=D1,D2,...' },
  'conv-transpose': { type: 'string', value: 'input|onnx-tool' },
  'no-fallback': { type: 'boolean' },
  'run-shapes': { type: 'boolean' },
} as const;

const CONV_TRANSPOSE = ['input', 'onnx-tool'] as const;

const help = `Usage: dynapruner inspect <model.onnx> [--json | --csv] [--all-nodes] [--input-shape NAME=D1,D2,...] [--conv-transpose input|onnx-tool] [--run-shapes] [--no-fallback]

Prints the model's header, contract (if it carries Dyna-Pruner metadata), totals
and a per-layer table of shapes, params, MACs and other ops.

Options:
  --json                 one JSON object (model, contract, totals, layers, units, inputs, outputs, shapeSources, convention)
  --csv                  the per-layer table as CSV (every node)
  --all-nodes            readable table: every node, not only those with params, MACs or other ops
  --input-shape N=D,...  concrete shape for input N (repeatable); symbolic dims default to 1
  --conv-transpose MODE  'input' (default, fvcore) or 'onnx-tool' (output-based)
  --run-shapes           run the model once in onnxruntime for shapes static inference cannot resolve
                         (only for models you trust: a model can be built to take all memory when run)
  --no-fallback          never run onnxruntime for shapes
  --debug                stack traces on errors

Counting convention:
${COUNTING_CONVENTION}
`;

/**
 * The readable summary (header, totals, per-layer table, units). The table
 * lists the nodes that hold parameters or do arithmetic unless `allNodes`:
 * shape plumbing (Constant, Shape, Gather, ...) would bury the layers.
 */
export function renderInspect(r: InspectReport, allNodes = false): string {
  const out: string[] = [];
  const m = r.model;
  out.push(`Model      ${m.path} (${humanBytes(m.sizeBytes)})`);
  out.push(`Format     IR ${m.irVersion}, opset ${m.opset}, producer ${m.producer || '?'} ${m.producerVersion}`.trimEnd());
  out.push(`Inputs     ${r.inputs.map((i) => `${i.name} ${shapeText(i.shape)}`).join(', ')}`);
  out.push(`Outputs    ${r.outputs.map((o) => `${o.name} ${shapeText(o.shape)}`).join(', ')}`);
  if (r.contract) {
    const c = r.contract;
    out.push(`Contract   v${c.contract} ${c.backbone}/${c.variant}, t_in ${c.t_in} -> t_out ${c.t_out}, ${c.channels.length} channels, grid ${c.grid.join('x')}, ${c.units.length} units, ${c.layers.length} bound layers, ${c.overhead_nodes.length} overhead nodes`);
  } else {
    out.push('Contract   none (plain ONNX: structure, params and dense counts only)');
  }
  out.push('');
  out.push(`Params     ${humanCount(r.totals.params)} (${r.totals.params})`);
  out.push(`MACs       ${humanCount(r.totals.macs)} (${r.totals.macs})`);
  out.push(`FLOPs      ${humanCount(r.totals.flops)} (2 x MACs)`);
  const other = Object.entries(r.totals.otherOps).sort((a, b) => b[1] - a[1]);
  if (other.length) out.push(`Other ops  ${other.map(([k, v]) => `${k} ${humanCount(v)}`).join(', ')}`);
  const s = r.shapeSources;
  out.push(`Shapes     ${s.static} inferred statically, ${s.graph} declared in the graph, ${s.runtime} from one onnxruntime run${s.unresolved.length ? `, ${s.unresolved.length} unresolved` : ''}`);
  if (s.runtime > 0) out.push(`           (runtime: ${s.runtimeTensors.slice(0, 8).join(', ')}${s.runtime > 8 ? ', ...' : ''}; marked * below)`);
  for (const note of r.notes) out.push(`Note       ${note}`);
  out.push('');
  const overhead = new Set(r.contract?.overhead_nodes ?? []);
  const shown = allNodes ? r.layers : r.layers.filter((l) => l.params > 0 || l.macs > 0 || l.otherOps > 0);
  if (shown.length < r.layers.length) out.push(`Layers     ${shown.length} of ${r.layers.length} nodes (those with params, MACs or other ops; --all-nodes for every node)${overhead.size ? '; + marks mask-generator / gate-head overhead' : ''}`);
  const rows = shown.map((l) => [
    l.name + (overhead.has(l.name) ? ' +' : ''), l.op, l.inputShapes.filter((x) => x.length).map(shapeText).join(' '),
    shapeText(l.outputShape) + (l.shapeSource === 'runtime' ? '*' : ''), String(l.params), String(l.macs), String(l.otherOps),
  ]);
  out.push(renderTable([
    { header: 'layer', maxWidth: 48 }, { header: 'op' }, { header: 'inputs', maxWidth: 40 }, { header: 'output' },
    { header: 'params', align: 'right' }, { header: 'MACs', align: 'right' }, { header: 'other', align: 'right' },
  ], rows));
  if (r.units.length) {
    out.push(`Prunable units (${r.units.length}): ${r.units.map((u) => `${u.name} [${u.channels}]${u.contractUnit !== null ? ` (unit ${u.contractUnit})` : ''}`).join(', ')}`);
  }
  return out.join('\n') + '\n';
}

/** The per-layer table as CSV. */
export function inspectCsv(r: InspectReport): string {
  return toCsv(
    ['name', 'op', 'input_shapes', 'output_shape', 'shape_source', 'params', 'macs', 'flops', 'other_ops'],
    r.layers.map((l) => [l.name, l.op, l.inputShapes.map(shapeText).join(' '), shapeText(l.outputShape), l.shapeSource, l.params, l.macs, 2 * l.macs, l.otherOps]),
  );
}

export const inspectCommand: CliCommand = {
  name: 'inspect',
  summary: 'structure, shapes, params, MACs/FLOPs and prunable units of an ONNX model',
  help,
  async run(args, io, signal) {
    const p = parseCommandArgs('inspect', args, INSPECT_FLAGS);
    const positional = p.positionals;
    if (positional.length !== 1) throw new CliError(`expected one model file, got ${positional.length ? positional.join(' ') : 'none'} (see --help)`, 2);
    if (p.flag('json') && p.flag('csv')) throw new CliError('--json and --csv are exclusive', 2);
    if (p.flag('run-shapes') && p.flag('no-fallback')) throw new CliError('--run-shapes and --no-fallback are exclusive', 2);
    const ct = choice('conv-transpose', p.string('conv-transpose'), CONV_TRANSPOSE, 'input');
    const inputShapes = parseInputShapes(p.strings('input-shape') ?? []);
    let report: InspectReport;
    try {
      report = await inspectModel(positional[0], {
        inputShapes,
        convTranspose: ct,
        fallback: !p.flag('no-fallback'),
        runShapes: p.flag('run-shapes'),
        signal,
      });
    } catch (e) {
      if (e instanceof InputShapeError) throw new CliError(`${positional[0]}: ${e.message}`, 2);
      throw e;
    }
    if (p.flag('json')) io.out(toJson(report));
    else if (p.flag('csv')) io.out(inspectCsv(report));
    else io.out(renderInspect(report, p.flag('all-nodes')));
    return 0;
  },
};
