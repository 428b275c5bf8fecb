// Benchmark: does the `sparse` export turn Dyna-Pruner's gates into time on
// a dense runtime? Per checkpoint (the bundled SimVP, TAU and ConvLSTM at
// 33x36, and the paper-scale benchmark models of .cache/bench-models/ or
// --models) builds, as `dynapruner export` does:
//   dense        the clean dense graph (every mask one, folded away): the baseline of every ratio
//   ckpt         the checkpoint as exported (masks computed per input, every filter and position computed)
//   l1c          static L1 at the contract's s_w, pruned filters removed
//   sparse-plan  the checkpoint's own gates, per unit the form calibrated at this thread count
//                (src/core/export/calibrate.ts: gathered, or dense conv + Mul by the gate)
//   sparse-all   every gatherable unit channel-gathered (`--calibrate none`)
//   sparse-topk  the sparse-plan graph with the TopK index (`--index topk`, static shapes):
//                k per unit = its largest active count over the bench samples, rounded up
//                to the vector width (--vector-width, default 8); executes k filters per gathered unit, whatever
//                the sample's count (MACs counted at k)
//   sparse-all-topk  sparse-all with the TopK index (the plan may keep every unit dense,
//                then sparse-topk has no index to compare: this is TopK against NonZero)
// and times them with onnxruntime-node on this machine's CPU: batch 1, at 1
// intra-op thread and at each further --threads count, sequential, default
// graph optimisations, warm-up, then N iterations; iteration i runs sample
// i mod S through every variant in a rotating order (paired, interleaved).
// Per variant: median / p10 / p90 ms, the median of the paired per-iteration
// ratios to dense, the median process CPU time and its paired ratio (at 1
// thread the inference thread's time, readable on a loaded machine), the MACs
// it executes relative to dense (counting spec: sparse counts K_active and,
// where its input is compact, C_in_active per gated conv, full positions;
// overhead included) and the physical limit 1 / (MAC ratio). Then, at 1
// thread, the latency model's mean per-sample prediction error per variant
// (src/core/experiments/layerLatency.ts; --no-model skips it).
// Bundled checkpoints named on the command line replace the default three;
// --models FILE[,FILE] times those files (each with FILE's .inputs.npy beside
// it) instead of the default paper-scale ones, and alone skips the bundled ones.
//   npm run bench:sparse [-- --iterations 270 --threads 1,2 --vector-width 8 --models a.onnx,b.onnx simvp_dynapruner]
import { existsSync } from 'node:fs';
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
const { calibrateSparsePlan } = await import('../src/core/export/calibrate.ts');
const { localPlanTimer } = await import('../src/core/export/planTimers.ts');
const { denseUnitsOf } = await import('../src/core/export/sparsePlan.ts');
const { calibrateTopk, DEFAULT_VECTOR_WIDTH } = await import('../src/core/export/topkCalibration.ts');
const { compactStaticGates, compactedLayerMacs } = await import('../src/core/graph/compact.ts');
const { sampleMacs } = await import('../src/core/experiments/analyze.ts');
const { filterL1Norms, l1Gate } = await import('../src/core/experiments/maskOps.ts');
const { encodeModelProto } = await import('../src/core/onnx/proto.ts');
const { parseNpy } = await import('../src/core/samples/npy.ts');
const { benchLatencyModel } = await import('./bench-sparse-model.ts');

const args = process.argv.slice(2);
const take = (name, fallback) => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const flag = (name) => {
  const i = args.indexOf(name);
  if (i >= 0) args.splice(i, 1);
  return i >= 0;
};
const iterations = Number(take('--iterations', 270));
const warmup = Number(take('--warmup', 27));
const paperIterations = Number(take('--paper-iterations', 40));
const threadCounts = String(take('--threads', '1,2')).split(',').map(Number);
const calibrateRounds = Number(take('--calibrate-rounds', 5));
const noModel = flag('--no-model');
const vectorWidth = Number(take('--vector-width', DEFAULT_VECTOR_WIDTH));
const PAPER_DIR = path.join(root, '.cache', 'bench-models');
const PAPER_MODELS = ['simvp_paper_128x128.onnx', 'simvp_paper_32x64.onnx'];
const PAPER_SCRIPT = 'trainer/scripts/bench_models.sh (python -m dynapruner_trainer.bench_models --out .cache/bench-models)';
const extra = take('--models', null);
const names = args.length || extra ? args : ['simvp_dynapruner', 'tau_dynapruner', 'convlstm_dynapruner'];
const bundledInputs = path.join(root, 'demo', 'checkpoints', 'storm_test.inputs.npy');
const models = names.map((n) => ({ file: path.join(root, 'demo', 'checkpoints', `${n}.onnx`), inputs: bundledInputs, iterations }));
for (const file of extra ? extra.split(',') : args.length ? [] : PAPER_MODELS.map((m) => path.join(PAPER_DIR, m))) {
  const inputs = file.replace(/\.onnx$/, '') + '.inputs.npy';
  if (!existsSync(file) || !existsSync(inputs)) console.log(`${path.relative(root, file)}: missing${existsSync(file) ? ` its inputs ${path.basename(inputs)}` : ''}, run ${PAPER_SCRIPT}`);
  else models.push({ file, inputs, iterations: paperIterations });
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))];
const sorted = (xs) => [...xs].sort((a, b) => a - b);
const sessionOptions = (threads) => ({ intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });

