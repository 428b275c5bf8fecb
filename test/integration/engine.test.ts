/**
 * The engine on every bundled checkpoint (demo/checkpoints, as shipped) and
 * the storm test windows; a missing bundled file fails the suite:
 * - injecting a checkpoint's own masks reproduces its output (max abs diff <= 1e-6);
 * - dense mode's effective MACs equal inspect's dense total, and the sweep's
 *   fast MAC counter equals the counting spec's per-sample formula;
 * - exact tau offsets: feeding each unit's tau as a graph input reproduces the
 *   checkpoint at offset 0 and equals a model whose tau constants were
 *   rewritten at a non-zero offset (the gate cascade is recomputed in the graph);
 * - sparse-equivalence on the real graph: each bound layer's masked output is
 *   exactly zero at spatially inactive positions and in pruned filters, and no
 *   non-overhead node reads an unmasked intermediate;
 * - parity: onnxruntime-node matches the PyTorch outputs shipped beside each checkpoint (1e-4);
 * - the dense references: analysis and sweep compare with the clean dense
 *   graph (dense mode's MSE) and with the trained dense checkpoint beside it.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, describe, test } from 'node:test';
import { spatialMaskAt } from '../../src/core/counting/spatialMask';
import { analyze, sampleMacs } from '../../src/core/experiments/analyze';
import { maskedErrorsAt } from '../../src/core/metrics/errors';
import { openCheckpoint, DATA_MASK, INPUT, PREDICTION, type Checkpoint } from '../../src/core/checkpoint/checkpoint';
import { InferencePool } from '../../src/core/runtime/inferencePool';
import { macCounter } from '../../src/core/experiments/macCounter';
import { randomMask } from '../../src/core/experiments/maskOps';
import { ModelRunner } from '../../src/core/runtime/modelRunner';
import { rng } from '../../src/core/experiments/random';
import { traceMaskedChains } from '../../src/core/graph/sparseEquivalence';
import { addOutputs, cutAtTensors, keepOutputs } from '../../src/core/graph/surgery';
import { sweep } from '../../src/core/experiments/sweep';
import { inspectModel } from '../../src/core/inspect/inspect';
import { DataType, encodeModelProto, type ModelProto } from '../../src/core/onnx/proto';
import { loadSamples } from '../../src/core/samples/load';
import { parseNpy } from '../../src/core/samples/npy';
import { targetSize, type SampleSet } from '../../src/core/samples/sampleSet';
import { ALL_CHECKPOINTS, checkpoint, MASKED_CHECKPOINTS, missingBundledFiles, STORM_FILES, STORM_TEST_INPUTS } from '../helpers/engineFixtures';

const pool = new InferencePool({ size: 1, intraOpThreads: 1 });
after(() => pool.close());

/** Each checkpoint opened once (reading, shape inference and counting are the slow part). */
const opened = new Map<string, Promise<{ ck: Checkpoint; runner: ModelRunner; samples: SampleSet }>>();
function open(name: string) {
  let p = opened.get(name);
  if (!p) {
    p = (async () => {
      const ck = await openCheckpoint(checkpoint(name));
      return { ck, runner: new ModelRunner(ck, pool), samples: await loadSamples(STORM_FILES, ck.spec) };
    })();
    opened.set(name, p);
  }
  return p;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length, 'same length');
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

test('every bundled checkpoint, its PyTorch outputs and the storm data are present', () => {
  assert.deepEqual(missingBundledFiles(), [], 'bundled files missing from demo/');
});

