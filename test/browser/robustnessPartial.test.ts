/**
 * Partial sweep results in the Robustness panel: a real sweep of the bundled
 * Dyna-Pruner checkpoint on the storm windows (the engine worker, as the
 * extension runs it) streams its rows so far; the panel, served as the
 * extension serves it, draws the curves from them with the progress in the
 * user's terms (screenshot for the README), then the final result with its
 * tables; a cancelled run's partial rows are dropped and the last complete
 * sweep comes back.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { sweepProgressText } from '../../src/core/figures/sweepProgress';
import type { SweepResult } from '../../src/core/schema/results';
import { CoreEngine } from '../../src/extension/engine/coreEngine';
import type { ToWebview } from '../../src/shared/protocol';
import { launchChromium, watchProblems } from './harness/browser';
import { requireDynaprunerCheckpoint, ROOT, stormFiles } from './harness/realResults';
import { startHarness, type Harness } from './harness/server';

/** Where the screenshot of the running state goes (test-results, and the README's media). */
const SHOTS = [path.join(ROOT, 'test-results', 'webviews'), path.join(ROOT, 'media', 'screenshots')];
const quiet = { info: () => undefined, error: () => undefined };
const GRIDS = { noise: [0, 0.02, 0.05, 0.1], failure: [0, 0.05, 0.1, 0.2], baselines: ['dense', 'random', 'l1'] as ('dense' | 'random' | 'l1')[], seeds: [0, 1], dataThresholds: [0.4, 0.5, 0.6], tauOffsets: [0, 0.1] };

/** Rows recorded in a (partial) sweep, over every point. */
function recorded(s: SweepResult): number {
  return [...s.noise, ...s.failure, ...s.sensitivity.points, ...s.ablation].reduce((a, p) => a + p.mse.n, 0);
}