/** Evaluates a model once (the folding of constant masks and the keep rates need values). */
async function evaluate(model, feeds, outputs) {
  const session = await ort.InferenceSession.create(model);
  const out = await session.run(Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, new ort.Tensor('float32', t.data, t.dims)])), outputs);
  await session.release();
  return Object.fromEntries(outputs.map((n) => [n, { data: new Float32Array(out[n].data), dims: [...out[n].dims] }]));
}

/** The samples of a model as batch-1 feeds. */
async function feedsOf(file) {
  const npy = parseNpy(new Uint8Array(await readFile(file)), file);
  const per = npy.data.length / npy.shape[0];
  return Array.from({ length: npy.shape[0] }, (_, k) => ({ x: { data: npy.data.slice(k * per, (k + 1) * per), dims: [1, ...npy.shape.slice(1)] } }));
}

/** Each sample's gates from the checkpoint itself. */
async function ownGates(ck, feeds) {
  const s = await ort.InferenceSession.create(ck.variants.full, sessionOptions(1));
  const out = [];
  for (const f of feeds) {
    const r = await s.run({ x: new ort.Tensor('float32', f.x.data, f.x.dims) });
    out.push({ dataMask: ck.hasDataMask ? r.dp_data_mask.data : null, gates: ck.gateTensors.map((g) => r[g.mask].data) });
  }
  await s.release();
  return out;
}

