// The variants a profile compares, built from the bundled Dyna-Pruner
// checkpoint (else the small contract model the helper exports) with the
// engine's surgery (dense mode, static L1) and a separate model
// (--compare-with simvp_dense.onnx), run for real over a loopback
// OpenSSH sshd: each variant's device outputs match the engine's own run of
// that variant on the same samples, and their mask-aware MACs are reported.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import SSHConfig from 'ssh-config';
import { openCheckpoint } from '../../src/core/checkpoint/checkpoint';
import { decodeModelProto } from '../../src/core/onnx/proto';
import { resolveHost, type ResolvedHost } from '../../src/core/remote/ssh/hostConfig';
import { macsVersusLatency } from '../../src/core/remote/profile/macsVersusLatency';
import { planProfile } from '../../src/core/remote/profile/profilePlan';
import { profileOnDevice } from '../../src/core/remote/profile/profileRun';
import { buildCheckpointVariants } from '../../src/core/remote/profile/variants';
import { fixtureDeviceRoot, repoRoot, startSshd, type SshdTestEnv } from './helpers/sshdTestEnv';
import { buildNodeRunner, testModel, type TestModel } from './helpers/testModel';

const denseModel = path.join(repoRoot, 'demo', 'checkpoints', 'simvp_dense.onnx');

describe('variants built from the checkpoint, profiled over a real sshd', () => {
  let env: SshdTestEnv;
  let runner: string;
  let scratch: string;
  let model: TestModel;
  let checkpoint: string;
  before(async () => {
    model = await testModel();
    checkpoint = model.onnx;
    env = await startSshd();
    runner = await buildNodeRunner();
    scratch = mkdtempSync(path.join(os.tmpdir(), 'dynapruner-variants-'));
  });
  after(async () => {
    await env?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
    if (runner) rmSync(runner, { force: true });
    model?.dispose();
  });
  const host = (): ResolvedHost =>
    resolveHost('orin-variants', {
      sshConfig: SSHConfig.parse(''),
      hosts: [{ alias: 'orin-variants', hostName: '127.0.0.1', port: env.port, user: env.user, identityFiles: [env.userKey], deviceRoot: fixtureDeviceRoot, workDir: path.join(scratch, 'work'), ortModulePath: path.join(repoRoot, 'node_modules', 'onnxruntime-node'), tegrastatsIntervalMs: 50 }],
    });

  test('clean dense and static-L1 variants are single-input graphs without the mask generator', async () => {
    const ck = await openCheckpoint(checkpoint);
    const built = await buildCheckpointVariants(checkpoint);
    assert.deepEqual(built.variants.map((v) => v.id), ['ckpt', 'dense', 'l1']);
    for (const v of built.variants.filter((x) => x.bytes)) {
      const g = decodeModelProto(v.bytes!).graph!;
      assert.deepEqual(g.input!.map((i) => i.name), ['x'], `${v.id}: inputs`);
      assert.deepEqual(g.output!.map((o) => o.name), ['prediction'], `${v.id}: outputs`);
      // The mask generator's and gate heads' MAC-bearing nodes are gone (small constants that
      // resample the injected data mask for lower resolutions may stay).
      const macNodes = new Set(g.node!.filter((n) => /^(Conv|ConvTranspose|Gemm|MatMul)$/.test(n.op_type ?? '')).map((n) => n.name));
      const overheadMacNodes = ck.layers.filter((l) => l.overhead).map((l) => l.node);
      assert.ok(overheadMacNodes.length > 0, 'the checkpoint has MAC-bearing overhead nodes');
      assert.deepEqual(overheadMacNodes.filter((n) => macNodes.has(n)), [], `${v.id}: mask generator and gate heads removed`);
      const masks = [ck.hasDataMask ? 'dp_data_mask' : null, ...ck.gateTensors.map((t) => t.mask)].filter(Boolean);
      const producedByExpand = g.node!.filter((n) => n.op_type === 'Expand').map((n) => n.output![0]);
      if (v.id === 'dense') {
        // The clean dense graph: the masks are folded away, nothing reads them.
        assert.deepEqual(producedByExpand.filter((t) => masks.includes(t)), [], 'dense: no constant mask left');
        assert.ok(!g.node!.some((n) => (n.input ?? []).some((i) => masks.includes(i))), 'dense: no node reads a mask');
      } else {
        assert.deepEqual(producedByExpand.sort(), masks.sort(), `${v.id}: every mask is a constant`);
      }
    }
    // Same checkpoint, same bytes: the content-addressed upload can skip them.
    const again = await buildCheckpointVariants(checkpoint, { kinds: ['dense'] });
    assert.deepEqual(again.variants[0].bytes, built.variants[1].bytes);
  });

  test('each variant on the device matches the engine run of the same variant on the same samples', async () => {
    const compare = model.bundled && existsSync(denseModel);
    const plan = await planProfile(checkpoint, { perSample: 4, samples: model.bundled ? undefined : model.inputs, compareWith: compare ? [denseModel] : [] });
    const ids = plan.variants.map((v) => v.id);
    assert.deepEqual(ids.slice(0, 3), ['ckpt', 'dense', 'l1']);
    // The check is not vacuous: the variants compute different forecasts.
    const ref = async (id: string) => (await plan.reference(id, 'prediction', 4))!;
    const [ckRef, denseRef, l1Ref] = [await ref('ckpt'), await ref('dense'), await ref('l1')];
    const differ = (a: Float32Array, b: Float32Array) => a.some((v, i) => Math.abs(v - b[i]) > 1e-3);
    assert.ok(differ(ckRef, denseRef) && differ(denseRef, l1Ref), 'clean dense and static L1 change the prediction');

    const result = await profileOnDevice({
      host: host(),
      connection: { knownHostsFiles: [env.knownHostsFile], connectTimeoutMs: 5000, agentSocket: '' },
      checkpoint: checkpoint,
      variants: plan.variants,
      samples: { bytes: plan.samples.bytes, name: plan.samples.name },
      backend: 'node',
      warmup: 1,
      iterations: 6,
      perSample: 4,
      runnerScript: runner,
      reference: plan.reference,
    });
    assert.deepEqual(result.variants.map((v) => v.id), ids);
    for (const v of result.variants) {
      assert.ok(v.outputsCheck, `${v.id}: outputs compared`);
      assert.equal(v.outputsCheck.reference, 'engine', `${v.id}: compared with the engine's run`);
      assert.equal(v.outputsCheck.samples, 4);
      assert.ok(v.outputsCheck.maxAbsDiff <= 1e-5, `${v.id}: device vs engine max |diff| ${v.outputsCheck.maxAbsDiff}`);
      assert.ok(v.description && v.description.length > 0);
      assert.equal(v.latenciesMs.length, 6);
    }
    const byId = new Map(result.variants.map((v) => [v.id, v]));
    const macs = (id: string) => byId.get(id)!.effectiveMacs!.mean;
    assert.ok(macs('ckpt') < macs('dense'), `checkpoint ${macs('ckpt')} < dense ${macs('dense')} effective MACs`);
    assert.ok(macs('l1') < macs('dense'), 'static L1 drops filters');
    assert.equal(macs('dense'), byId.get('dense')!.effectiveMacs!.dense, 'dense mode counts the dense backbone');
    const rows = macsVersusLatency([result]);
    assert.ok(rows.every((r) => r.reference === 'dense' && r.macsRatio !== null && r.latencyRatio > 0));
    assert.equal(rows.find((r) => r.variant === 'dense')!.macsRatio, 1);
    if (compare) {
      const cmp = result.variants.at(-1)!;
      assert.equal(cmp.id, 'cmp-simvp_dense');
      assert.ok(cmp.effectiveMacs && cmp.effectiveMacs.mean > 0);
    }
    assert.ok(result.uploads.filter((u) => u.name.includes('.dense.') || u.name.includes('.l1.')).length === 2, 'built variants uploaded from memory');
  });
});

