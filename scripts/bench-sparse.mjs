// Benchmark: does the channel-gathering `sparse` export turn Dyna-Pruner's
// gates into time on a dense runtime? For each bundled checkpoint given
// (default simvp_dynapruner, tau_dynapruner, convlstm_dynapruner) builds, as
// `dynapruner export` does: `dense` (the clean dense graph: the baseline of
// every ratio), `ckpt` (the checkpoint as exported, masks computed per input,
// every filter and position still computed), `l1c` (static L1 at the contract's
// s_w, pruned filters removed) and `sparse` (the checkpoint's own gates, each
// gated conv computing only its active filters; the data mask is still a
// multiply), and times them with onnxruntime-node on this machine's CPU:
// batch 1, one intra-op and one inter-op thread, sequential, default graph
// optimisations, warm-up, then N iterations; iteration i runs storm test
// window i mod 9 through every variant in a rotating order (paired,
// interleaved). Per variant: median / p10 / p90 ms, the median of the paired
// per-iteration ratios to dense, the median process CPU time of a run and its
// paired ratio (user + system time while the run is in flight: with one
// intra-op thread that is the inference thread's time, which does not grow
// when other jobs deschedule it, so it stays readable on a loaded machine), the MACs it executes relative to dense
// (counting spec: sparse counts K_active and, where its input is compact,
// C_in_active per gated conv, full positions; ckpt and dense count every
// filter; overhead included) and the physical limit 1 / (MAC ratio).
//   npm run bench:sparse [-- --iterations 300 --warmup 30 simvp_dynapruner]
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';

const root = path.resolve(import.meta.dirname, '..');
process.env.DYNAPRUNER_ROOT ??= root;
const { openCheckpoint, PREDICTION } = await import('../src/core/checkpoint/checkpoint.ts');
const { cleanDense } = await import('../src/core/graph/cleanDense.ts');
const { gatherGatedChannels } = await import('../src/core/graph/channelGather.ts');
const { keepOutputs } = await import('../src/core/graph/surgery.ts');
const { buildL1cVariant, L1C_OPTIONS, l1cSparsity } = await import('../src/core/export/l1cVariant.ts');
const { sparseExecutedMacs } = await import('../src/core/export/sparseVariant.ts');
const { compactStaticGates, compactedLayerMacs } = await import('../src/core/graph/compact.ts');
const { sampleMacs } = await import('../src/core/experiments/analyze.ts');
const { filterL1Norms, l1Gate } = await import('../src/core/experiments/maskOps.ts');
const { encodeModelProto } = await import('../src/core/onnx/proto.ts');
const { parseNpy } = await import('../src/core/samples/npy.ts');

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(args[i + 1]);
  args.splice(i, 2);
  return v;
};
const iterations = opt('--iterations', 270);
const warmup = opt('--warmup', 27);
const names = args.length ? args : ['simvp_dynapruner', 'tau_dynapruner', 'convlstm_dynapruner'];
const npy = parseNpy(new Uint8Array(await readFile(path.join(root, 'demo', 'checkpoints', 'storm_test.inputs.npy'))), 'inputs');
const windows = npy.shape[0];
const per = npy.data.length / windows;
const sessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' };
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))];
const sorted = (xs) => [...xs].sort((a, b) => a - b);

/** Evaluates a model once (the folding of constant masks needs their values). */
async function evaluate(model, feeds, outputs) {
  const session = await ort.InferenceSession.create(model);
  const out = await session.run(Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, new ort.Tensor('float32', t.data, t.dims)])), outputs);
  await session.release();
  return Object.fromEntries(outputs.map((n) => [n, { data: new Float32Array(out[n].data), dims: [...out[n].dims] }]));
}