/** Paired, interleaved timing of `variants` (dense first) at `threads`. */
async function timeVariants(variants, feeds, threads, n) {
  for (const v of variants) {
    v.session = await ort.InferenceSession.create(v.bytes, sessionOptions(threads));
    Object.assign(v, { times: [], ratios: [], cpu: [], cpuRatios: [] });
  }
  const input = (k) => new ort.Tensor('float32', feeds[k % feeds.length].x.data, feeds[k % feeds.length].x.dims);
  for (let i = 0; i < Math.min(warmup, n); i++) for (const v of variants) await v.session.run({ x: input(i) });
  for (let i = 0; i < n; i++) {
    const x = input(i);
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
  for (const v of variants) await v.session.release();
}

/** Gates as the TopK graph executes them: k ones for each unit it gathers, the sample's own gate elsewhere. */
function atK(ck, report, gates) {
  return ck.gateTensors.map((g, i) => (report.k?.[g.unit] === undefined ? gates[i] : Float32Array.from({ length: g.channels }, (_, c) => (c < report.k[g.unit] ? 1 : 0))));
}

/** The table of one model at one thread count. */
function printTable(variants, feeds, denseMacs) {
  const macsOf = (v) => feeds.reduce((a, _, k) => a + v.macs(k), 0) / feeds.length;
  console.log('variant          median ms  p10 ms  p90 ms  latency x (paired median)  CPU ms  CPU x (paired median)  executed GMACs  MACs x  limit 1/MACs x');
  for (const v of variants) {
    const ts = sorted(v.times);
    const m = macsOf(v);
    console.log(`${v.id.padEnd(15)}  ${quantile(ts, 0.5).toFixed(3).padStart(9)}  ${quantile(ts, 0.1).toFixed(3).padStart(6)}  ${quantile(ts, 0.9).toFixed(3).padStart(6)}  ${quantile(sorted(v.ratios), 0.5).toFixed(2).padStart(25)}  ${quantile(sorted(v.cpu), 0.5).toFixed(3).padStart(6)}  ${quantile(sorted(v.cpuRatios), 0.5).toFixed(2).padStart(21)}  ${(m / 1e9).toFixed(4).padStart(14)}  ${(m / denseMacs).toFixed(2).padStart(6)}  ${(denseMacs / m).toFixed(2).padStart(14)}`);
  }
  const plan = variants.find((v) => v.id === 'sparse-plan');
  const r = quantile(sorted(plan.ratios), 0.5);
  const topk = variants.find((v) => v.id === 'sparse-topk');
  const pairedOver = (a, b) => `${quantile(sorted(a.ratios.map((x, i) => x / b.ratios[i])), 0.5).toFixed(2)}x (CPU ${quantile(sorted(a.cpuRatios.map((x, i) => x / b.cpuRatios[i])), 0.5).toFixed(2)}x)`;
  const allV = variants.find((v) => v.id === 'sparse-all');
  const allTopkV = variants.find((v) => v.id === 'sparse-all-topk');
  const same = topk.gathersNone ? ' (the plan gathers no unit: the same graph twice, a noise check)' : '';
  console.log(`TopK against NonZero (paired medians): sparse-topk / sparse-plan ${pairedOver(topk, plan)}${same}, sparse-all-topk / sparse-all ${pairedOver(allTopkV, allV)}`);
  console.log(r <= 1 ? `sparse-plan is faster than clean dense here: ${r.toFixed(2)}x` : `sparse-plan is SLOWER than clean dense here: ${r.toFixed(2)}x its time (target <= 1.0 not met)`);
}

console.log(`onnxruntime-node ${ort.env.versions?.common ?? ''} on ${os.cpus()[0]?.model ?? 'cpu'} (${os.cpus().length} logical CPUs, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})`);
console.log(`batch 1, intraOpNumThreads ${threadCounts.join(' and ')}, interOpNumThreads 1, sequential; warm-up ${warmup}, ${iterations} iterations (${paperIterations} for the paper-scale models), paired and interleaved (rotating order)\n`);
for (const m of models) {
  const ck = await openCheckpoint(m.file);
  const feeds = await feedsOf(m.inputs);
  const own = await ownGates(ck, feeds);
  const denseAll = sampleMacs(ck, null, ck.gateTensors.map(() => null));
  const denseMacs = denseAll.total - denseAll.overhead;
  const all = gatherGatedChannels(ck);
  const ks = await calibrateTopk(ck, feeds, evaluate, vectorWidth);
  const allTopk = gatherGatedChannels(ck, { index: { kind: 'topk', k: new Map(ks.map((u) => [u.unit, u.k])) } });
  const s = l1cSparsity(ck);
  const rows = ck.gateTensors.map((g) => l1Gate(filterL1Norms(ck, g.unit), s));
  const l1cReport = compactStaticGates(ck, new Map(ck.gateTensors.map((g, i) => [g.unit, rows[i]])), L1C_OPTIONS).report;
  const l1cMacs = compactedLayerMacs(ck, l1cReport, sampleMacs(ck, null, rows).perLayer).reduce((a, b) => a + b, 0);
  const base = [
    { id: 'dense', bytes: encodeModelProto((await cleanDense(ck, evaluate)).model), macs: () => denseMacs },
    { id: 'ckpt', bytes: encodeModelProto(keepOutputs(ck.model.proto, [PREDICTION])), macs: () => denseAll.total },
    { id: 'l1c', bytes: encodeModelProto((await buildL1cVariant(ck, evaluate)).model), macs: () => l1cMacs },
    { id: 'sparse-all', bytes: encodeModelProto(all.model), macs: (k) => sparseExecutedMacs(ck, all.report, own[k].gates) },
    { id: 'sparse-all-topk', bytes: encodeModelProto(allTopk.model), macs: (k) => sparseExecutedMacs(ck, allTopk.report, atK(ck, allTopk.report, own[k].gates)) },
  ];
  const maskAware = own.reduce((a, o) => a + sampleMacs(ck, o.dataMask, o.gates).total, 0) / feeds.length;
  const [H, W] = ck.spec.grid;
  console.log(`${ck.ref.name} at ${H}x${W}: topk k per unit (vector width ${vectorWidth}) ${ks.map((u) => `u${u.unit} ${u.k}/${u.channels} (max active ${u.maxActive})`).join(', ')}`);
  console.log(`${ck.ref.name} at ${H}x${W} (${feeds.length} samples; gatherable units ${all.report.gatheredUnits.length}, gated convs left dense: ${all.report.dense.length}; the checkpoint's mask-aware MACs: ${(maskAware / denseMacs).toFixed(2)}x dense)`);
  for (const threads of threadCounts) {
    const calibration = feeds.slice(0, Math.min(8, feeds.length));
    const plan = await calibrateSparsePlan(ck, localPlanTimer(calibration, threads, { rounds: m.iterations === iterations ? calibrateRounds : 2, warmup: 1 }), calibration, evaluate);
    const planned = gatherGatedChannels(ck, { denseUnits: denseUnitsOf(plan) });
    const topk = gatherGatedChannels(ck, { denseUnits: denseUnitsOf(plan), index: { kind: 'topk', k: new Map(ks.map((u) => [u.unit, u.k])) } });
    const variants = [...base, { id: 'sparse-plan', bytes: encodeModelProto(planned.model), macs: (k) => sparseExecutedMacs(ck, planned.report, own[k].gates) },
      { id: 'sparse-topk', gathersNone: topk.report.gatheredUnits.length === 0, bytes: encodeModelProto(topk.model), macs: (k) => sparseExecutedMacs(ck, topk.report, atK(ck, topk.report, own[k].gates)) }];
    console.log(`\n${threads} thread${threads === 1 ? '' : 's'}: plan ${plan.units.map((u) => `u${u.unit} ${u.form} (keep ${u.keepRate.toFixed(2)}, ${u.denseOverGathered.toFixed(2)})`).join(', ')}; calibration verdict: ${plan.verdict}`);
    await timeVariants(variants, feeds, threads, m.iterations);
    printTable(variants, feeds, denseMacs);
  }
  if (!noModel) console.log(`\n${await benchLatencyModel(ck, m.inputs, evaluate)}`);
  console.log('');
}