describe('Robustness panel: partial sweep results', () => {
  let ckpt: string;
  let harness: Harness;
  let browser: Browser;
  const partials: { sweep: SweepResult; samples: number }[] = [];
  let final: SweepResult;

  before(async () => {
    ckpt = requireDynaprunerCheckpoint();
    const engine = new CoreEngine(quiet);
    try {
      final = await engine.sweep({
        checkpoint: ckpt, dataFiles: stormFiles(), maxSamples: 9, workers: 1, signal: new AbortController().signal, onProgress: () => undefined, grids: GRIDS,
        onPartial: (sweep, samples) => partials.push({ sweep, samples }),
      });
    } finally {
      engine.dispose();
    }
    harness = await startHarness();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('the engine streams growing partial results, at least 500 ms apart, before the final one', () => {
    assert.ok(partials.length >= 2, `${partials.length} partial results`);
    const rows = partials.map((p) => recorded(p.sweep));
    for (let i = 1; i < rows.length; i++) {
      assert.ok(rows[i] >= rows[i - 1], `rows recorded went down: ${rows.join(', ')}`);
      // Spacing by the engine's clock (the summary's createdAt): messages can arrive together when the host is busy.
      const gap = Date.parse(partials[i].sweep.createdAt) - Date.parse(partials[i - 1].sweep.createdAt);
      assert.ok(gap >= 490, `partials ${i - 1} and ${i} summarised ${gap} ms apart`);
    }
    assert.ok(rows.some((r) => r < recorded(final)), 'every partial already had every row');
    assert.equal(partials[0].samples, 9);
    // The final result has every row of every point (unrecorded rows would be left out of an estimate).
    for (const p of [...final.noise, ...final.failure, ...final.sensitivity.points, ...final.ablation]) assert.equal(p.mse.n, 9 * p.seeds.length, p.id);
  });

  async function open(): Promise<{ page: Page; send: (m: ToWebview) => Promise<void>; problems: Awaited<ReturnType<typeof watchProblems>> }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = await watchProblems(page);
    await page.goto(harness.url('robustness', 'dark'));
    await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
    const send = (m: ToWebview) => page.evaluate((msg) => window.postMessage(msg, '*'), m as unknown as Record<string, unknown>);
    await send({ type: 'init', panel: 'robustness', trusted: true, title: `robustness: ${path.basename(ckpt)}`, source: { checkpoints: [ckpt], runDir: null } });
    return { page, send, problems };
  }

  /** Markers drawn on the noise plot (points with at least one recorded row). */
  const noiseMarkers = (page: Page) =>
    page.evaluate(() => ((document.querySelector('[data-plot="robustness-noise"]') as unknown as { data: { mode?: string; x: number[] }[] }).data.filter((t) => t.mode === 'lines+markers').reduce((a, t) => a + t.x.length, 0)));

  it('draws the partial rows with the progress in words, then the final result and its tables', async () => {
    const { page, send, problems } = await open();
    // The partial result nearest half of the rows, with some noise point drawn.
    const half = recorded(final) / 2;
    const drawn = partials.filter((p) => p.sweep.noise.some((q) => q.mse.n > 0));
    const mid = [...(drawn.length ? drawn : partials)].sort((a, b) => Math.abs(recorded(a.sweep) - half) - Math.abs(recorded(b.sweep) - half))[0];
    await send({ type: 'progress', jobId: 'j1', fraction: recorded(mid.sweep) / recorded(final), message: sweepProgressText(mid.sweep, mid.samples) });
    await send({ type: 'sweepPartial', jobId: 'j1', sweep: mid.sweep, samples: mid.samples });
    await page.waitForFunction(() => document.querySelector('[data-figure="robustness-noise"]')?.getAttribute('data-rendered') === 'true');
    const status = (await page.locator('[data-partial]').textContent()) ?? '';
    assert.match(status, /^Partial results, still running: .*\d+ of \d+ points done$/);
    assert.doesNotMatch(status, /allCut|dataCut|tauCut|rows/, 'internal names in the progress');
    assert.equal(await page.locator('[data-table]').count(), 0, 'no tables from partial rows');
    const partialMarkers = await noiseMarkers(page);
    await page.waitForFunction(() => document.querySelector('[data-figure="robustness-pareto"]')?.getAttribute('data-rendered') === 'true');
    for (const dir of SHOTS) {
      mkdirSync(dir, { recursive: true });
      await page.screenshot({ path: path.join(dir, 'robustness-partial-dark.png') });
    }
    await send({ type: 'sweep', jobId: 'j1', sweep: final });
    await send({ type: 'jobEnd', jobId: 'j1', outcome: 'done' });
    await page.waitForFunction(() => document.body.dataset.sweep === 'complete');
    assert.ok(await page.locator('[data-partial]').isHidden(), 'status line gone after the final result');
    assert.ok((await page.locator('[data-table="table2-robustness"] tbody tr').count()) > 0);
    const finalMarkers = await noiseMarkers(page);
    assert.equal(finalMarkers, final.noise.length, 'every noise point drawn at the end');
    assert.ok(partialMarkers <= finalMarkers, `${partialMarkers} partial vs ${finalMarkers} final markers`);
    assert.deepEqual(problems.consoleErrors, []);
    assert.deepEqual(problems.cspViolations, []);
    await page.close();
  });

  it('a cancelled sweep keeps nothing: its partial rows go and the last complete sweep comes back', async () => {
    const { page, send, problems } = await open();
    await send({ type: 'sweep', jobId: 'j1', sweep: final });
    await send({ type: 'jobEnd', jobId: 'j1', outcome: 'done' });
    await page.waitForFunction(() => document.querySelector('[data-figure="robustness-noise"]')?.getAttribute('data-rendered') === 'true');
    const first = partials[0];
    await send({ type: 'progress', jobId: 'j2', fraction: 0.1, message: 'sweep' });
    await send({ type: 'sweepPartial', jobId: 'j2', sweep: first.sweep, samples: first.samples });
    await page.waitForFunction(() => document.body.dataset.sweep === 'partial');
    await send({ type: 'jobEnd', jobId: 'j2', outcome: 'cancelled' });
    await page.waitForFunction(() => document.body.dataset.sweep === 'complete');
    await page.waitForFunction((n) => {
      const plot = document.querySelector('[data-plot="robustness-noise"]') as unknown as { data?: { mode?: string; x: number[] }[] };
      return plot.data?.filter((t) => t.mode === 'lines+markers').reduce((a, t) => a + t.x.length, 0) === n;
    }, final.noise.length);
    assert.ok((await page.locator('[data-table="table2-robustness"] tbody tr').count()) > 0);
    // Without an earlier result the placeholder comes back.
    const fresh = await open();
    await fresh.send({ type: 'sweepPartial', jobId: 'j3', sweep: first.sweep, samples: first.samples });
    await fresh.page.waitForFunction(() => document.body.dataset.sweep === 'partial');
    await fresh.send({ type: 'jobEnd', jobId: 'j3', outcome: 'cancelled' });
    await fresh.page.waitForFunction(() => (document.querySelector('.empty') as HTMLElement | null)?.hidden === false);
    assert.deepEqual([...problems.consoleErrors, ...fresh.problems.consoleErrors], []);
    await page.close();
    await fresh.page.close();
  });
});