for (const name of MASKED_CHECKPOINTS) {
  describe(name, () => {
    test('own masks injected reproduce the output; dense-mode MACs equal inspect total; fast MAC counter equals the counting formula', async () => {
      const { ck, runner, samples } = await open(name);
      const n = samples.count;
      assert.equal(n, 9, 'nine storm test windows');
      const full = await runner.full(samples.inputs, n);
      const injected = await runner.injected(samples.inputs, n, { dataMask: full.dataMask, gates: full.gates });
      const diff = maxAbsDiff(injected, full.prediction);
      assert.ok(diff <= 1e-6, `max abs diff ${diff}`);
      // Dense mode really differs when masks are active (the injection is not a no-op).
      const dense = await runner.injected(samples.inputs, n, { dataMask: null, gates: ck.gateTensors.map(() => null) });
      assert.ok(maxAbsDiff(dense, full.prediction) > 1e-6, 'dense mode changes the output');
      const report = await inspectModel(checkpoint(name));
      const denseMacs = sampleMacs(ck, null, ck.gateTensors.map(() => null));
      assert.equal(denseMacs.total, report.totals.macs);
      assert.equal(ck.denseMacs, report.totals.macs);
      const [H, W] = ck.spec.grid;
      const plane = H * W;
      const count = macCounter(ck);
      assert.equal(count(null, ck.gateTensors.map(() => null)), report.totals.macs);
      const next = rng(7);
      for (let j = 0; j < n; j++) {
        const dm = full.dataMask?.subarray(j * plane, (j + 1) * plane) ?? null;
        const gates = ck.gateTensors.map((g, i) => full.gates[i].subarray(j * g.channels, (j + 1) * g.channels));
        const own = sampleMacs(ck, dm, gates);
        assert.ok(own.total < denseMacs.total, `sample ${j}: own masks cut MACs`);
        assert.equal(count(dm, gates), own.total, `sample ${j}: own masks`);
        const rdm = ck.hasDataMask ? randomMask(1, plane, plane * 0.3, next) : null;
        const rg = ck.gateTensors.map((g) => randomMask(1, g.channels, g.channels / 2, next));
        assert.equal(count(rdm, rg), sampleMacs(ck, rdm, rg).total, `sample ${j}: random masks`);
      }
    });

    test('tau offsets are exact: offset 0 reproduces the checkpoint; fed thresholds equal rewritten tau constants', async () => {
      const { ck, runner, samples } = await open(name);
      if (ck.gateTensors.length === 0) {
        assert.equal(ck.variants.tauCut ?? null, null, 'no gates: no threshold variant');
        assert.deepEqual(ck.gateThresholds ?? [], []);
        return;
      }
      assert.ok(ck.variants.tauCut, `threshold variant built (${ck.tauCutError})`);
      const thresholds = ck.gateThresholds!;
      assert.equal(thresholds.length, ck.gateTensors.length);
      ck.contract.units.forEach((u) => {
        const t = thresholds.find((x) => x.unit === u.id);
        if (t) assert.ok(Math.abs(t.tau - u.tau) < 1e-6, `unit ${u.id}: graph tau ${t.tau} = contract tau ${u.tau}`);
      });
      const n = samples.count;
      const [H, W] = ck.spec.grid;
      const full = await runner.full(samples.inputs, n);
      const feeds = (offset: number) => {
        const f: Record<string, { data: Float32Array; dims: number[] }> = {
          [INPUT]: { data: samples.inputs.slice(), dims: [n, ck.spec.tIn, ck.spec.channels.length, H, W] },
        };
        if (ck.hasDataMask) f[DATA_MASK] = { data: full.dataMask!.slice(), dims: [n, 1, H, W] };
        for (const t of thresholds) f[t.input] = { data: new Float32Array(n).fill(t.tau + offset), dims: [n, 1] };
        return f;
      };
      const at0 = await runner.runVariant('tauCut', feeds(0));
      assert.ok(maxAbsDiff(at0[PREDICTION].data, full.prediction) <= 1e-6, 'offset 0: prediction reproduced');
      ck.gateTensors.forEach((g, i) => assert.deepEqual(Array.from(at0[g.mask].data), Array.from(full.gates[i]), `offset 0: ${g.mask} reproduced`));

      // Reference: the same model with every tau constant rewritten to tau + offset (one pass per offset).
      for (const offset of [-0.05, 0.05]) {
        const proto = ck.model.proto;
        const constants = new Map(thresholds.map((t) => [t.constant, t.tau + offset]));
        const graph = proto.graph!;
        for (const c of constants.keys()) assert.ok((graph.initializer ?? []).some((t) => t.name === c), `tau '${c}' is an initializer`);
        const rewritten: ModelProto = {
          ...proto,
          graph: { ...graph, initializer: (graph.initializer ?? []).map((t) => (constants.has(t.name ?? '') ? { name: t.name, dims: [], data_type: DataType.FLOAT, float_data: [constants.get(t.name ?? '')!] } : t)) },
        };
        const outs = [PREDICTION, ...ck.gateTensors.map((g) => g.mask)];
        const withOuts = addOutputs(rewritten, outs);
        const ref = keepOutputs(ck.hasDataMask ? cutAtTensors(withOuts, [DATA_MASK]) : withOuts, outs);
        const key = `${name}:tau${offset}`;
        pool.register(key, encodeModelProto(ref));
        const { [INPUT]: x, [DATA_MASK]: dm } = feeds(offset);
        const expected = await pool.run(key, dm ? { [INPUT]: x, [DATA_MASK]: dm } : { [INPUT]: x }, outs);
        const got = await runner.runVariant('tauCut', feeds(offset));
        assert.ok(maxAbsDiff(got[PREDICTION].data, expected[PREDICTION].data) <= 1e-6, `offset ${offset}: prediction equals the rewritten model`);
        ck.gateTensors.forEach((g) => assert.deepEqual(Array.from(got[g.mask].data), Array.from(expected[g.mask].data), `offset ${offset}: ${g.mask}`));
      }

      // Through the sweep: the sensitivity point at the contract's threshold and offset 0 is the checkpoint itself.
      const res = await sweep(ck, samples, runner, {
        noise: [0], failure: [], baselines: [], seeds: 1, dataThresholds: [ck.contract.data_threshold ?? 0.5], tauOffsets: [0], gateFailure: false, ablation: false,
      });
      const own = res.noise[0];
      const point = res.sensitivity.points[0];
      assert.equal(point.config.tauOffset, 0);
      assert.ok(Math.abs(point.mse.mean - own.mse.mean) <= 1e-9 * own.mse.mean, `sweep offset 0: MSE ${point.mse.mean} = own ${own.mse.mean}`);
      assert.equal(point.effectiveMacs.mean, own.effectiveMacs.mean, 'sweep offset 0: same effective MACs');
    });

    test('sparse-equivalence holds on the real graph', async () => {
      const { ck, samples } = await open(name);
      const chains = traceMaskedChains(ck.model.proto.graph!, ck.contract);
      assert.ok(chains.length > 0, 'bound layers found');
      for (const c of chains) {
        assert.deepEqual(c.leaks, [], `${c.node}: unmasked output read outside the mask chain`);
        assert.ok(c.maskedOutput, `${c.node}: no tensor carries all its masks`);
      }
      // The check is not vacuous: rewire the consumers of one masked output to read the raw conv output instead.
      const probe = chains.find((c) => c.maskedOutput && c.chain.length > 0)!;
      const graph = ck.model.proto.graph!;
      const rewired = {
        ...graph,
        node: (graph.node ?? []).map((nd) => ((nd.input ?? []).includes(probe.maskedOutput!) ? { ...nd, input: nd.input!.map((x) => (x === probe.maskedOutput ? probe.convOutput : x)) } : nd)),
      };
      const broken = traceMaskedChains(rewired, ck.contract).find((c) => c.node === probe.node)!;
      assert.ok(broken.leaks.length > 0, `${probe.node}: reading the unmasked '${probe.convOutput}' downstream is reported`);
      const names = [...new Set(chains.map((c) => c.maskedOutput!))];
      const maskOutputs = ck.fullOutputs.filter((o) => o === DATA_MASK || ck.gateTensors.some((g) => g.mask === o));
      const model = keepOutputs(addOutputs(ck.model.proto, [...maskOutputs, ...names]), [...maskOutputs, ...names]);
      const key = `${name}:sparse`;
      pool.register(key, encodeModelProto(model));
      const n = samples.count;
      const s = ck.spec;
      const out = await pool.run(key, { [INPUT]: { data: samples.inputs.slice(), dims: [n, s.tIn, s.channels.length, ...s.grid] } }, [...maskOutputs, ...names]);
      const [H, W] = s.grid;
      let checkedZeros = 0;
      for (const c of chains) {
        const t = out[c.maskedOutput!];
        assert.equal(t.dims.length, 4, `${c.maskedOutput} is [N, K, h, w]`);
        const [, K, h, w] = t.dims;
        const gate = c.outUnit !== null ? ck.gateTensors.find((g) => g.unit === c.outUnit) : undefined;
        for (let j = 0; j < n; j++) {
          const dm = out[DATA_MASK] ? out[DATA_MASK].data.subarray(j * H * W, (j + 1) * H * W) : null;
          const sp = c.spatial && dm ? (h === H && w === W ? dm : spatialMaskAt(dm, H, W, h, w)) : null;
          const gm = gate && K === gate.channels ? out[gate.mask].data.subarray(j * K, (j + 1) * K) : null;
          for (let k = 0; k < K; k++) {
            for (let p = 0; p < h * w; p++) {
              if ((sp && !sp[p]) || (gm && !gm[k])) {
                const v = t.data[((j * K + k) * h * w) + p];
                if (v !== 0) assert.fail(`${c.maskedOutput} sample ${j} filter ${k} position ${p}: ${v} where masked`);
                checkedZeros++;
              }
            }
          }
        }
      }
      assert.ok(checkedZeros > 0, 'some masked positions were checked');
    });
  });
}

