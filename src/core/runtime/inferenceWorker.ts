/**
 * Worker thread that owns onnxruntime-node sessions (created once per key and
 * reused) so inference never blocks the extension host or the CLI's event
 * loop. Bundled as dist/inferenceWorker.js; spoken to by InferencePool.
 */
import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import type { FromWorker, ToWorker, WireTensor } from './workerProtocol';

const sessions = new Map<string, ort.InferenceSession>();
const port = parentPort;
if (!port) throw new Error('inferenceWorker must run in a worker thread');

function reply(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

async function handle(msg: ToWorker): Promise<void> {
  if (msg.type === 'load') {
    const old = sessions.get(msg.key);
    if (old) await old.release();
    const session = await ort.InferenceSession.create(msg.model, {
      intraOpNumThreads: msg.intraOpThreads,
      interOpNumThreads: 1,
      graphOptimizationLevel: msg.optimization ?? 'all',
      executionMode: 'sequential',
    });
    sessions.set(msg.key, session);
    reply({ type: 'loaded', id: msg.id, inputs: [...session.inputNames], outputs: [...session.outputNames] });
    return;
  }
  const session = sessions.get(msg.key);
  if (!session) throw new Error(`no session '${msg.key}' loaded in this worker`);
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(msg.feeds)) feeds[name] = new ort.Tensor('float32', t.data, t.dims);
  const result = await session.run(feeds, msg.outputs);
  const outputs: Record<string, WireTensor> = {};
  const transfer: ArrayBuffer[] = [];
  for (const name of msg.outputs) {
    const t = result[name];
    const src = t.data as Float32Array;
    const data = new Float32Array(src); // own buffer, transferable
    outputs[name] = { data, dims: [...t.dims] };
    transfer.push(data.buffer as ArrayBuffer);
  }
  reply({ type: 'result', id: msg.id, outputs }, transfer);
}

port.on('message', (msg: ToWorker) => {
  handle(msg).catch((error: unknown) => {
    reply({ type: 'error', id: msg.id, message: error instanceof Error ? error.message : String(error) });
  });
});
