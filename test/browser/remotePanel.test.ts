/**
 * The Orin profiling panel (dist/webview/remote.js) in headless Chromium,
 * served through the extension's own HTML/CSP template, fed a real profile:
 * the bundled Dyna-Pruner checkpoint and its dense-mode and static-L1
 * variants profiled on two "devices" at once over a loopback OpenSSH sshd
 * (the saved JSON of that run is kept in test-results/remote-panel/). The
 * live phase replays the run's own per-host progress and tegrastats events;
 * then the finished runs arrive. Light and dark themes; asserts the device
 * cards, live plot, latency histogram, percentile, MACs and energy tables
 * hold that data, and that there are no console errors or CSP violations.
 * Screenshots go to media/screenshots/remote-*.png (README).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as esbuild from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import SSHConfig from 'ssh-config';
import { resolveHost } from '../../src/core/remote/ssh/hostConfig';
import { planProfile } from '../../src/core/remote/profile/profilePlan';
import type { ProfileResult } from '../../src/core/schema/profileResult';
import { profileOnDevices, type ProfileEvent } from '../../src/core/remote/profile/profileRun';
import { progressOf, toPanelRun } from '../../src/extension/remote/panelModel';
import type { ToRemoteWebview } from '../../src/shared/remoteProtocol';
import { formatNumber } from '../../webview/common/format';
import { fixtureDeviceRoot, repoRoot, startSshd, type SshdTestEnv } from '../remote/helpers/sshdTestEnv';
import { buildNodeRunner, testModel } from '../remote/helpers/testModel';
import { launchChromium, watchProblems, type PageProblems } from './harness/browser';
import { startHarness, type Harness } from './harness/server';
import type { ThemeName } from './harness/themes';

const plotlyBuilt = existsSync(path.join(repoRoot, 'dist', 'webview', 'plotly.js'));
const SHOTS = [path.join(repoRoot, 'test-results', 'remote-panel'), path.join(repoRoot, 'media', 'screenshots')];
const HOSTS = ['orin-left', 'orin-right'];

describe('Orin profiling panel in Chromium with a real loopback-sshd profile', { skip: plotlyBuilt ? false : 'run `npm run build` first (dist/webview/plotly.js)' }, () => {
  let env: SshdTestEnv;
  let harness: Harness;
  let browser: Browser;
  let results: ProfileResult[];
  const events: Array<{ alias: string; event: ProfileEvent }> = [];

  before(async () => {
    // The panel bundle as scripts/build.mjs makes it, so the test sees the current source.
    await esbuild.build({ entryPoints: [path.join(repoRoot, 'webview', 'remote', 'main.ts')], outfile: path.join(repoRoot, 'dist', 'webview', 'remote.js'), bundle: true, platform: 'browser', format: 'iife', target: 'es2022', logLevel: 'error' });
    env = await startSshd();
    const runner = await buildNodeRunner();
    const scratch = mkdtempSync(path.join(os.tmpdir(), 'dynapruner-remote-panel-'));
    try {
      const model = await testModel();
      const plan = await planProfile(model.onnx, { samples: model.bundled ? undefined : model.inputs, perSample: 4 });
      model.dispose(); // the plan holds the samples in memory; the model's temporary inputs are not needed any more
      const hosts = HOSTS.map((alias) =>
        resolveHost(alias, {
          sshConfig: SSHConfig.parse(''),
          hosts: [{ alias, hostName: '127.0.0.1', port: env.port, user: env.user, identityFiles: [env.userKey], deviceRoot: fixtureDeviceRoot, workDir: path.join(scratch, 'work'), ortModulePath: path.join(repoRoot, 'node_modules', 'onnxruntime-node'), tegrastatsIntervalMs: 50 }],
        }),
      );
      const settled = await profileOnDevices(hosts, {
        connection: { knownHostsFiles: [env.knownHostsFile], connectTimeoutMs: 5000, agentSocket: '' },
        checkpoint: model.onnx,
        variants: plan.variants,
        samples: { bytes: plan.samples.bytes, name: plan.samples.name },
        backend: 'node',
        warmup: 2,
        iterations: 60,
        perSample: 4,
        runnerScript: runner,
        reference: plan.reference,
        onEvent: (event, alias) => events.push({ alias, event }),
      });
      for (const s of settled) assert.ok(s.result, `${s.alias}: ${s.error?.message}`);
      results = settled.map((s) => s.result!);
    } finally {
      rmSync(runner, { force: true });
      rmSync(scratch, { recursive: true, force: true });
    }
    for (const d of SHOTS) mkdirSync(d, { recursive: true });
    writeFileSync(path.join(SHOTS[0], 'profile.json'), JSON.stringify(results, null, 1));
    harness = await startHarness();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await harness?.close();
    await env?.stop();
  });

  async function open(theme: ThemeName): Promise<{ page: Page; problems: PageProblems; send: (m: ToRemoteWebview) => Promise<void> }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const problems = await watchProblems(page);
    await page.goto(harness.url('remote', theme));
    await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
    const send = (m: ToRemoteWebview) => page.evaluate((msg) => window.postMessage(msg, '*'), m as unknown as Record<string, unknown>);
    return { page, problems, send };
  }

  const rendered = (page: Page, name: string) => page.waitForFunction((n) => document.querySelector(`[data-figure="${n}"]`)?.getAttribute('data-rendered') === 'true', name, { timeout: 20_000 });
  const cells = (page: Page, table: string) => page.evaluate((t) => [...document.querySelectorAll(`[data-table="${t}"] tbody tr`)].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')), table);

  async function shot(page: Page, problems: PageProblems, name: string, dirs = SHOTS): Promise<void> {
    await page.waitForTimeout(150);
    for (const d of dirs) await page.screenshot({ path: path.join(d, `${name}.png`), fullPage: true });
    assert.deepEqual(problems.cspViolations, [], 'CSP violations');
    assert.deepEqual(problems.consoleErrors, [], 'console errors');
  }

  for (const theme of ['light', 'dark'] as const) {
    it(`live (${theme}): per-host progress rows and tegrastats traces from the run's own events`, async () => {
      const { page, problems, send } = await open(theme);
      let points = 0;
      const replay = async (from: number, to: number) => {
        for (const { alias, event } of events.slice(from, to)) {
          const row = progressOf(alias, event);
          if (row) await send({ type: 'progress', progress: row });
          if (event.kind === 'tegrastats') {
            await send({ type: 'live', alias, point: event.point });
            points++;
          }
        }
      };
      // Mid-run (the first host half done) for the README screenshot, then the rest.
      const half = events.findIndex((e) => e.event.kind === 'progress' && e.event.progress.fraction >= 0.5);
      await replay(0, half + 1);
      await rendered(page, 'live');
      await page.waitForTimeout(100);
      for (const d of SHOTS) await page.screenshot({ path: path.join(d, `remote-live-${theme}.png`) });
      await replay(half + 1, events.length);
      assert.ok(points > 0, 'the run streamed tegrastats');
      await rendered(page, 'live');
      await page.waitForFunction((n) => ((document.querySelector('[data-plot="live"]') as unknown as { data?: unknown[] }).data?.length ?? 0) === n, HOSTS.length * 2);
      // The panel coalesces live redraws: wait until the last streamed point is drawn.
      const streamed = 2 * events.filter((e) => e.event.kind === 'tegrastats').length;
      await page.waitForFunction((n) => ((document.querySelector('[data-plot="live"]') as unknown as { data?: { y: number[] }[] }).data ?? []).reduce((a, t) => a + t.y.length, 0) === n, streamed, { timeout: 10_000 }).catch(() => undefined);
      const traces = await page.evaluate(() => (document.querySelector('[data-plot="live"]') as unknown as { data: { name: string; y: number[] }[] }).data.map((t) => ({ name: t.name, n: t.y.length })));
      assert.deepEqual(traces.map((t) => t.name).sort(), HOSTS.flatMap((h) => [`${h} GPU %`, `${h} W`]).sort());
      const perHost = new Map(HOSTS.map((h) => [h, events.filter((e) => e.alias === h && e.event.kind === 'tegrastats').length]));
      for (const t of traces) assert.equal(t.n, perHost.get(t.name.replace(/ (W|GPU %)$/, '')), `${t.name}: every streamed point plotted`);
      // One labelled progress row per host, showing that host's last event.
      const rows = await page.evaluate(() => [...document.querySelectorAll('.host-progress')].map((r) => ({ host: (r as HTMLElement).dataset.host, text: r.textContent })));
      assert.deepEqual(rows.map((r) => r.host), HOSTS);
      for (const h of HOSTS) {
        const last = [...events].reverse().map((e) => (e.alias === h ? progressOf(h, e.event) : null)).find(Boolean)!;
        assert.ok(rows.find((r) => r.host === h)!.text!.includes(last.text), `${h}: shows '${last.text}'`);
      }
      await shot(page, problems, `remote-live-end-${theme}`, SHOTS.slice(0, 1));
      await page.close();
    });

    it(`results (${theme}): device cards, histogram, percentiles, MACs and energy from the saved profile`, async () => {
      const { page, problems, send } = await open(theme);
      await send({ type: 'runs', runs: results.map((r) => toPanelRun(r)), selected: results.map((r) => r.id) });
      await rendered(page, 'live');
      await rendered(page, 'latency');
      const cards = await page.evaluate(() => [...document.querySelectorAll('[data-device]')].map((c) => c.textContent ?? ''));
      assert.equal(cards.length, results.length);
      for (const [i, r] of results.entries()) {
        assert.ok(cards[i].includes(r.host.alias) && cards[i].includes(r.device.model!) && cards[i].includes(`L4T ${r.device.l4t}`) && cards[i].includes(r.device.powerMode!.name), cards[i]);
      }
      const hist = await page.evaluate(() => (document.querySelector('[data-plot="latency"]') as unknown as { data: { x: number[]; name: string }[] }).data.map((t) => ({ n: t.x.length, name: t.name })));
      const expectedHist = results.flatMap((r) => r.variants.map((v) => ({ n: v.latenciesMs.length, name: `${r.host.alias} · ${v.label}` })));
      assert.deepEqual(hist, expectedHist, 'one histogram per host and variant, every timed latency');
      const live = await page.evaluate(() => (document.querySelector('[data-plot="live"]') as unknown as { data: { y: number[] }[] }).data.map((t) => t.y.length));
      assert.deepEqual(live, results.flatMap((r) => [r.tegrastats.length, r.tegrastats.length]), 'saved tegrastats plotted per host');

      const pct = await cells(page, 'percentiles');
      const rows = results.flatMap((r) => r.variants.map((v) => ({ r, v })));
      assert.equal(pct.length, rows.length);
      // The panel's numbers go through the shared formatter: 4 significant digits for latency, 3 for power.
      const ms = (x: number) => formatNumber(x, 4);
      rows.forEach(({ r, v }, i) => assert.deepEqual(pct[i], [r.host.alias, v.label, String(v.latencyMs.n), ms(v.latencyMs.mean), ms(v.latencyMs.p50), ms(v.latencyMs.p90), ms(v.latencyMs.p99), ms(v.throughputQps)]));

      const energy = await cells(page, 'energy');
      rows.forEach(({ v }, i) => {
        assert.equal(energy[i][2], formatNumber(v.power!.totalMw / 1000, 3));
        assert.equal(energy[i][4], formatNumber(v.power!.energyPerInferenceMj, 3));
        assert.match(energy[i][6], /^max \|Δ\| /);
      });

      const macs = await cells(page, 'macs');
      rows.forEach(({ r, v }, i) => {
        const ref = r.variants.find((x) => x.id === 'dense') ?? r.variants[0];
        assert.equal(macs[i][4], `${(v.latencyMs.mean / ref.latencyMs.mean).toFixed(2)}x`);
        if (v.effectiveMacs) assert.equal(macs[i][2], formatNumber(v.effectiveMacs.mean / 1e9, 4));
      });
      assert.ok(await page.locator('text=sparse executor').count(), 'the dense-runtime caveat is shown');
      // Profiled without a per-node profile: the latency model cannot predict, and the panel says why.
      assert.ok(results.every((r) => r.variants.every((v) => !v.latencyPrediction)));
      assert.equal(await page.locator('[data-table="prediction"]').count(), 0);
      assert.match((await page.locator('[data-prediction-note]').textContent())!, /fitted on a per-node profile \(setting dynapruner\.remote\.profile\.layers; the CLI's profile --layers/);

      await page.locator('.run button', { hasText: 'Re-run' }).first().click();
      const posted = await page.evaluate(() => (window as unknown as { __posted: { type: string; runId?: string }[] }).__posted);
      assert.ok(posted.some((m) => m.type === 'rerun' && results.some((r) => r.id === m.runId)), 'Re-run posts the run id');
      await shot(page, problems, `remote-${theme}`);
      await page.close();
    });
  }
});
