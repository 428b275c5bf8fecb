/**
 * The local side of the "outputs match" check: runs a model with
 * onnxruntime-node (CPU) on the same samples the device ran, so remote
 * outputs can be compared value by value.
 */
import { parseNpy } from '../../samples/npy';

/** Runs `model` on the first `count` samples of a float32 `.npy` and returns one output, stacked. */
export async function localOutputs(model: Uint8Array, samplesNpy: Uint8Array, count: number, output: string): Promise<Float32Array> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ort = require('onnxruntime-node') as typeof import('onnxruntime-node');
  const samples = parseNpy(samplesNpy, 'samples');
  const per = samples.data.length / samples.shape[0];
  const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'] });
  try {
    const input = session.inputNames[0];
    const parts: Float32Array[] = [];
    for (let i = 0; i < Math.min(count, samples.shape[0]); i++) {
      const x = new ort.Tensor('float32', samples.data.slice(i * per, (i + 1) * per), [1, ...samples.shape.slice(1)]);
      const out = await session.run({ [input]: x });
      if (!out[output]) throw new Error(`local reference: the model has no output '${output}'`);
      parts.push(new Float32Array(out[output].data as Float32Array));
    }
    const all = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
    parts.reduce((off, p) => (all.set(p, off), off + p.length), 0);
    return all;
  } finally {
    await session.release();
  }
}

/** Largest absolute difference of two equally long arrays. */
export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`output sizes differ: remote ${a.length} values, local ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
