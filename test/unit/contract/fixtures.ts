/** A contract following the checkpoint-contract spec example, and a tiny graph it binds to. */
import { OnnxBuilder } from '../../helpers/onnxBuilder';

/** The example of the checkpoint contract spec, with its units bound to a real tiny graph. */
export function exampleContract(): Record<string, unknown> {
  return {
    contract: 1, backbone: 'simvp', variant: 'dynapruner', t_in: 4, t_out: 4,
    channels: ['p', 't', 'u', 'v', 'u500', 'v500'], grid: [33, 36],
    normalization: { mean: [0, 0, 0, 0, 0, 0], std: [1, 1, 1, 1, 1, 1] },
    data_threshold: 0.5, targets: { s_d: 0.7, s_w: 0.7 },
    units: [{ id: 0, name: 'enc.1', node: '/enc.1/Conv', channels: 4, tau: 0.47, score: 'dp_gate_score_0', mask: 'dp_gate_mask_0' }],
    layers: [{ node: '/enc.1/Conv', spatial_mask: true, out_unit: 0, in_unit: null }],
    overhead_nodes: ['/gate/Gemm'],
    dataset: { name: 'ncl-storm-1996', train: [0, 40], val: [40, 48], test: [48, 64] },
    training: { seed: 0, epochs: 3 },
    future_key: 'ignored',
  };
}

/** A graph with the nodes and tensors the example contract names. */
export function contractModel(meta: string): OnnxBuilder {
  const b = new OnnxBuilder();
  b.input('x', ['N', 6, 33, 36]).initializer('w', [4, 6, 3, 3]).initializer('gw', [4, 6]);
  b.node('Conv', ['x', 'w'], ['h'], { pads: [1, 1, 1, 1] }, '/enc.1/Conv');
  b.node('GlobalAveragePool', ['x'], ['pooled'], {}, '/gate/Pool');
  b.node('Flatten', ['pooled'], ['flat'], {}, '/gate/Flatten');
  b.node('Gemm', ['flat', 'gw'], ['logits'], { transB: 1 }, '/gate/Gemm');
  b.node('Sigmoid', ['logits'], ['dp_gate_score_0'], {}, '/gate/Sigmoid');
  b.node('Round', ['dp_gate_score_0'], ['dp_gate_mask_0'], {}, '/gate/Round');
  b.output('h').output('dp_gate_mask_0');
  b.meta('dynapruner', meta);
  return b;
}

