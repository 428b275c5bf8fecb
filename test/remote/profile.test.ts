// End-to-end remote profiling over a real loopback OpenSSH sshd: probe,
// content-addressed upload, a real onnxruntime-node inference on the
// "device" whose outputs match a local run, tegrastats power and energy,
// results saved; shell-injection safety; cancel; two devices at once; trtexec.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, copyFileSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import SSHConfig from 'ssh-config';
import { resolveHost, type HostSettings, type ResolvedHost } from '../../src/core/remote/ssh/hostConfig';
import { connectSsh, type ConnectOptions } from '../../src/core/remote/ssh/sshConnection';
import { probeDevice } from '../../src/core/remote/device/deviceProbe';
import { profileOnDevice, profileOnDevices, type ProfileRequest } from '../../src/core/remote/profile/profileRun';
import { compareProfiles, listProfileRuns, saveProfileRun } from '../../src/core/runs/profileRunStore';
import { joinCommand } from '../../src/core/remote/ssh/shellQuote';
import { fixtureBin, fixtureDeviceRoot, repoRoot, startSshd, type SshdTestEnv } from './helpers/sshdTestEnv';
import { buildNodeRunner, testModel, type TestModel } from './helpers/testModel';
import { usePrivateTmp } from './helpers/privateTmp';

// Everything below uses a private os.tmpdir(), so `after` can check that nothing is left there.
const tmp = usePrivateTmp();
let env: SshdTestEnv;
let model: TestModel;
let runner: string;
let scratch: string;

before(async () => {
  env = await startSshd();
  model = await testModel();
  runner = await buildNodeRunner();
  scratch = mkdtempSync(path.join(os.tmpdir(), 'dynapruner-remote-'));
});
after(async () => {
  await env?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  if (runner) rmSync(runner, { force: true });
  model?.dispose();
  const left = tmp.leftovers();
  tmp.restore();
  assert.deepEqual(left, [], `left in the temp folder: ${left.join(', ')}`);
});

function host(alias: string, extra: Partial<HostSettings> = {}): ResolvedHost {
  const settings: HostSettings = {
    alias,
    hostName: '127.0.0.1',
    port: env.port,
    user: env.user,
    identityFiles: [env.userKey],
    deviceRoot: fixtureDeviceRoot,
    workDir: path.join(scratch, 'work'),
    ortModulePath: path.join(repoRoot, 'node_modules', 'onnxruntime-node'),
    tegrastatsIntervalMs: 50,
    ...extra,
  };
  return resolveHost(alias, { sshConfig: SSHConfig.parse(''), hosts: [settings] });
}
const connection: Omit<ConnectOptions, 'signal'> = { knownHostsFiles: [], connectTimeoutMs: 5000, agentSocket: '' };
function conn() {
  return { ...connection, knownHostsFiles: [env.knownHostsFile] };
}
function request(h: ResolvedHost, extra: Partial<ProfileRequest> = {}): ProfileRequest {
  return {
    host: h,
    connection: conn(),
    checkpoint: model.onnx,
    variants: [{ id: 'dynapruner', label: 'Dyna-Pruner', file: model.onnx }],
    samples: model.inputs,
    backend: 'node',
    warmup: 2,
    iterations: 20,
    perSample: 4,
    runnerScript: runner,
    ...extra,
  };
}

