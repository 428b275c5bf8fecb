/** The node backend: the shipped Node runner (dist/remoteRunner.js) with onnxruntime-node on the device. */
import type { MeasureBackend } from './measureBackend';
import { measureWithRunner } from './runnerMeasure';

export const nodeRunnerBackend: MeasureBackend = {
  id: 'node',
  missing: (facts) =>
    facts.runtimes.nodeOrt ? null : 'the node backend needs node and onnxruntime-node on the device: ' + facts.missing.map((m) => `${m.what}: ${m.install}`).join('; '),
  measure: (ctx) => measureWithRunner(ctx, ctx.req.host.device.nodePath),
};
