/**
 * The engine on the bundled real checkpoints and storm windows:
 * - injecting a checkpoint's own masks reproduces its output (max abs diff <= 1e-6);
 * - dense mode's effective MACs equal inspect's dense total;
 * - sparse-equivalence on the real graph: each bound layer's masked output is
 *   exactly zero at spatially inactive positions and in pruned filters, and no
 *   non-overhead node reads an unmasked intermediate;
 * - parity: onnxruntime-node matches the PyTorch outputs shipped beside each checkpoint (1e-4).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { spatialMaskAt } from '../../src/core/counting/spatialMask';
import { sampleMacs } from '../../src/core/engine/analyze';
import { openCheckpoint, DATA_MASK, INPUT } from '../../src/core/engine/checkpoint';
import { InferencePool } from '../../src/core/engine/inferencePool';
import { ModelRunner } from '../../src/core/engine/modelRunner';
import { traceMaskedChains } from '../../src/core/engine/sparseEquivalence';
import { addOutputs, keepOutputs } from '../../src/core/engine/surgery';
import { inspectModel } from '../../src/core/inspect/inspect';
import { encodeModelProto } from '../../src/core/onnx/proto';
import { loadSamples } from '../../src/core/samples/load';
import { parseNpy } from '../../src/core/samples/npy';
import { inputSize, takeSamples } from '../../src/core/samples/sampleSet';
import { ALL_CHECKPOINTS, checkpoint, MASKED_CHECKPOINTS, present, STORM_FILES } from '../helpers/engineFixtures';

const pool = new InferencePool({ size: 1 });
after(() => pool.close());

const masked = present(MASKED_CHECKPOINTS);
const all = present(ALL_CHECKPOINTS);

test('the bundled Dyna-Pruner checkpoints are present', () => {
  assert.ok(masked.length > 0, 'no Dyna-Pruner checkpoint found under demo/checkpoints');
});

for (const name of masked) {
  describe(name, () => {
    test('own masks injected reproduce the output; dense-mode MACs equal inspect total', async () => {
      const ck = await openCheckpoint(checkpoint(name));
      const samples = takeSamples(await loadSamples(STORM_FILES, ck.spec), [0, 1, 2, 3]);
      const runner = new ModelRunner(ck, pool);
      const full = await runner.full(samples.inputs, samples.count);
      const injected = await runner.injected(samples.inputs, samples.count, { dataMask: full.dataMask, gates: full.gates });
      let diff = 0;
      for (let i = 0; i < injected.length; i++) diff = Math.max(diff, Math.abs(injected[i] - full.prediction[i]));
      assert.ok(diff <= 1e-6, `max abs diff ${diff}`);
      // Dense mode really differs when masks are active (the injection is not a no-op).
      const dense = await runner.injected(samples.inputs, samples.count, { dataMask: null, gates: ck.gateTensors.map(() => null) });
      let d2 = 0;
      for (let i = 0; i < dense.length; i++) d2 = Math.max(d2, Math.abs(dense[i] - full.prediction[i]));
      assert.ok(d2 > 1e-6, 'dense mode changes the output');
      const report = await inspectModel(checkpoint(name));
      const denseMacs = sampleMacs(ck, null, ck.gateTensors.map(() => null));
      assert.equal(denseMacs.total, report.totals.macs);
      assert.equal(ck.denseMacs, report.totals.macs);
      const own = sampleMacs(ck, full.dataMask!.subarray(0, ck.spec.grid[0] * ck.spec.grid[1]), ck.gateTensors.map((g, i) => full.gates[i].subarray(0, g.channels)));
      assert.ok(own.total < denseMacs.total, 'own masks cut MACs');
    });

    test('sparse-equivalence holds on the real graph', async () => {
      const ck = await openCheckpoint(checkpoint(name));
      const chains = traceMaskedChains(ck.model.proto.graph!, ck.contract);
      assert.ok(chains.length > 0, 'bound layers found');
      for (const c of chains) {
        assert.deepEqual(c.leaks, [], `${c.node}: unmasked output read outside the mask chain`);
        assert.ok(c.maskedOutput, `${c.node}: no tensor carries all its masks`);
      }
      const names = [...new Set(chains.map((c) => c.maskedOutput!))];
      const maskOutputs = ck.fullOutputs.filter((o) => o === DATA_MASK || ck.gateTensors.some((g) => g.mask === o));
      const model = keepOutputs(addOutputs(ck.model.proto, [...maskOutputs, ...names]), [...maskOutputs, ...names]);
      const key = `${name}:sparse`;
      pool.register(key, encodeModelProto(model));
      const samples = takeSamples(await loadSamples(STORM_FILES, ck.spec), [0, 4, 8].filter((i) => i < 9));
      const n = samples.count;
      const s = ck.spec;
      const out = await pool.run(key, { [INPUT]: { data: samples.inputs.slice(0, n * inputSize(samples)), dims: [n, s.tIn, s.channels.length, ...s.grid] } }, [...maskOutputs, ...names]);
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

for (const name of all) {
  test(`${name}: onnxruntime-node matches the PyTorch outputs (1e-4)`, async () => {
    const base = checkpoint(name).replace(/\.onnx$/, '');
    // Per-checkpoint inputs, or the trainer's shared storm test windows beside the checkpoints.
    const inputsFile = existsSync(`${base}.inputs.npy`) ? `${base}.inputs.npy` : path.join(path.dirname(base), 'storm_test.inputs.npy');
    assert.ok(existsSync(inputsFile) && existsSync(`${base}.outputs.npy`), `${inputsFile} / ${base}.outputs.npy shipped`);
    const x = parseNpy(await readFile(inputsFile), inputsFile);
    const y = parseNpy(await readFile(`${base}.outputs.npy`), `${base}.outputs.npy`);
    const ck = await openCheckpoint(checkpoint(name));
    const runner = new ModelRunner(ck, pool);
    const pred = (await runner.full(x.data, x.shape[0])).prediction;
    assert.equal(pred.length, y.data.length);
    let diff = 0;
    for (let i = 0; i < pred.length; i++) diff = Math.max(diff, Math.abs(pred[i] - y.data[i]));
    assert.ok(diff <= 1e-4, `max abs diff ${diff}`);
  });
}
