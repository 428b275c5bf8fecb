/**
 * The Orin panel with a real `profile --layers` run of the variants
 * ckpt, clean dense, l1c and sparse over a loopback OpenSSH sshd (the Node
 * runner profiling node by node on the "device"): the host's mapping
 * (panelLayers.ts) turns the device's node runs into per-layer rows, and the
 * panel shows them per variant, plus the sparse variant's MACs and latency
 * against clean dense. The sparse variant's plan is calibrated on the
 * profiled host (`--sparse-plan calibrate`): the panel shows its units
 * gathered and dense and its measured ratio; and, from the run's per-node
 * profile, the latency model's predicted vs measured latency per variant. A
 * calibrated sparse export (`export --variant sparse --calibrate local`)
 * profiled beside them as --compare-with shows its recorded plan and
 * end-to-end ratio. Headless Chromium, the extension's HTML and CSP.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as esbuild from 'esbuild';
import type { Browser } from 'playwright-core';
import SSHConfig from 'ssh-config';
import { planProfile } from '../../src/core/remote/profile/profilePlan';
import { profileOnDevices } from '../../src/core/remote/profile/profileRun';
import { resolveHost } from '../../src/core/remote/ssh/hostConfig';
import type { ProfileResult } from '../../src/core/schema/profileResult';
import { readSparsePlan } from '../../src/core/export/sparsePlan';
import { decodeModel } from '../../src/core/onnx/reader';
import { profileLayerRows } from '../../src/extension/remote/panelLayers';
import { recordedSparsePlans } from '../../src/extension/remote/panelPlans';
import { readFileSync } from 'node:fs';
import { toPanelRun } from '../../src/extension/remote/panelModel';
import { measuredPerSample } from '../../src/core/remote/profile/deviceLatencyModel';
import { parseNpy } from '../../src/core/samples/npy';
import { formatNumber } from '../../webview/common/format';
import type { PanelRun, ToRemoteWebview } from '../../src/shared/remoteProtocol';
import { fixtureDeviceRoot, repoRoot, startSshd, type SshdTestEnv } from '../remote/helpers/sshdTestEnv';
import { buildNodeRunner, testModel } from '../remote/helpers/testModel';
import { launchChromium, watchProblems } from './harness/browser';
import { startHarness, type Harness } from './harness/server';

describe('Orin panel: per-layer rows and the sparse variant from a real loopback profile --layers', () => {
  let env: SshdTestEnv;
  let harness: Harness;
  let browser: Browser;
  let result: ProfileResult;
  let run: PanelRun;
  let sparseFile: string;
  let ckpt: string;
  let recorded: NonNullable<ReturnType<typeof readSparsePlan>>;
  let sampleCount: number;

  before(async () => {
    await esbuild.build({ entryPoints: [path.join(repoRoot, 'webview', 'remote', 'main.ts')], outfile: path.join(repoRoot, 'dist', 'webview', 'remote.js'), bundle: true, platform: 'browser', format: 'iife', target: 'es2022', logLevel: 'error' });
    env = await startSshd();
    const runner = await buildNodeRunner();
    const scratch = mkdtempSync(path.join(os.tmpdir(), 'dynapruner-remote-layers-'));
    try {
      const model = await testModel();
      assert.ok(model.bundled, 'the sparse variant needs the bundled Dyna-Pruner checkpoint');
      // A copy of the checkpoint with its calibrated sparse export beside it (the panel finds --compare-with models there).
      ckpt = path.join(scratch, path.basename(model.onnx));
      copyFileSync(model.onnx, ckpt);
      sparseFile = path.join(scratch, 'simvp_sparse_calibrated.onnx');
      const exported = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'src', 'cli', 'main.ts'), 'export', ckpt, '--variant', 'sparse', '--out', sparseFile, '--calibrate', 'local', '--calibrate-rounds', '1', '--calibrate-samples', '2', '--samples', model.inputs], { encoding: 'utf8', cwd: repoRoot, timeout: 300_000 });
      assert.equal(exported.status, 0, exported.stderr);
      // The sparse variant's plan is calibrated on the profiled host itself (profile --sparse-plan calibrate).
      const plan = await planProfile(ckpt, { samples: model.inputs, perSample: 2, kinds: ['ckpt', 'dense', 'l1c', 'sparse'], compareWith: [sparseFile], sparsePlan: { kind: 'calibrate', rounds: 1 } });
      sampleCount = parseNpy(readFileSync(model.inputs), model.inputs).shape[0];
      model.dispose();
      const host = resolveHost('orin-layers', {
        sshConfig: SSHConfig.parse(''),
        hosts: [{ alias: 'orin-layers', hostName: '127.0.0.1', port: env.port, user: env.user, identityFiles: [env.userKey], deviceRoot: fixtureDeviceRoot, workDir: path.join(scratch, 'work'), ortModulePath: path.join(repoRoot, 'node_modules', 'onnxruntime-node'), tegrastatsIntervalMs: 50 }],
      });
      const [settled] = await profileOnDevices([host], {
        connection: { knownHostsFiles: [env.knownHostsFile], connectTimeoutMs: 5000, agentSocket: '' },
        checkpoint: ckpt, variants: plan.variants, samples: { bytes: plan.samples.bytes, name: plan.samples.name },
        backend: 'node', warmup: 1, iterations: 5, perSample: 2, runnerScript: runner, reference: plan.reference, profileLayers: true, layerRounds: 2,
      }, plan);
      assert.ok(settled.result, `profile failed: ${settled.error?.message}`);
      result = settled.result;
      recorded = readSparsePlan(decodeModel(sparseFile, new Uint8Array(readFileSync(sparseFile))))!;
      run = toPanelRun(result, await profileLayerRows(result), await recordedSparsePlans(result));
    } finally {
      rmSync(runner, { force: true });
      rmSync(scratch, { recursive: true, force: true });
    }
    harness = await startHarness();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await harness?.close();
    await env?.stop();
  });

  it('shows per-layer rows of every variant and the sparse variant against clean dense', async () => {
    assert.deepEqual(run.variants.map((v) => v.id), ['ckpt', 'dense', 'l1c', 'sparse', 'cmp-simvp_sparse_calibrated']);
    for (const v of run.variants.slice(0, 4)) assert.ok((v.layers?.length ?? 0) > 0, `${v.id}: per-layer rows from the device's node runs`);
    const sparse = run.variants.find((v) => v.id === 'sparse')!;
    const dense = run.variants.find((v) => v.id === 'dense')!;
    const mapped = sparse.layers!.filter((l) => !l.name.startsWith('other ops'));
    assert.ok(mapped.some((l) => l.timeUs > 0 && l.macShare > 0), 'sparse: device time lands on compute layers with MACs');
    const timeTotal = sparse.layers!.reduce((a, l) => a + l.timeShare, 0);
    assert.ok(Math.abs(timeTotal - 1) < 1e-6, `sparse time shares sum to 1 (${timeTotal})`);

    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const problems = await watchProblems(page);
    await page.goto(harness.url('remote', 'light'));
    await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
    await page.evaluate((msg) => window.postMessage(msg, '*'), { type: 'runs', runs: [run], selected: [run.id] } satisfies ToRemoteWebview as unknown as Record<string, unknown>);
    await page.waitForSelector('[data-table="layers"] tbody tr');
    const rows = await page.evaluate(() => [...document.querySelectorAll('[data-table="layers"] tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    assert.equal(rows.length, run.variants.reduce((a, v) => a + (v.layers?.length ?? 0), 0), 'one row per layer and variant');
    const sparseRows = rows.filter((r) => r[1] === sparse.label);
    assert.equal(sparseRows.length, sparse.layers!.length);
    assert.equal(sparseRows[0][2], sparse.layers![0].name, 'largest time first');
    assert.equal(sparseRows[0][4], `${(100 * sparse.layers![0].timeShare).toFixed(1)}%`);

    const macs = await page.evaluate(() => [...document.querySelectorAll('[data-table="macs"] tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    const sparseMacs = macs.find((r) => r[1] === sparse.label)!;
    assert.ok(sparse.effectiveMacs && dense.effectiveMacs, 'MACs counted for sparse and clean dense');
    assert.equal(sparseMacs[3], `${(sparse.effectiveMacs / dense.effectiveMacs).toFixed(2)}x`, 'sparse MACs vs clean dense');
    assert.equal(sparseMacs[4], `${(sparse.latencyMs.mean / dense.latencyMs.mean).toFixed(2)}x`, 'sparse latency vs clean dense');
    assert.equal(sparseMacs[5], 'dense');
    // The calibrated export's recorded plan: where it was measured and its end-to-end ratio against clean dense.
    assert.ok(recorded.endToEnd, 'calibrated locally: timed end to end');
    const planLine = await page.locator('[data-plan="cmp-simvp_sparse_calibrated"]').textContent();
    assert.ok(planLine!.includes(`${recorded.endToEnd.ratio.toFixed(2)}x`), planLine!);
    assert.ok(planLine!.includes('recorded in the model file, measured on local'), planLine!);
    assert.ok(planLine!.includes(recorded.verdict), planLine!);
    // The run's own sparse variant: its plan calibrated on the profiled host, units gathered vs dense, measured ratio.
    const own = result.variants.find((v) => v.id === 'sparse')!.sparsePlan!;
    assert.equal(own.measured.calibrate, 'orin-layers');
    const denseUnits = own.units.filter((u) => u.form === 'dense').map((u) => u.unit);
    const planCells = await page.locator('[data-plan="sparse"] td').allTextContents();
    assert.deepEqual(planCells, [
      'orin-layers', sparse.label, `calibrated on orin-layers (${own.measured.device}, ${own.measured.runtime})`,
      `${own.units.length - denseUnits.length} of ${own.units.length}`, denseUnits.length ? `${denseUnits.length} (unit${denseUnits.length > 1 ? 's' : ''} ${denseUnits.join(', ')})` : '0',
      `${own.endToEnd!.ratio.toFixed(2)}x`, own.verdict,
    ]);
    assert.equal(await page.locator('[data-plan]').count(), 2, "the run's sparse variant and the calibrated export");
    // Predicted vs measured per-sample latency, per variant the latency model covers, from the run's own per-node profile.
    const predicted = await page.evaluate(() => [...document.querySelectorAll('[data-table="prediction"] tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    const withPrediction = result.variants.filter((v) => v.latencyPrediction);
    assert.deepEqual(withPrediction.map((v) => v.id), ['ckpt', 'dense', 'l1c', 'sparse'], 'the model covers the four forms; the compared export gets none');
    assert.deepEqual(predicted, withPrediction.map((v) => {
      const p = v.latencyPrediction!;
      return ['orin-layers', v.label, formatNumber(p.predictedMs, 4), formatNumber(p.measuredMs, 4), `${p.meanAbsPctError.toFixed(1)}%`, formatNumber(p.macLimitMs, 4), String(p.samples), p.fittedOn];
    }));
    for (const v of withPrediction) {
      const p = v.latencyPrediction!;
      assert.equal(p.samples, 2);
      const measured = measuredPerSample(v, sampleCount, 2);
      assert.ok(Math.abs(p.measuredMs - (measured[0] + measured[1]) / 2) < 1e-9, `${v.id}: measured is the mean over the samples of the median of their timed runs`);
      assert.ok(p.predictedMs > 0 && p.meanAbsPctError >= 0 && Number.isFinite(p.meanAbsPctError), `${v.id}: ${JSON.stringify(p)}`);
    }
    assert.match((await page.locator('h3', { hasText: 'Latency model' }).textContent())!, /predicted vs measured/);
    await page.locator('[data-table="plans"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(repoRoot, 'test-results', 'remote-sparse-plan.png'), fullPage: true });
    await page.locator('[data-table="layers"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(repoRoot, 'test-results', 'remote-layers.png') });
    assert.deepEqual(problems.cspViolations, [], 'CSP violations');
    assert.deepEqual(problems.consoleErrors, [], 'console errors');
    await page.close();
  });
});