describe('the sparse (channel-gathering) variant over a real sshd', () => {
  let env: SshdTestEnv;
  let runner: string;
  let scratch: string;
  let model: TestModel;
  before(async () => {
    model = await testModel();
    env = await startSshd();
    runner = await buildNodeRunner();
    scratch = mkdtempSync(path.join(os.tmpdir(), 'dynapruner-sparse-'));
  });
  after(async () => {
    await env?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
    if (runner) rmSync(runner, { force: true });
    model?.dispose();
  });

  test('--variants ckpt,dense,sparse: the device runs sparse at batch 1 with the checkpoint\'s outputs and fewer executed MACs than dense', async () => {
    const plan = await planProfile(model.onnx, { kinds: ['ckpt', 'dense', 'sparse'], perSample: 4, samples: model.bundled ? undefined : model.inputs });
    assert.deepEqual(plan.variants.map((v) => v.id), ['ckpt', 'dense', 'sparse']);
    const host = resolveHost('orin-sparse', {
      sshConfig: SSHConfig.parse(''),
      hosts: [{ alias: 'orin-sparse', hostName: '127.0.0.1', port: env.port, user: env.user, identityFiles: [env.userKey], deviceRoot: fixtureDeviceRoot, workDir: path.join(scratch, 'work'), ortModulePath: path.join(repoRoot, 'node_modules', 'onnxruntime-node'), tegrastatsIntervalMs: 50 }],
    });
    const result = await profileOnDevice({
      host,
      connection: { knownHostsFiles: [env.knownHostsFile], connectTimeoutMs: 5000, agentSocket: '' },
      checkpoint: model.onnx,
      variants: plan.variants,
      samples: { bytes: plan.samples.bytes, name: plan.samples.name },
      backend: 'node',
      warmup: 1,
      iterations: 4,
      perSample: 4,
      runnerScript: runner,
      reference: plan.reference,
    });
    const sparse = result.variants.find((v) => v.id === 'sparse')!;
    assert.equal(sparse.outputsCheck?.reference, 'engine');
    assert.ok(sparse.outputsCheck!.maxAbsDiff <= 1e-4, `sparse on the device vs the checkpoint: max |diff| ${sparse.outputsCheck!.maxAbsDiff}`);
    const dense = result.variants.find((v) => v.id === 'dense')!;
    assert.ok(sparse.effectiveMacs!.mean < dense.effectiveMacs!.mean, `sparse executes ${sparse.effectiveMacs!.mean} < dense ${dense.effectiveMacs!.mean} MACs`);
  });
});
