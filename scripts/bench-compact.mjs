// Benchmark: does static pruning become latency on a dense runtime? For each
// bundled checkpoint given (default simvp_dynapruner, tau_dynapruner) builds the
// profiler's variants `dense` (the clean dense graph: masks one and folded
// away, src/core/graph/cleanDense.ts; the baseline of every ratio), `l1`
// (static L1 gates injected as constant masks: every filter still computed)
// and `l1c` (the same gates with the pruned filters physically removed,
// src/core/graph/compact.ts, and the all-ones data mask folded, as the
// profiler builds it: units gated by a depthwise conv rounded up to multiples
// of 8 filters with zeroed filters) plus `l1c-a1` (no rounding: exactly the
// kept filters), `l1c-a8` (every unit rounded to 8) and `densemode` (dense
// mode as the profiler built it before: constant all-ones masks kept, with
// every Mul by them; same MACs as `dense`) and times
// them with onnxruntime-node on this machine's CPU: batch 1, one intra-op and
// one inter-op thread, sequential execution, default graph optimisations,
// warm-up, then N iterations interleaved (each iteration runs the three
// variants in a rotating order), median / p10 / p90 per variant, and the median
// process CPU time of a run (user + system while it is in flight: the inference
// thread's time with one intra-op thread, readable on a loaded machine). Also prints
// the MACs per sample the engine reports for each variant and the file sizes.
//   npm run bench:compact [-- --iterations 200 --warmup 20 simvp_dynapruner tau_dynapruner]
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';

const root = path.resolve(import.meta.dirname, '..');
process.env.DYNAPRUNER_ROOT ??= root;
const { buildCheckpointVariants, engineReference } = await import('../src/core/remote/profile/variants.ts');
const { compactStaticGates, compactedLayerMacs } = await import('../src/core/graph/compact.ts');
const { sampleMacs } = await import('../src/core/experiments/analyze.ts');
const { filterL1Norms, l1Gate } = await import('../src/core/experiments/maskOps.ts');
const { encodeModelProto } = await import('../src/core/onnx/proto.ts');
const { allOnesMasks, materializeConstantMasks } = await import('../src/core/graph/constantMasks.ts');
const { foldOnesMuls } = await import('../src/core/graph/foldOnes.ts');

/** Evaluates a model once with onnxruntime (the folding of constant masks needs their values). */
async function evaluate(model, feeds, outputs) {
  const session = await ort.InferenceSession.create(model);
  const out = await session.run(Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, new ort.Tensor('float32', t.data, t.dims)])), outputs);
  await session.release();
  return Object.fromEntries(outputs.map((n) => [n, { data: new Float32Array(out[n].data), dims: [...out[n].dims] }]));
}
const { parseNpy } = await import('../src/core/samples/npy.ts');

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(args[i + 1]);
  args.splice(i, 2);
  return v;
};
const iterations = opt('--iterations', 200);
const warmup = opt('--warmup', 20);
const names = args.length ? args : ['simvp_dynapruner', 'tau_dynapruner'];
const kinds = ['dense', 'l1', 'l1c'];
const samplesFile = path.join(root, 'demo', 'checkpoints', 'storm_test.inputs.npy');
const samplesNpy = new Uint8Array(await readFile(samplesFile));

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))];

console.log(`onnxruntime-node ${ort.env.versions?.common ?? ''} on ${os.cpus()[0]?.model ?? 'cpu'} (${os.cpus().length} logical CPUs, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})`);
console.log(`batch 1, intraOpNumThreads 1, interOpNumThreads 1, sequential; warm-up ${warmup}, ${iterations} iterations interleaved (rotating order)\n`);
for (const name of names) {
  const file = path.join(root, 'demo', 'checkpoints', `${name}.onnx`);
  const built = await buildCheckpointVariants(file, { kinds });
  const ref = await engineReference(built.checkpoint, built.variants, samplesNpy, 1);
  const ck = built.checkpoint;
  const dims = [1, ck.spec.tIn, ck.spec.channels.length, ck.spec.grid[0], ck.spec.grid[1]];
  const per = dims.reduce((a, b) => a * b, 1);
  const x = new ort.Tensor('float32', parseNpy(samplesNpy, 'samples').data.slice(0, per), dims);
  // l1c-a1: exactly the kept filters (align 1); its MACs by the same relation the test checks against inspect.
  const s = ck.contract.targets.s_w;
  const rows = ck.gateTensors.map((g) => l1Gate(filterL1Norms(ck, g.unit), s));
  const extra = new Map();
  for (const [id, align] of [['l1c-a1', 1], ['l1c-a8', 8]]) {
    const c = compactStaticGates(ck, new Map(ck.gateTensors.map((g, i) => [g.unit, rows[i]])), { align });
    const folded = (await foldOnesMuls(ck, c.model, allOnesMasks(ck).map((m) => m.tensor), evaluate)).model;
    extra.set(id, { bytes: encodeModelProto(folded), macs: compactedLayerMacs(ck, c.report, sampleMacs(ck, null, rows).perLayer).reduce((a, b) => a + b, 0) });
  }
  extra.set('densemode', { bytes: materializeConstantMasks(ck.model.proto, allOnesMasks(ck), 'dense'), macs: ref.macs.get('dense').mean });
  const all = [...built.variants, ...[...extra].map(([id, e]) => ({ id, bytes: e.bytes }))];
  const macsOf = (id) => extra.get(id)?.macs ?? ref.macs.get(id).mean;
  const sessions = [];
  for (const v of all) {
    const s = await ort.InferenceSession.create(v.bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });
    sessions.push({ v, s, times: [], cpu: [] });
  }
  for (let i = 0; i < warmup; i++) for (const e of sessions) await e.s.run({ x });
  for (let i = 0; i < iterations; i++) {
    for (let j = 0; j < sessions.length; j++) {
      const e = sessions[(i + j) % sessions.length];
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      await e.s.run({ x });
      e.times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      const used = process.cpuUsage(c0);
      e.cpu.push((used.user + used.system) / 1e3);
    }
  }
  const med = (e) => quantile([...e.times].sort((a, b) => a - b), 0.5);
  const denseMed = med(sessions[0]);
  const denseMacs = macsOf('dense');
  console.log(`${name} (s_w ${ck.contract.targets.s_w})`);
  const cpuMed = (e) => quantile([...e.cpu].sort((a, b) => a - b), 0.5);
  console.log('variant    median ms  p10 ms  p90 ms  latency x  CPU ms  CPU x  GMACs/sample  MACs x  file KiB   (x: relative to dense, the clean dense graph)');
  for (const e of sessions) {
    const sorted = [...e.times].sort((a, b) => a - b);
    const m = macsOf(e.v.id);
    console.log(
      `${e.v.id.padEnd(9)}  ${med(e).toFixed(3).padStart(9)}  ${quantile(sorted, 0.1).toFixed(3).padStart(6)}  ${quantile(sorted, 0.9).toFixed(3).padStart(6)}  ${(med(e) / denseMed).toFixed(2).padStart(9)}  ${cpuMed(e).toFixed(3).padStart(6)}  ${(cpuMed(e) / cpuMed(sessions[0])).toFixed(2).padStart(5)}  ${(m / 1e9).toFixed(4).padStart(12)}  ${(m / denseMacs).toFixed(2).padStart(6)}  ${(e.v.bytes.length / 1024).toFixed(0).padStart(8)}`,
    );
  }
  console.log('');
  for (const e of sessions) await e.s.release();
}
