/**
 * The engine's worker thread (bundled as dist/engineWorker.js): runs the
 * {@link InProcessEngine} (checkpoint decoding, shape inference, sample
 * loading, analysis, sweeps, reports) off the extension host's thread and
 * answers {@link CoreEngine}'s requests; streams progress and samples back.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { diskGraphCache, type GraphCache } from '../../core/runtime/graphCache';
import type { EngineWorkerData, FromEngineWorker, ToEngineWorker } from './engineProtocol';
import { InProcessEngine } from './inProcessEngine';

const port = parentPort;
if (!port) throw new Error('engineWorker must run in a worker thread');
const send = (m: FromEngineWorker) => port.postMessage(m);
const options = (workerData ?? {}) as EngineWorkerData;
const engine = new InProcessEngine({ info: (text) => send({ type: 'log', text }) }, 1, options.overlapColdPath ?? true, graphCache(options.graphCacheDir));
const running = new Map<number, AbortController>();

/**
 * The derived-graph cache in `dir`, keyed by this bundle's size and mtime (a
 * rebuilt engine derives its graphs again); none when running from sources
 * (tests under tsx), whose changes the file's stamp would not show.
 */
function graphCache(dir: string | null | undefined): GraphCache | null {
  if (!dir || !__filename.endsWith('.js')) return null;
  const s = statSync(__filename);
  return diskGraphCache(dir, `${path.basename(__filename)}-${s.size}-${Math.round(s.mtimeMs)}-${process.version}`);
}

async function handle(m: Exclude<ToEngineWorker, { type: 'cancel' } | { type: 'shutdown' } | { type: 'prepare' }>, signal: AbortSignal): Promise<unknown> {
  const progress = (fraction: number, message: string) => send({ type: 'progress', id: m.id, fraction, message });
  switch (m.type) {
    case 'inspect':
      return engine.inspect(m.file, signal);
    case 'analyze':
      return engine.analyze({ ...m.call, signal, onProgress: progress, onStart: (start) => send({ type: 'start', id: m.id, start }), onSamples: (samples) => send({ type: 'samples', id: m.id, samples }) });
    case 'sweep':
      return engine.sweep({ ...m.call, signal, onProgress: progress, onPartial: (sweep, samples) => send({ type: 'partialSweep', id: m.id, sweep, samples }) });
    case 'latency':
      return engine.latency({ ...m.call, signal, onProgress: progress });
    case 'writeReport':
      return engine.writeReport(m.analysis, m.sweep, m.out);
  }
}

port.on('message', (m: ToEngineWorker) => {
  if (m.type === 'cancel') {
    running.get(m.id)?.abort(new DOMException('cancelled', 'AbortError'));
    return;
  }
  if (m.type === 'prepare') {
    if (m.file) engine.prepare(m.file, m.workers);
    else engine.warm(m.workers);
    return;
  }
  if (m.type === 'shutdown') {
    for (const c of running.values()) c.abort(new DOMException('engine shut down', 'AbortError'));
    void engine.close().finally(() => port.close());
    return;
  }
  const controller = new AbortController();
  running.set(m.id, controller);
  handle(m, controller.signal).then(
    (value) => send({ type: 'done', id: m.id, value }),
    (e: unknown) => {
      const err = e instanceof Error ? e : new Error(String(e));
      send({ type: 'error', id: m.id, name: controller.signal.aborted ? 'AbortError' : err.name, message: err.message, stack: err.stack });
    },
  ).finally(() => running.delete(m.id));
});
