/** Reading the contract from a model's metadata and checking it against the graph. */
import type { LoadedModel } from '../onnx/reader';
import type { GraphProto } from '../onnx/proto';
import { CONTRACT_METADATA_KEY, ContractError, parseContract, type DynaPrunerContract } from './contract';

/** The model's contract (metadata key `dynapruner`), or null when it carries none. Throws ContractError when invalid. */
export function readContract(model: LoadedModel): DynaPrunerContract | null {
  const entry = (model.proto.metadata_props ?? []).find((p) => p.key === CONTRACT_METADATA_KEY);
  if (!entry) return null;
  const contract = parseContract(entry.value ?? '', model.file);
  validateContractAgainstGraph(contract, model.proto.graph ?? {}, model.file);
  return contract;
}

/**
 * Checks that every node and tensor the contract names exists in the graph:
 * unit nodes, layer nodes, overhead nodes, and unit score/mask tensors.
 */
export function validateContractAgainstGraph(contract: DynaPrunerContract, graph: GraphProto, file: string): void {
  const nodes = new Set((graph.node ?? []).map((n) => n.name ?? ''));
  const tensors = new Set<string>();
  for (const n of graph.node ?? []) for (const o of n.output ?? []) tensors.add(o);
  for (const i of graph.input ?? []) tensors.add(i.name ?? '');
  contract.units.forEach((u, i) => {
    if (!nodes.has(u.node)) throw new ContractError(file, `units[${i}].node '${u.node}' is not a node of the graph`);
    if (!tensors.has(u.score)) throw new ContractError(file, `units[${i}].score '${u.score}' is not a tensor of the graph`);
    if (!tensors.has(u.mask)) throw new ContractError(file, `units[${i}].mask '${u.mask}' is not a tensor of the graph`);
  });
  contract.layers.forEach((l, i) => {
    if (!nodes.has(l.node)) throw new ContractError(file, `layers[${i}].node '${l.node}' is not a node of the graph`);
  });
  contract.overhead_nodes.forEach((n, i) => {
    if (!nodes.has(n)) throw new ContractError(file, `overhead_nodes[${i}] '${n}' is not a node of the graph`);
  });
}
