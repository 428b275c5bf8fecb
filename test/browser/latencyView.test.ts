/**
 * The FLOPs panel's Latency view in headless Chromium (the extension's HTML,
 * CSP and bundle), fed a real measurement: the bundled Dyna-Pruner checkpoint's
 * ckpt, clean dense, l1c and sparse variants profiled by the engine
 * (CoreEngine, onnxruntime-node, a few iterations on two storm windows).
 * Asserts the button posts measureLatency, the per-layer share figure and the
 * predicted vs measured figure hold the run's numbers, and the MAC-limit
 * sentence and variant table say what the measurement says. Light and dark.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as esbuild from 'esbuild';
import type { Browser } from 'playwright-core';
import { formatSig } from '../../src/core/figures/format';
import { macLimitSentence } from '../../src/core/figures/latencyRatios';
import type { LayerLatencyResult } from '../../src/core/schema/layerLatency';
import { CoreEngine } from '../../src/extension/engine/coreEngine';
import type { ToWebview } from '../../src/shared/protocol';
import { launchChromium, watchProblems } from './harness/browser';
import { requireDynaprunerCheckpoint, ROOT, stormFiles } from './harness/realResults';
import { startHarness, type Harness } from './harness/server';

const SHOTS = [path.join(ROOT, 'test-results', 'latency'), path.join(ROOT, 'media', 'screenshots')];
type Plot = { data: { name: string; x: number[]; y: unknown[] }[] };

describe('FLOPs panel Latency view in Chromium with a real measurement', () => {
  let ckpt: string;
  let latency: LayerLatencyResult;
  let harness: Harness;
  let browser: Browser;

  before(async () => {
    ckpt = requireDynaprunerCheckpoint();
    await esbuild.build({ entryPoints: [path.join(ROOT, 'webview', 'flops', 'main.ts')], outfile: path.join(ROOT, 'dist', 'webview', 'flops.js'), bundle: true, platform: 'browser', format: 'iife', target: 'es2022', logLevel: 'error' });
    const engine = new CoreEngine({ info: () => undefined, error: () => undefined });
    try {
      const run = await engine.latency({ checkpoint: ckpt, dataFiles: stormFiles(), maxSamples: 2, workers: 1, variants: ['ckpt', 'dense', 'l1c', 'sparse'], iterations: 2, warmup: 1, signal: new AbortController().signal, onProgress: () => undefined });
      latency = run.latency;
    } finally {
      await engine.close();
    }
    harness = await startHarness();
    browser = await launchChromium();
    for (const d of SHOTS) mkdirSync(d, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await harness?.close();
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`latency (${theme}): share figure, predicted vs measured, MAC-limit sentence and table from the run`, async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems = await watchProblems(page);
      await page.goto(harness.url('flops', theme));
      await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
      const send = (m: ToWebview) => page.evaluate((msg) => window.postMessage(msg, '*'), m as unknown as Record<string, unknown>);
      await send({ type: 'init', panel: 'flops', trusted: true, title: `FLOPs: ${path.basename(ckpt)}`, source: { checkpoints: [ckpt], runDir: null } });
      await page.locator('[data-action="measure-latency"]').click();
      const posted = await page.evaluate(() => (window as unknown as { __posted: { type: string }[] }).__posted.map((m) => m.type));
      assert.ok(posted.includes('measureLatency'), 'the button asks the host to measure');

      await send({ type: 'latency', jobId: null, latency });
      await page.waitForFunction(() => ['latency-layer-share', 'latency-predicted'].every((n) => (document.querySelector(`[data-figure="${n}"]`) as HTMLElement | null)?.dataset.rendered === 'true'), undefined, { timeout: 20_000 });
      const shares = await page.evaluate(() => (document.querySelector('[data-plot="latency-layer-share"]') as unknown as Plot).data.map((t) => ({ name: t.name, x: t.x })));
      assert.equal(shares.length, 2 * latency.variants.length, 'a MAC share and a time share series per variant');
      const sparse = latency.variants.find((v) => v.variant === 'sparse')!;
      const sparseTime = shares.find((t) => t.name === 'sparse: share of time')!.x;
      const mapped = sparse.layers.filter((l) => l.macs > 0 || l.timeUs > 0);
      assert.ok(mapped.length > 0, 'the sparse run maps time onto compute layers');
      const total = sparseTime.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(total - 100) < 1e-6, `sparse time shares sum to 100% (${total})`);

      const predicted = await page.evaluate(() => (document.querySelector('[data-plot="latency-predicted"]') as unknown as Plot).data.map((t) => ({ name: t.name, x: t.x })));
      for (const m of latency.model) assert.deepEqual(predicted.find((t) => t.name.startsWith(`${m.variant} (mean |err|`))?.x, m.samples.map((s) => s.measuredMs), `${m.variant}: measured ms per sample`);

      const sentence = await page.locator('[data-latency="sentence"]').textContent();
      assert.equal(sentence, macLimitSentence(latency));
      const dense = latency.variants.find((v) => v.variant === 'dense')!;
      const med = (xs: number[]) => {
        const s = [...xs].sort((a, b) => a - b);
        return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
      };
      assert.ok(sentence!.includes(`computes ${formatSig(med(sparse.perSampleMacs) / med(dense.perSampleMacs))}x the MACs`), sentence!);
      assert.equal(await page.locator('[data-table="latency-variants"] tbody tr').count(), latency.variants.length - 1, 'every variant but clean dense against it');
      assert.equal(await page.locator('[data-action="measure-latency"]').textContent(), 'Measure again');

      await page.locator('[data-view="latency"]').scrollIntoViewIfNeeded();
      for (const d of theme === 'light' ? SHOTS : SHOTS.slice(0, 1)) await page.screenshot({ path: path.join(d, `flops-latency-${theme}.png`), fullPage: false });
      assert.deepEqual(problems.cspViolations, [], 'CSP violations');
      assert.deepEqual(problems.consoleErrors, [], 'console errors');
      await page.close();
    });
  }
});
