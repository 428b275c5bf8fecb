/** Builds the Overview panel's view model from the foundation's inspection report. */
import { formatValue } from '../core/figures/format';
import type { InspectReport } from '../core/inspect/inspect';
import type { Fact, OverviewModel } from '../shared/models';

const shape = (s: number[] | null) => (s ? `[${s.map((d) => (d < 0 ? 'N' : d)).join(', ')}]` : '?');

/** Overview view model of a report. */
export function overviewModel(r: InspectReport): OverviewModel {
  const c = r.contract;
  const model: Fact[] = [
    { label: 'IR version', value: String(r.model.irVersion) },
    { label: 'opset', value: String(r.model.opset) },
    { label: 'producer', value: `${r.model.producer} ${r.model.producerVersion}`.trim() || '–' },
    ...r.inputs.map((i) => ({ label: `input ${i.name}`, value: shape(i.shape) })),
    ...r.outputs.map((o) => ({ label: `output ${o.name}`, value: shape(o.shape) })),
    { label: 'shapes', value: `${r.shapeSources.static + r.shapeSources.graph} static, ${r.shapeSources.runtime} from an onnxruntime run, ${r.shapeSources.unresolved.length} unresolved` },
  ];
  const contract: Fact[] = c
    ? [
        { label: 'contract', value: `v${c.contract}` },
        { label: 'backbone', value: c.backbone },
        { label: 'variant', value: c.variant },
        { label: 'frames', value: `${c.t_in} in → ${c.t_out} out` },
        { label: 'channels', value: c.channels.join(', ') },
        { label: 'grid', value: `${c.grid[0]} × ${c.grid[1]}` },
        { label: 'data threshold θd', value: c.data_threshold === null ? '–' : String(c.data_threshold) },
        { label: 'targets', value: `s_d ${c.targets.s_d ?? '–'}, s_w ${c.targets.s_w ?? '–'}` },
        { label: 'units / bound layers', value: `${c.units.length} / ${c.layers.length}` },
        { label: 'overhead nodes', value: String(c.overhead_nodes.length) },
        ...(c.dataset ? [{ label: 'dataset', value: `${c.dataset.name} (train ${c.dataset.train.join('–')}, val ${c.dataset.val.join('–')}, test ${c.dataset.test.join('–')})` }] : []),
      ]
    : [];
  const training: Fact[] = c?.training
    ? Object.entries(c.training).map(([k, v]) => ({ label: k, value: formatValue(v) }))
    : [];
  return {
    path: r.model.path,
    name: r.model.path.split(/[\\/]/).pop() ?? r.model.path,
    sizeBytes: r.model.sizeBytes,
    model,
    contract,
    variant: c?.variant ?? null,
    contractProblem: r.contractError
      ? `Its Dyna-Pruner contract is invalid, so it is shown as a plain ONNX model: ${r.contractError}`
      : c ? null : 'Plain ONNX model: it has no Dyna-Pruner metadata. Its structure, parameters and dense MACs per layer are shown here and in the FLOPs breakdown; analysing masks and gates and robustness sweeps need a checkpoint that follows the Dyna-Pruner contract.',
    totals: { params: r.totals.params, macs: r.totals.macs, flops: r.totals.flops },
    units: c ? c.units.map((u) => ({ id: u.id, name: u.name, node: u.node, channels: u.channels, tau: u.tau })) : r.units.map((u, i) => ({ id: i, name: u.name, node: u.name, channels: u.channels, tau: null })),
    training,
    layers: r.layers.map((l) => ({ name: l.name, op: l.op, outputShape: shape(l.outputShape), params: l.params, macs: l.macs })),
  };
}
