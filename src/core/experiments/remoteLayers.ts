/**
 * Per-layer shares of a variant profiled on a device (`profile --layers`):
 * the runner's node runs mapped onto the compute layers of the checkpoint's
 * FLOPs breakdown, beside each layer's share of the variant graph's MACs
 * (dense count of the graph that ran).
 */
import type { Checkpoint } from '../checkpoint/checkpoint';
import { decodeModel } from '../onnx/reader';
import type { ProfiledRun } from '../runtime/ortTrace';
import type { VariantLayerLatency } from '../schema/layerLatency';
import { countBuilt, runTimes, variantRows } from './layerLatency';
import { TraceLayerMap } from './traceLayers';

/** Rows of one device-profiled variant; `bytes` is the ONNX model that ran. */
export function deviceLayerShares(ck: Checkpoint, label: string, bytes: Uint8Array, runs: ProfiledRun[]): Pick<VariantLayerLatency, 'layers' | 'otherOps' | 'nodeTimeUs'> {
  const model = decodeModel(label, bytes);
  const counts = countBuilt(ck, model, bytes);
  const macs = new Map(counts.layers.filter((l) => l.macs > 0).map((l) => [l.name, l.macs]));
  const compute = new Set([...ck.counts.layers.filter((l) => l.macs > 0).map((l) => l.name), ...macs.keys()]);
  const map = new TraceLayerMap(model.graph ?? {}, compute);
  const ops = new Map([...ck.counts.layers, ...counts.layers].map((l) => [l.name, l.op]));
  return variantRows(ck.counts.layers.filter((l) => l.macs > 0), { macs: [macs] }, runs.map((r) => runTimes(r, map)), ops);
}