console.log(`onnxruntime-node ${ort.env.versions?.common ?? ''} on ${os.cpus()[0]?.model ?? 'cpu'} (${os.cpus().length} logical CPUs, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})`);
console.log(`batch 1, intraOpNumThreads 1, interOpNumThreads 1, sequential; warm-up ${warmup}, ${iterations} iterations over the ${windows} storm test windows, paired and interleaved (rotating order)\n`);
for (const name of names) {
  const ck = await openCheckpoint(path.join(root, 'demo', 'checkpoints', `${name}.onnx`));
  const own = await (async () => {
    const s = await ort.InferenceSession.create(ck.variants.full, sessionOptions);
    const out = [];
    for (let k = 0; k < windows; k++) {
      const r = await s.run({ x: new ort.Tensor('float32', npy.data.slice(k * per, (k + 1) * per), [1, ...npy.shape.slice(1)]) });
      out.push({ dataMask: ck.hasDataMask ? r.dp_data_mask.data : null, gates: ck.gateTensors.map((g) => r[g.mask].data) });
    }
    await s.release();
    return out;
  })();
  const denseAll = sampleMacs(ck, null, ck.gateTensors.map(() => null));
  const denseMacs = denseAll.total - denseAll.overhead;
  const sparse = gatherGatedChannels(ck);
  const s = l1cSparsity(ck);
  const rows = ck.gateTensors.map((g) => l1Gate(filterL1Norms(ck, g.unit), s));
  const l1cReport = compactStaticGates(ck, new Map(ck.gateTensors.map((g, i) => [g.unit, rows[i]])), L1C_OPTIONS).report;
  const l1cMacs = compactedLayerMacs(ck, l1cReport, sampleMacs(ck, null, rows).perLayer).reduce((a, b) => a + b, 0);
  const variants = [
    { id: 'dense', bytes: encodeModelProto((await cleanDense(ck, evaluate)).model), macs: () => denseMacs },
    { id: 'ckpt', bytes: encodeModelProto(keepOutputs(ck.model.proto, [PREDICTION])), macs: () => denseAll.total },
    { id: 'l1c', bytes: encodeModelProto((await buildL1cVariant(ck, evaluate)).model), macs: () => l1cMacs },
    { id: 'sparse', bytes: encodeModelProto(sparse.model), macs: (k) => sparseExecutedMacs(ck, sparse.report, own[k].gates) },
  ];
  const maskAware = own.reduce((a, o) => a + sampleMacs(ck, o.dataMask, o.gates).total, 0) / windows;
  for (const v of variants) {
    v.session = await ort.InferenceSession.create(v.bytes, sessionOptions);
    v.times = [];
    v.ratios = [];
    v.cpu = [];
    v.cpuRatios = [];
  }
  const input = (k) => new ort.Tensor('float32', npy.data.slice(k * per, (k + 1) * per), [1, ...npy.shape.slice(1)]);
  for (let i = 0; i < warmup; i++) for (const v of variants) await v.session.run({ x: input(i % windows) });
  for (let i = 0; i < iterations; i++) {
    const x = input(i % windows);
    const t = new Map();
    const c = new Map();
    for (let j = 0; j < variants.length; j++) {
      const v = variants[(i + j) % variants.length];
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      await v.session.run({ x });
      t.set(v.id, Number(process.hrtime.bigint() - t0) / 1e6);
      const used = process.cpuUsage(c0);
      c.set(v.id, (used.user + used.system) / 1e3);
    }
    for (const v of variants) {
      v.times.push(t.get(v.id));
      v.ratios.push(t.get(v.id) / t.get('dense'));
      v.cpu.push(c.get(v.id));
      v.cpuRatios.push(c.get(v.id) / c.get('dense'));
    }
  }
  const macsOf = (v) => Array.from({ length: windows }, (_, k) => v.macs(k)).reduce((a, b) => a + b, 0) / windows;
  console.log(`${name} (gated convs gathered by sparse: ${sparse.report.gathered.length}, left dense: ${sparse.report.dense.length}; the checkpoint's mask-aware MACs: ${(maskAware / denseMacs).toFixed(2)}x dense)`);
  console.log('variant  median ms  p10 ms  p90 ms  latency x (paired median)  CPU ms  CPU x (paired median)  executed GMACs  MACs x  limit 1/MACs x');
  for (const v of variants) {
    const ts = sorted(v.times);
    const m = macsOf(v);
    console.log(`${v.id.padEnd(7)}  ${quantile(ts, 0.5).toFixed(3).padStart(9)}  ${quantile(ts, 0.1).toFixed(3).padStart(6)}  ${quantile(ts, 0.9).toFixed(3).padStart(6)}  ${quantile(sorted(v.ratios), 0.5).toFixed(2).padStart(25)}  ${quantile(sorted(v.cpu), 0.5).toFixed(3).padStart(6)}  ${quantile(sorted(v.cpuRatios), 0.5).toFixed(2).padStart(21)}  ${(m / 1e9).toFixed(4).padStart(14)}  ${(m / denseMacs).toFixed(2).padStart(6)}  ${(denseMacs / m).toFixed(2).padStart(14)}`);
  }
  console.log('');
  for (const v of variants) await v.session.release();
}