for (const name of ALL_CHECKPOINTS) {
  test(`${name}: onnxruntime-node matches the PyTorch outputs (1e-4)`, async () => {
    const outputsFile = checkpoint(name).replace(/\.onnx$/, '.outputs.npy');
    const x = parseNpy(await readFile(STORM_TEST_INPUTS), STORM_TEST_INPUTS);
    const y = parseNpy(await readFile(outputsFile), outputsFile);
    const ck = await openCheckpoint(checkpoint(name));
    const runner = new ModelRunner(ck, pool);
    const pred = (await runner.full(x.data, x.shape[0])).prediction;
    const diff = maxAbsDiff(pred, y.data);
    assert.ok(diff <= 1e-4, `max abs diff ${diff}`);
  });
}

describe('dense references: the clean dense graph and the trained dense checkpoint', () => {
  test('simvp_dynapruner: analysis and sweep compare with the clean dense graph (dense mode\'s numbers) and with simvp_dense.onnx', async () => {
    const { ck, runner, samples } = await open('simvp_dynapruner');
    const analysis = await analyze(ck, samples, runner);
    // "dense" = the clean dense graph; its MSE is dense mode's (masks injected as ones) up to float rounding.
    const denseMode = await runner.injected(samples.inputs, samples.count, { dataMask: null, gates: ck.gateTensors.map(() => null) });
    const yi = targetSize(samples);
    let modeMse = 0;
    for (let k = 0; k < samples.count; k++) modeMse += maskedErrorsAt(denseMode, k * yi, samples.targets!, k * yi, samples.valid, k * yi, yi).mse;
    modeMse /= samples.count;
    const denseMse = analysis.aggregates.denseMse!.mean;
    assert.ok(Math.abs(denseMse - modeMse) <= 1e-6 * modeMse, `clean dense MSE ${denseMse} = dense mode MSE ${modeMse}`);
    // The trained dense checkpoint beside it is the second reference, with its own analysis' MSE.
    assert.equal(analysis.trainedDense?.name, 'simvp_dense.onnx');
    const trained = await open('simvp_dense');
    const own = await analyze(trained.ck, trained.samples, trained.runner);
    assert.equal(own.trainedDense, null, 'the trained dense checkpoint has no other dense reference');
    assert.ok(Math.abs(analysis.aggregates.trainedDenseMse!.mean - own.aggregates.mse!.mean) <= 1e-9, 'trained dense MSE = its own analysis MSE');
    assert.ok(analysis.aggregates.trainedDenseMse!.mean < denseMse / 10, 'the trained dense model is far better than this checkpoint with its masks off');
    const none = await analyze(ck, samples, runner, { trainedDense: null });
    assert.equal(none.aggregates.trainedDenseMse, null);

    const res = await sweep(ck, samples, runner, { noise: [0], failure: [], baselines: ['dense'], seeds: 1, dataThresholds: [], tauOffsets: [0], gateFailure: false, ablation: false });
    const densePoint = res.noise.find((p) => p.config.method === 'dense')!;
    assert.ok(Math.abs(densePoint.mse.mean - denseMse) <= 1e-9 * denseMse, 'sweep dense point = analysis dense MSE');
    // Its MACs are those the clean dense graph executes: the dense backbone, no mask generator or gate heads.
    const dm = sampleMacs(ck, null, ck.gateTensors.map(() => null));
    assert.equal(densePoint.effectiveMacs.mean, dm.total - dm.overhead);
    assert.equal(res.denseBackboneMacs, dm.total - dm.overhead);
    assert.ok(Math.abs(res.trainedDense!.mse.mean - own.aggregates.mse!.mean) <= 1e-9, 'sweep trained dense = its analysis MSE');
    const t1 = res.tables.table1;
    assert.ok(t1.columns.includes('MSE vs trained dense'));
    assert.deepEqual(t1.rows.map((r) => r[0]), ['Dense (same weights, masks off)', 'Dyna-Pruner', 'Trained dense checkpoint (simvp_dense.onnx)']);
    const gmacsVsDense = t1.columns.indexOf('GMACs vs dense');
    assert.equal(t1.rows[0][gmacsVsDense], '+0.0%');
    assert.equal(t1.rows[1][gmacsVsDense], `${(((analysis.aggregates.effectiveMacs.mean - res.denseBackboneMacs!) / res.denseBackboneMacs!) * 100).toFixed(1)}%`);
  });
});
