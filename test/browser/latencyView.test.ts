/**
 * The FLOPs panel's Latency view in headless Chromium (the extension's HTML,
 * CSP and bundle), fed a real measurement: the bundled Dyna-Pruner checkpoint's
 * ckpt, clean dense, l1c and sparse variants profiled by the engine
 * (CoreEngine, onnxruntime-node, a few iterations on two storm windows).
 * Asserts the button posts measureLatency; the result arrives as the host
 * sends it, after a job's progress (light: progress with Cancel, then the
 * result and jobEnd naming the saved run, which the webview persists for the
 * restore) or read back from a saved run (dark: no job); the latency view
 * then replaces its placeholder, the per-layer share figure and the
 * predicted vs measured figure hold the run's numbers, and the MAC-limit
 * sentence and variant table say what the measurement says.
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
import { launchChromium } from './harness/browser';
import { assertPageClean, openPanelPage } from './harness/panelPage';
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

  for (const [theme, arrival] of [['light', 'job'], ['dark', 'saved run']] as const) {
    it(`latency (${theme}, from a ${arrival}): the view shows the run: share figure, predicted vs measured, MAC-limit sentence and table`, async () => {
      const { page, problems, send, posted } = await openPanelPage(browser, harness, 'flops', { theme, checkpoints: [ckpt], title: `FLOPs: ${path.basename(ckpt)}` });
      const placeholder = page.locator('[data-latency="placeholder"]');
      const results = page.locator('[data-latency="sentence"]');
      assert.ok(await placeholder.isVisible(), 'not measured yet');
      assert.equal(await results.isVisible(), false);
      await page.locator('[data-action="measure-latency"]').click();
      assert.deepEqual((await posted()).filter((m) => m.type === 'measureLatency'), [{ type: 'measureLatency' }], 'the button asks the host to measure, once');

      const runDir = path.join(ROOT, '.dynapruner', 'runs', 'r-latency');
      if (arrival === 'job') {
        // What FlopsLatency.measure posts: the job's progress, the result, then jobEnd with the saved run in the source.
        await send({ type: 'progress', jobId: 'lat1', fraction: 0.3, message: 'profiling ckpt' });
        assert.equal(await page.locator('.progress:not([hidden]) [data-action="cancel"]').count(), 1, 'progress with Cancel while measuring');
        await send({ type: 'latency', jobId: 'lat1', latency });
        await send({ type: 'jobEnd', jobId: 'lat1', outcome: 'done', runId: 'r-latency', source: { checkpoints: [ckpt], runDir: null, latencyRunDir: runDir } });
        assert.equal(await page.locator('.progress:not([hidden])').count(), 0, 'the progress bar goes when the job ends');
        const state = await page.evaluate(() => (window as unknown as { __state: { source: { latencyRunDir?: string } } }).__state);
        assert.equal(state.source.latencyRunDir, runDir, 'the webview persists the saved latency run (a restored panel reads it back)');
      } else {
        // What FlopsLatency.restore posts for a saved run: the result alone.
        await send({ type: 'latency', jobId: null, latency });
      }
      await results.waitFor({ state: 'visible' });
      assert.equal(await placeholder.isVisible(), false, 'the placeholder goes');
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
      await assertPageClean(page, problems);
      await page.close();
    });
  }
});
