/**
 * Compaction of static L1 gates (`src/core/graph/compact.ts`) on the bundled
 * SimVP and TAU Dyna-Pruner checkpoints and the storm test windows:
 * - the compacted model's `prediction` equals the `l1` variant's (the engine's
 *   mask-cut graph with the static L1 gates injected, data mask ones) within 1e-4;
 * - `inspect`'s dense MACs of the compacted model, per bound layer, equal the
 *   `l1` variant's mask-aware MACs (counting spec) exactly with `align` 1 where
 *   the layer's input was sliced (or it has no `in_unit`), and those times
 *   `C_in / C_in_active` where its input stayed full width (rebuilt with zeros);
 *   with `align` 8 (all units, or only units gated by a depthwise conv) the
 *   kept counts K_active become their rounded-up widths.
 *   The total is that sum (no other MAC node changes), >= the l1 mask-aware
 *   backbone and below the dense backbone; the profiler's `l1c` MAC figure
 *   (`compactedLayerMacs`) equals inspect's total;
 * - the compacted file is smaller than the `l1` variant's file.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { sampleMacs } from '../../src/core/experiments/analyze';
import { openCheckpoint, PREDICTION } from '../../src/core/checkpoint/checkpoint';
import { compactedLayerMacs, compactStaticGates } from '../../src/core/graph/compact';
import { InferencePool } from '../../src/core/runtime/inferencePool';
import { filterL1Norms, l1Gate, repeatRows } from '../../src/core/experiments/maskOps';
import { ModelRunner } from '../../src/core/runtime/modelRunner';
import { inspectModel } from '../../src/core/inspect/inspect';
import { encodeModelProto } from '../../src/core/onnx/proto';
import { buildCheckpointVariants, constantMasksFor, engineReference } from '../../src/core/remote/profile/variants';
import { materializeConstantMasks } from '../../src/core/graph/constantMasks';
import { parseNpy } from '../../src/core/samples/npy';
import { checkpoint, STORM_TEST_INPUTS } from '../helpers/engineFixtures';

const pool = new InferencePool({ size: 1, intraOpThreads: 1 });
let tmp = '';
after(async () => {
  await pool.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('compacted static-L1 variant (l1c)', () => {
  for (const name of ['simvp_dynapruner', 'tau_dynapruner']) {
    for (const [align, alignGroupedOnly] of [[1, false], [8, false], [8, true]] as const) {
      test(`${name}, align ${align}${alignGroupedOnly ? ' (grouped units only)' : ''}: prediction equals l1, MACs follow the stated relation, file is smaller`, async () => {
        tmp ||= await mkdtemp(path.join(os.tmpdir(), 'dp-compact-'));
        const ck = await openCheckpoint(checkpoint(name));
        const s = ck.contract.targets.s_w!;
        assert.ok(s > 0, 'contract has s_w');
        const rows = ck.gateTensors.map((g) => l1Gate(filterL1Norms(ck, g.unit), s));
        const { model, report } = compactStaticGates(ck, new Map(ck.gateTensors.map((g, i) => [g.unit, rows[i]])), { align, alignGroupedOnly });
        const bytes = encodeModelProto(model);
        for (const [u, w] of report.width) {
          const K = ck.gateTensors.find((g) => g.unit === u)!.channels;
          const k = report.kept.get(u)!.length;
          const grouped = ck.layers.some((l) => l.outUnit === u && ck.model.proto.graph!.node!.some((nd) => nd.name === l.node && (nd.attribute ?? []).some((a) => a.name === 'group' && Number(a.i) > 1)));
          const a = alignGroupedOnly && !grouped ? 1 : align;
          assert.equal(w.length, Math.min(K, Math.ceil(k / a) * a), `unit ${u} width`);
        }

        // Prediction: engine (mask-cut graph, injected static gates, data mask ones) vs the compacted model.
        const npy = parseNpy(await readFile(STORM_TEST_INPUTS), 'inputs');
        const n = npy.shape[0];
        const runner = new ModelRunner(ck, pool);
        const l1 = await runner.injected(npy.data, n, { dataMask: null, gates: rows.map((r) => repeatRows(r, n)) });
        pool.register(`compact:${name}:${align}:${alignGroupedOnly}`, bytes);
        const out = await pool.run(`compact:${name}:${align}:${alignGroupedOnly}`, { x: { data: npy.data.slice(), dims: npy.shape } }, [PREDICTION]);
        const pred = out[PREDICTION].data;
        assert.equal(pred.length, l1.length);
        let worst = 0;
        for (let i = 0; i < pred.length; i++) worst = Math.max(worst, Math.abs(pred[i] - l1[i]));
        assert.ok(worst <= 1e-4, `max |l1c - l1| = ${worst}`);

        // MACs: inspect (an independent counter on the compacted file) per bound layer against the stated relation.
        const file = path.join(tmp, `${name}.l1c${align}${alignGroupedOnly ? 'g' : ''}.onnx`);
        await writeFile(file, bytes);
        const inspected = await inspectModel(file);
        const compactMacs = new Map(inspected.layers.map((l) => [l.name, l.macs]));
        const eff = sampleMacs(ck, null, rows);
        const denseBackbone = sampleMacs(ck, null, ck.gateTensors.map(() => null)).backbone;
        const kept = (u: number) => report.kept.get(u)!.length;
        const wide = (u: number) => report.width.get(u)!.length;
        const K = (u: number) => ck.gateTensors.find((g) => g.unit === u)!.channels;
        const denseInput = new Set(report.denseInputLayers);
        let expected = 0;
        ck.layers.forEach((l, i) => {
          if (l.overhead) return;
          const got = compactMacs.get(l.node);
          assert.ok(got !== undefined, `${l.node} is in the compacted graph`);
          let want = eff.perLayer[i];
          if (l.outUnit !== null) want *= wide(l.outUnit) / kept(l.outUnit);
          if (l.inUnit !== null) want *= (denseInput.has(l.node) ? K(l.inUnit) : wide(l.inUnit)) / kept(l.inUnit);
          if (align === 1 && !denseInput.has(l.node)) assert.equal(got, eff.perLayer[i], `${l.node}: exactly the mask-aware count`);
          expected += want;
          assert.ok(Math.abs(got - want) <= 1e-6 * Math.max(1, want), `${l.node}: compacted ${got} MACs, expected ${want}`);
        });
        assert.ok(Math.abs(inspected.totals.macs - expected) <= 1e-6 * expected, `total ${inspected.totals.macs} vs ${expected}`);
        const fromHelper = compactedLayerMacs(ck, report, eff.perLayer).reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(fromHelper - inspected.totals.macs) <= 1e-6 * expected, `compactedLayerMacs ${fromHelper} vs inspect ${inspected.totals.macs}`);
        assert.ok(inspected.totals.macs >= eff.backbone * (1 - 1e-9), 'never below the mask-aware count');
        assert.ok(inspected.totals.macs < denseBackbone, 'below the dense backbone');

        // Size: smaller than the l1 variant (same builder the profiler uses).
        const l1Bytes = materializeConstantMasks(ck.model.proto, constantMasksFor(ck, 'l1', s), `l1@${s}`);
        assert.ok(bytes.length < l1Bytes.length, `compacted ${bytes.length} B vs l1 ${l1Bytes.length} B`);
        console.log(`${name} align ${align}${alignGroupedOnly ? ' grouped only' : ''}: max|diff| ${worst.toExponential(2)}, MACs l1c ${inspected.totals.macs} (l1 mask-aware ${eff.backbone}, dense backbone ${denseBackbone}), dense-input layers ${report.denseInputLayers.length}, bytes l1c ${bytes.length} vs l1 ${l1Bytes.length}`);
      });
    }
  }

  test('the profiler builds l1c on request and not by default', async () => {
    const built = await buildCheckpointVariants(checkpoint('simvp_dynapruner'), { kinds: ['l1', 'l1c'] });
    assert.deepEqual(built.variants.map((v) => v.id), ['l1', 'l1c']);
    assert.ok(built.variants[1].bytes && built.variants[1].bytes.length < built.variants[0].bytes!.length);
    const defaults = await buildCheckpointVariants(checkpoint('tau_dynapruner'));
    assert.ok(!defaults.variants.some((v) => v.id === 'l1c'));
    // The profiler's engine reference: l1c is checked against the l1 injection, its MACs are the compacted graph's.
    const tau = await buildCheckpointVariants(checkpoint('tau_dynapruner'), { kinds: ['l1', 'l1c'] });
    const ref = await engineReference(tau.checkpoint!, tau.variants, await readFile(STORM_TEST_INPUTS), 2);
    assert.deepEqual(ref.predictions.get('l1c'), ref.predictions.get('l1'));
    const file = path.join((tmp ||= await mkdtemp(path.join(os.tmpdir(), 'dp-compact-'))), 'tau.l1c.profiler.onnx');
    await writeFile(file, tau.variants[1].bytes!);
    const inspected = await inspectModel(file);
    assert.ok(Math.abs(ref.macs.get('l1c')!.mean - inspected.totals.macs) <= 1e-6 * inspected.totals.macs, `${ref.macs.get('l1c')!.mean} vs ${inspected.totals.macs}`);
    assert.ok(ref.macs.get('l1c')!.mean >= ref.macs.get('l1')!.mean);
  });
});
