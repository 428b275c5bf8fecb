/** Implementation of `npm run bench:ui` (see scripts/bench-ui.mjs). */
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import type { SampleAnalysis } from '../../src/core/engine/results';
import { CoreEngine } from '../../src/extension/engine/coreEngine';
import type { ToWebview } from '../../src/shared/protocol';
import { launchChromium } from '../../test/browser/harness/browser';
import { dynaprunerCheckpoint, stormFiles } from '../../test/browser/harness/realResults';
import { startHarness } from '../../test/browser/harness/server';

async function main(): Promise<void> {
  const ckpt = dynaprunerCheckpoint();
  if (!ckpt) throw new Error('no Dyna-Pruner checkpoint in demo/checkpoints (or DYNAPRUNER_CHECKPOINTS)');
  const harness = await startHarness();
  const browser = await launchChromium();
  const log = { info: () => undefined, warn: () => undefined, error: () => undefined, show: () => undefined };
  const engine = new CoreEngine(log);
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    const queue: ToWebview[] = [];
    let ready = false;
    const send = async (m: ToWebview) => {
      if (!ready) queue.push(m);
      else await page.evaluate((msg) => window.postMessage(msg, '*'), m as unknown as Record<string, unknown>);
    };
    // 1. command -> first figure (cold engine: checkpoint opened, workers started)
    const t0 = performance.now();
    const pageReady = (async () => {
      await page.goto(harness.url('masks', 'dark'));
      await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
      ready = true;
      await page.evaluate((msg) => window.postMessage(msg, '*'), { type: 'init', panel: 'masks', trusted: true, title: 'bench', source: { checkpoints: [ckpt], runDir: null } });
      for (const m of queue.splice(0)) await page.evaluate((msg) => window.postMessage(msg, '*'), m as unknown as Record<string, unknown>);
    })();
    const samples: SampleAnalysis[] = [];
    const analysis = engine.analyze({
      checkpoint: ckpt, dataFiles: stormFiles(), maxSamples: 64, workers: 1, signal: new AbortController().signal, onProgress: () => undefined,
      onStart: (s) => void send({ type: 'analysisStart', jobId: 'bench', ...s }),
      onSamples: (b) => {
        samples.push(...b);
        void send({ type: 'analysisSamples', jobId: 'bench', samples: b });
      },
    });
    await pageReady;
    await page.waitForFunction(() => document.querySelector('[data-figure][data-rendered="true"]') !== null, undefined, { timeout: 60_000, polling: 'raf' });
    const firstFigure = performance.now() - t0;
    const full = await analysis;
    const analysisDone = performance.now() - t0;
    await send({ type: 'analysis', jobId: 'bench', analysis: full });
    const n = full.samples.length;

    // 2. scrubbing
    // Page-side code as strings: tsx's keepNames helpers do not exist in the page.
    const scrub = async (): Promise<number> =>
      page.evaluate(`(async (count) => {
        const panel = window.dynaprunerMasks;
        const waitFor = (i) => new Promise((resolve) => {
          const check = () => (document.body.dataset.renderedSample === String(i) ? resolve() : requestAnimationFrame(check));
          check();
        });
        panel.setSample(count - 1);
        await waitFor(count - 1);
        const t = performance.now();
        for (let i = 0; i < count; i++) {
          panel.setSample(i);
          await waitFor(i);
        }
        return (performance.now() - t) / count;
      })(${n})`) as Promise<number>;
    await scrub(); // warm-up pass
    const frame = await scrub();
    // Baseline in the same run: the same figures redrawn from scratch (Plotly.newPlot) per sample.
    const baseline = (await page.evaluate(`(async (count) => {
      const P = window.Plotly;
      const plots = [...document.querySelectorAll('[data-plot]')];
      const specs = plots.map((p) => ({ data: JSON.parse(JSON.stringify(p.data)), layout: JSON.parse(JSON.stringify(p.layout)) }));
      const t = performance.now();
      for (let i = 0; i < count; i++) {
        for (let k = 0; k < plots.length; k++) await P.newPlot(plots[k], specs[k].data, specs[k].layout, { displayModeBar: false });
        await new Promise((r) => requestAnimationFrame(r));
      }
      return (performance.now() - t) / count;
    })(${Math.min(n, 16)})`)) as number;
    const mem = process.memoryUsage();
    const metrics = (await (await page.context().newCDPSession(page)).send('Performance.getMetrics').catch(() => ({ metrics: [] as { name: string; value: number }[] }))) as { metrics: { name: string; value: number }[] };
    const heap = metrics.metrics.find((m) => m.name === 'JSHeapUsedSize')?.value;
    console.log(`checkpoint: ${path.basename(ckpt)}, ${n} samples`);
    console.log(`command -> first rendered figure: ${firstFigure.toFixed(0)} ms (target < 1500 ms; whole analysis streamed in ${analysisDone.toFixed(0)} ms)`);
    console.log(`scrub, ${n} samples x 7 figures: ${frame.toFixed(1)} ms/frame (target < 33 ms); baseline full redraw (Plotly.newPlot): ${baseline.toFixed(1)} ms/frame; ratio ${(baseline / frame).toFixed(2)}x`);
    console.log(`peak memory: node rss ${(mem.rss / 1048576).toFixed(0)} MB; webview JS heap ${heap ? (heap / 1048576).toFixed(0) : '?'} MB`);
  } finally {
    engine.dispose();
    await browser.close();
    await harness.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
