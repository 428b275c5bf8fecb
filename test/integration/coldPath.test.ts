/**
 * The engine's cold path does only what the first figure needs, on the
 * bundled checkpoints and storm data: opening a checkpoint builds the
 * exported graph only, and analysing the first sample (exported, clean dense
 * and trained dense graphs) builds none of the cut variants; injection and the
 * threshold variant build theirs when first run, once. The clean dense
 * folding evaluates its constants in sessions without graph optimisation
 * (cheaper for two runs) and folds to the same graph, byte for byte.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { DATA_MASK, INPUT, openCheckpoint, PREDICTION } from '../../src/core/checkpoint/checkpoint';
import { LazyVariants } from '../../src/core/checkpoint/lazyVariants';
import { decodeModelProto } from '../../src/core/onnx/proto';
import { analyze } from '../../src/core/experiments/analyze';
import { openTrainedDense } from '../../src/core/experiments/trainedDense';
import { InferencePool } from '../../src/core/runtime/inferencePool';
import { ModelRunner } from '../../src/core/runtime/modelRunner';
import { loadSamples } from '../../src/core/samples/load';
import { takeSamples } from '../../src/core/samples/sampleSet';
import { cleanDense } from '../../src/core/graph/cleanDense';
import { encodeModelProto } from '../../src/core/onnx/proto';
import { poolEvaluator } from '../../src/core/runtime/graphEvaluator';
import { cleanDenseBytes } from '../../src/core/runtime/modelRunner';
import { checkpoint, MASKED_CHECKPOINTS, present, STORM_FILES } from '../helpers/engineFixtures';

describe('cold path: graph variants built on first use', () => {
  const pool = new InferencePool({ size: 1, intraOpThreads: 1 });
  after(() => pool.close());

  test('the first sample of simvp_dynapruner builds no cut variant; injection builds allCut once, the threshold variant its own', async () => {
    const ck = await openCheckpoint(checkpoint('simvp_dynapruner'));
    const variants = ck.variants as LazyVariants;
    assert.ok(variants instanceof LazyVariants);
    assert.deepEqual(variants.built(), [], 'opening built a cut variant');
    const runner = new ModelRunner(ck, pool);
    const samples = await loadSamples(STORM_FILES, ck.spec, { split: 'test' });
    const first = takeSamples(samples, [0]);
    const trained = await openTrainedDense(ck);
    assert.ok(trained, 'simvp_dense.onnx beside it');
    const part = await analyze(ck, first, runner, { batchSize: 1, trainedDense: trained });
    assert.equal(part.samples.length, 1);
    assert.ok(part.samples[0].trainedDenseVsTarget && part.samples[0].denseVsTarget);
    assert.deepEqual(variants.built(), [], 'the first sample built a cut variant');
    assert.deepEqual((trained.variants as LazyVariants).built(), [], 'the trained dense checkpoint built a cut variant');

    // Injection: every mask one through the mask-cut graph, built now, once.
    const created = pool.sessionsCreated;
    const ones = await runner.injected(first.inputs, 1, { dataMask: null, gates: ck.gateTensors.map(() => null) });
    assert.deepEqual(variants.built(), ['allCut']);
    assert.equal(ones.length, first.inputs.length / ck.spec.tIn * ck.spec.tOut);
    await runner.injected(first.inputs, 1, { dataMask: null, gates: ck.gateTensors.map(() => null) });
    assert.equal(pool.sessionsCreated, created + 1, 'the mask-cut graph got one session');
    const g = decodeModelProto(ck.variants.allCut!).graph!;
    assert.deepEqual(g.input!.map((i) => i.name).sort(), [INPUT, DATA_MASK, ...ck.gateTensors.map((t) => t.mask)].sort());
    assert.deepEqual(g.output!.map((o) => o.name), [PREDICTION]);

    // The gate thresholds come with the threshold variant, in one build.
    assert.ok((ck.gateThresholds ?? []).length > 0, `thresholds found (${ck.tauCutError})`);
    assert.ok(ck.variants.tauCut);
    assert.deepEqual(variants.built(), ['allCut', 'tau']);
  });

  test('the clean dense graph folded through unoptimised evaluation sessions is the one optimised sessions fold to (every bundled masked checkpoint)', async () => {
    const names = present(MASKED_CHECKPOINTS);
    assert.ok(names.length >= 6, `bundled masked checkpoints: ${names.join(', ')}`);
    for (const name of names) {
      const ck = await openCheckpoint(checkpoint(name));
      const engine = await cleanDenseBytes(ck, pool);
      const optimised = encodeModelProto((await cleanDense(ck, poolEvaluator(pool, `optimised:${name}`, undefined, 'all'))).model);
      assert.ok(Buffer.from(engine).equals(Buffer.from(optimised)), `${name}: the clean dense graphs differ`);
    }
  });
});