describe('remote profiling over a real sshd', () => {
  test('probe reads the fixture device root and reports what is missing', async () => {
    const h = host('orin-a');
    const c = await connectSsh(h.target, conn());
    try {
      const facts = await probeDevice(c, h.device);
      assert.equal(facts.model, 'NVIDIA Jetson AGX Orin Developer Kit');
      assert.equal(facts.l4t, 'R35.4.1');
      assert.equal(facts.jetpack, '5.1.2');
      assert.deepEqual(facts.powerMode, { name: 'MAXN', id: 0 });
      assert.equal(facts.runtimes.tegrastats, path.join(fixtureBin, 'tegrastats'));
      assert.equal(facts.runtimes.trtexec, path.join(fixtureBin, 'trtexec'));
      assert.equal(facts.runtimes.node, process.version);
      assert.equal(facts.runtimes.nodeOrt, JSON.parse(readFileSync(path.join(repoRoot, 'node_modules/onnxruntime-node/package.json'), 'utf8')).version);
      assert.ok(facts.cpuCount && facts.cpuCount >= 1);
      const missing = facts.missing.map((m) => m.what).join('; ');
      if (!facts.runtimes.pythonOrt) assert.match(missing, /Python onnxruntime/);
      assert.ok(facts.missing.every((m) => m.install.length > 0));
    } finally {
      c.close();
    }
  });

  test('profile: upload, real inference matching the local run, power and energy, saved; second upload skipped by hash', async () => {
    const events: string[] = [];
    const result = await profileOnDevice(request(host('orin-a'), { onEvent: (e) => events.push(e.kind) }));
    assert.equal(result.device.model, 'NVIDIA Jetson AGX Orin Developer Kit');
    assert.deepEqual(result.uploads.map((u) => u.uploaded), [true, true, true]);
    const v = result.variants[0];
    assert.equal(v.latenciesMs.length, 20);
    assert.ok(v.latencyMs.p50 > 0 && v.latencyMs.p50 <= v.latencyMs.p90 && v.latencyMs.p90 <= v.latencyMs.p99);
    assert.ok(v.throughputQps > 0);
    assert.equal(v.perSampleMs.length, 4);
    assert.ok(v.outputsCheck, 'outputs were compared with a local run');
    assert.equal(v.outputsCheck.output, 'prediction');
    assert.equal(v.outputsCheck.samples, 4);
    assert.ok(v.outputsCheck.maxAbsDiff <= 1e-5, `remote vs local max |diff| = ${v.outputsCheck.maxAbsDiff}`);
    // Power: the fixture tegrastats prints real AGX Orin lines totalling 7132 and 7056 mW.
    assert.ok(v.power, 'tegrastats was parsed into power');
    assert.ok(v.power.totalMw >= 7056 && v.power.totalMw <= 7132, `total ${v.power.totalMw} mW`);
    assert.deepEqual(Object.keys(v.power.railsMw).sort(), ['VDDQ_VDD2_1V8AO', 'VDD_CPU_CV', 'VDD_GPU_SOC', 'VIN_SYS_5V0']);
    const expectedMj = (v.power.totalMw * v.power.windowMs) / 1000 / 20;
    assert.ok(Math.abs(v.power.energyPerInferenceMj - expectedMj) < 1e-9 && v.power.energyPerInferenceMj > 0);
    assert.ok(result.tegrastats.length >= 1);
    assert.ok(events.includes('tegrastats') && events.includes('runner') && events.includes('upload'));

    const ws = path.join(scratch, 'workspace');
    const folder = await saveProfileRun(ws, result, ['profile', model.onnx]);
    assert.ok(existsSync(path.join(folder, 'profile.json')) && existsSync(path.join(folder, 'run.json')));
    const record = JSON.parse(readFileSync(path.join(folder, 'run.json'), 'utf8'));
    assert.equal(record.command, 'profile');
    assert.equal(record.model.sha256, result.checkpoint.sha256);
    assert.equal((await listProfileRuns(ws))[0].id, result.id);

    // The run folder on the device is gone; the objects stay for the next run.
    const c = await connectSsh(host('orin-a').target, conn());
    const runsLeft = await c.exec(joinCommand(['ls', '-A', path.join(scratch, 'work', 'runs')]));
    c.close();
    assert.equal(runsLeft.stdout.trim(), '', 'temporary run folder removed');

    const again = await profileOnDevice(request(host('orin-a'), { iterations: 3, checkOutputs: false }));
    assert.deepEqual(again.uploads.map((u) => u.uploaded), [false, false, false], 'second upload skipped by hash');
  });

  test('file names with spaces, quotes, $() and ; are uploaded and run without shell injection', async () => {
    const canary = path.join(scratch, 'CANARY');
    // File names cannot hold '/', so they create a relative canary: it would land in the
    // remote shell's folder (home or the run folder), both checked below.
    const relCanary = 'CANARY_dynapruner_injection';
    const evil = `we ird 'q" $(touch ${relCanary}); \`touch ${relCanary}\`; x.onnx`;
    const dir = mkdtempSync(path.join(scratch, 'evil-'));
    const evilModel = path.join(dir, evil);
    copyFileSync(model.onnx, evilModel);
    const evilSamples = path.join(dir, `in $(touch ${relCanary}) ;'.npy`);
    copyFileSync(model.inputs, evilSamples);
    const workDir = path.join(scratch, `work dir $(touch ${canary}); 'x' "y"`);
    const result = await profileOnDevice(
      request(host('orin-evil', { workDir }), {
        checkpoint: evilModel,
        variants: [{ id: 'dynapruner', label: 'Dyna-Pruner', file: evilModel }],
        samples: evilSamples,
        iterations: 3,
        perSample: 2,
      }),
    );
    assert.equal(existsSync(canary), false, 'no command substitution ran');
    assert.equal(existsSync(path.join(os.homedir(), relCanary)), false, 'no command substitution ran in the remote home');
    assert.equal(existsSync(path.join(workDir, 'runs', result.id, relCanary)), false);
    assert.ok(result.variants[0].outputsCheck!.maxAbsDiff <= 1e-5);
    const objects = readdirSync(path.join(workDir, 'objects'));
    const names = objects.flatMap((o) => readdirSync(path.join(workDir, 'objects', o)));
    assert.ok(names.includes(evil), `uploaded under its exact name: ${names.join(' | ')}`);
    assert.ok(names.includes(path.basename(evilSamples)));
  });

  test('cancel during a run: remote processes gone within 2 s, nothing saved', async () => {
    const controller = new AbortController();
    const h = host('orin-cancel');
    let sawTimedPhase = false;
    const run = profileOnDevice(
      request(h, {
        iterations: 1_000_000,
        checkOutputs: false,
        signal: controller.signal,
        onEvent: (e) => {
          if (e.kind === 'runner' && e.message.type === 'warmup' && !sawTimedPhase) {
            sawTimedPhase = true;
            setTimeout(() => controller.abort(new Error('cancelled by test')), 300);
          }
        },
      }),
    );
    await assert.rejects(run, /cancelled by test/);
    const abortedAt = Date.now();
    assert.ok(sawTimedPhase, 'the runner was running when cancelled');
    const c = await connectSsh(h.target, conn());
    try {
      let leftovers = '';
      for (;;) {
        // A zombie (state Z) has exited: only its exit status waits for its parent.
        const ps = await c.exec('ps -eo pid,pgid,stat,args');
        leftovers = ps.stdout
          .split('\n')
          .filter((l) => /remoteRunner|tegrastats|job\.json/.test(l) && !/ps -eo/.test(l))
          .filter((l) => !/^\s*\d+\s+\d+\s+Z/.test(l))
          .join('\n');
        if (!leftovers || Date.now() - abortedAt > 2000) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(leftovers, '', `still running ${Date.now() - abortedAt} ms after cancel:\n${leftovers}`);
      assert.ok(Date.now() - abortedAt <= 2000);
      const runs = await c.exec(joinCommand(['ls', '-A', path.join(scratch, 'work', 'runs')]));
      assert.equal(runs.stdout.trim(), '', 'temporary files removed');
    } finally {
      c.close();
    }
    assert.deepEqual(await listProfileRuns(path.join(scratch, 'cancel-ws')), []);
  });

  test('several devices: the same checkpoint on two hosts at once, compared', async () => {
    const both = await profileOnDevices([host('orin-a'), host('orin-b')], { ...request(host('orin-a')), iterations: 10, perSample: 2 });
    assert.deepEqual(both.map((b) => b.alias), ['orin-a', 'orin-b']);
    for (const b of both) assert.ok(b.result, `${b.alias}: ${b.error?.message}`);
    const rows = compareProfiles(both.map((b) => b.result!));
    assert.deepEqual(rows.map((r) => `${r.host}/${r.variant}`), ['orin-a/dynapruner', 'orin-b/dynapruner']);
    assert.ok(rows.every((r) => r.meanMs > 0 && r.relativeToFirst === 1 && r.energyPerInferenceMj! > 0));
  });

  test('trtexec backend parses the device summary and attributes power', async () => {
    const result = await profileOnDevice(request(host('orin-a'), { backend: 'trtexec', runnerScript: undefined, iterations: 50 }));
    const v = result.variants[0];
    assert.equal(v.latencyMs.mean, 2.9013);
    assert.equal(v.latencyMs.p99, 2.90625);
    assert.equal(v.throughputQps, 344.474);
    assert.ok(v.power && v.power.totalMw >= 7056 && v.power.totalMw <= 7132);
    assert.ok(Math.abs(v.power.energyPerInferenceMj - v.power.totalMw / 344.474) < 1e-9);
  });
});
