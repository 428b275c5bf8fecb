/** The ort backend: the shipped Python runner (ort_runner.py) with Python onnxruntime on the device. */
import type { MeasureBackend } from './measureBackend';
import { measureWithRunner } from './runnerMeasure';

export const ortRunnerBackend: MeasureBackend = {
  id: 'ort',
  missing: (facts) => (facts.runtimes.pythonOrt ? null : 'the ort backend needs Python onnxruntime on the device: ' + facts.missing.find((m) => m.what.startsWith('Python'))?.install),
  measure: (ctx) => measureWithRunner(ctx, ctx.req.host.device.pythonPath),
};
