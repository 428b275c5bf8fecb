/** Implementation of `npm run bench:ui` (see scripts/bench-ui.mjs). */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Browser } from 'playwright-core';
import type { Analysis } from '../../src/core/schema/results';
import { CoreEngine } from '../../src/extension/engine/coreEngine';
import type { EngineClient } from '../../src/extension/engine/engineClient';
import { InProcessEngine } from '../../src/extension/engine/inProcessEngine';
import type { ToWebview } from '../../src/shared/protocol';
import { launchChromium } from '../../test/browser/harness/browser';
import { requireDynaprunerCheckpoint, ROOT, stormFiles } from '../../test/browser/harness/realResults';
import { startHarness, type Harness } from '../../test/browser/harness/server';

/** Every window of the storm series (train + val + test): 57 for T_in = T_out = 4 over 64 steps. */
const SPLIT = 'all';
const MAX_SAMPLES = 64;
/** Frames scrubbed (sample i % n for i < FRAMES). */
const FRAMES = 64;
/** Time between activation (engine warm-up) and the command in the warm scenario. */
const ACTIVATION_TO_COMMAND_MS = 3000;

const quiet = { info: () => undefined, error: () => undefined };

interface FirstFigure {
  /** Command -> first rendered figure of the Masks panel (ms). */
  first: number;
  /** Command -> first sample's maps painted (ms). */
  maps: number;
  /** Command -> the whole analysis streamed (ms). */
  done: number;
  /** Command -> the webview page loaded and answered `ready` (ms). */
  readyAt: number;
  /** Command -> the engine delivered the first analysed sample to the host (ms). */
  engineFirst: number;
  analysis: Analysis;
}

/** Opens the Masks page and runs the analysis concurrently (as the command does), forwarding messages as they stream. */
async function commandToFirstFigure(browser: Browser, harness: Harness, ckpt: string, engine: EngineClient, keepPage = false) {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  const post = (m: ToWebview) => page.evaluate((msg) => window.postMessage(msg, '*'), m as unknown as Record<string, unknown>);
  const t0 = performance.now();
  let readyAt = 0;
  let engineFirst = 0;
  const pageReady = (async () => {
    await page.goto(harness.url('masks', 'dark'));
    await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
    await post({ type: 'init', panel: 'masks', trusted: true, title: 'bench', source: { checkpoints: [ckpt], runDir: null } });
    readyAt = performance.now() - t0;
  })();
  // Messages go out in order once the webview is ready (the host's panel replays them the same way).
  let chain: Promise<unknown> = pageReady;
  const send = (m: ToWebview) => {
    chain = chain.then(() => post(m));
  };
  const analysis = engine.analyze({
    checkpoint: ckpt, dataFiles: stormFiles(), split: SPLIT, maxSamples: MAX_SAMPLES, workers: 1, signal: new AbortController().signal, onProgress: () => undefined,
    onStart: (s) => send({ type: 'analysisStart', jobId: 'bench', ...s }),
    onSamples: (samples) => {
      engineFirst ||= performance.now() - t0;
      send({ type: 'analysisSamples', jobId: 'bench', samples });
    },
  });
  await pageReady;
  let first = 0;
  const firstDone = page.waitForFunction(() => document.querySelector('[data-figure][data-rendered="true"]') !== null, undefined, { timeout: 120_000, polling: 'raf' }).then(() => (first = performance.now() - t0));
  await page.waitForFunction(() => document.querySelector('[data-figure="masks-importance"]')?.getAttribute('data-rendered') === 'true', undefined, { timeout: 120_000, polling: 'raf' });
  const maps = performance.now() - t0;
  await firstDone;
  const full = await analysis;
  await chain;
  const done = performance.now() - t0;
  if (!keepPage) await page.close();
  return { result: { first, maps, done, readyAt, engineFirst, analysis: full } satisfies FirstFigure, page };
}

async function main(): Promise<void> {
  const ckpt = requireDynaprunerCheckpoint();
  const workerPath = path.join(ROOT, 'dist', 'engineWorker.js');
  if (!existsSync(workerPath) || !existsSync(path.join(ROOT, 'dist', 'webview', 'masks.js'))) throw new Error('run `npm run build` first (the bench runs the built engine worker and webview bundles)');
  const harness = await startHarness();
  const browser = await launchChromium();
  const engines: { dispose(): void }[] = [];
  try {
    // 1. Command -> first figure, three ways in this run, each with a fresh engine (checkpoint not yet opened):
    //    before: the previous path (checkpoint opened and samples aggregated on the calling thread, first chunk of 8 samples);
    //    cold:   engine worker started by the command;
    //    warm:   engine worker started at activation (what the extension does), checkpoint opened by the command.
    const before = new InProcessEngine(quiet, 8);
    engines.push(before);
    const b = (await commandToFirstFigure(browser, harness, ckpt, before)).result;
    const cold = new CoreEngine(quiet, { workerPath });
    engines.push(cold);
    const c = (await commandToFirstFigure(browser, harness, ckpt, cold)).result;
    const warm = new CoreEngine(quiet, { workerPath });
    engines.push(warm);
    warm.warmUp();
    await warm.inspect(path.join(ROOT, 'demo', 'checkpoints', 'simvp_dense.onnx')).catch(() => undefined); // the worker's modules are loaded, as after activation
    // The command comes a few seconds after activation: let the inference threads finish loading onnxruntime.
    await new Promise((r) => setTimeout(r, ACTIVATION_TO_COMMAND_MS));
    const w = (await commandToFirstFigure(browser, harness, ckpt, warm)).result;
    // 4th way: the checkpoint was opened in the Overview (custom editor) first, which prepares it (checkpoint and sessions).
    const prepared = new CoreEngine(quiet, { workerPath });
    engines.push(prepared);
    prepared.warmUp();
    prepared.prepare(ckpt, 1);
    await prepared.inspect(ckpt);
    await new Promise((r) => setTimeout(r, ACTIVATION_TO_COMMAND_MS));
    const { result: p, page } = await commandToFirstFigure(browser, harness, ckpt, prepared, true);
    await page.evaluate((msg) => window.postMessage(msg, '*'), { type: 'analysis', jobId: 'bench', analysis: p.analysis } as unknown as Record<string, unknown>);
    const n = p.analysis.samples.length;

    // 2. Scrubbing: FRAMES slider moves over the n samples, each waiting until the seven maps and the stats show the sample.
    // Page-side code as strings: tsx's keepNames helpers do not exist in the page.
    const scrub = (frames: number) =>
      page.evaluate(`(async (frames, n) => {
        const panel = window.dynaprunerMasks;
        const waitFor = (i) => new Promise((resolve) => {
          const check = () => (document.body.dataset.renderedSample === String(i) ? resolve() : requestAnimationFrame(check));
          check();
        });
        panel.setSample(n - 1);
        await waitFor(n - 1);
        const times = [];
        const t = performance.now();
        for (let k = 0; k < frames; k++) {
          const s = performance.now();
          panel.setSample(k % n);
          await waitFor(k % n);
          times.push(performance.now() - s);
        }
        times.sort((a, b) => a - b);
        return { mean: (performance.now() - t) / frames, p95: times[Math.floor(0.95 * (times.length - 1))] };
      })(${frames}, ${n})`) as Promise<{ mean: number; p95: number }>;
    await scrub(8); // warm-up
    const frame = await scrub(FRAMES);
    // Baseline in the same run: the previous renderer, the same seven maps as Plotly heatmaps updated with Plotly.react per frame.
    await page.waitForFunction(() => (window as unknown as { Plotly?: unknown }).Plotly !== undefined, undefined, { timeout: 60_000 });
    const baseline = (await page.evaluate(`(async (frames, n) => {
      const P = window.Plotly;
      const panel = window.dynaprunerMasks;
      const canvases = [...document.querySelectorAll('canvas.map')];
      const host = document.createElement('div');
      host.style.cssText = 'display:grid;grid-template-columns:repeat(4,300px)';
      document.body.append(host);
      const divs = canvases.map(() => { const d = document.createElement('div'); d.style.cssText = 'width:300px;height:230px'; host.append(d); return d; });
      const waitFor = (i) => new Promise((resolve) => {
        const check = () => (document.body.dataset.renderedSample === String(i) ? resolve() : requestAnimationFrame(check));
        check();
      });
      const draw = () => Promise.all(canvases.map((c, k) => {
        const st = c.mapState();
        if (!st) return null;
        return P.react(divs[k], [{ type: 'heatmap', z: st.values, zmin: st.zmin, zmax: st.zmax, colorscale: st.colorscale, colorbar: { thickness: 8 } }],
          { title: { text: st.title }, margin: { l: 24, r: 8, t: 24, b: 20 }, yaxis: { scaleanchor: 'x' } }, { displayModeBar: false });
      }));
      panel.setSample(0); await waitFor(0); await draw();
      const t = performance.now();
      for (let k = 0; k < frames; k++) {
        panel.setSample(k % n);
        await waitFor(k % n);
        await draw();
        await new Promise((r) => requestAnimationFrame(r));
      }
      const mean = (performance.now() - t) / frames;
      host.remove();
      return mean;
    })(${Math.min(FRAMES, 16)}, ${n})`)) as number;
    const metrics = (await (await page.context().newCDPSession(page)).send('Performance.getMetrics').catch(() => ({ metrics: [] as { name: string; value: number }[] }))) as { metrics: { name: string; value: number }[] };
    const heap = metrics.metrics.find((m) => m.name === 'JSHeapUsedSize')?.value;
    const ms = (v: number) => `${v.toFixed(0)} ms`;
    console.log(`checkpoint: ${path.relative(ROOT, ckpt)}; data: storm series, split '${SPLIT}' (${n} windows: train + val + test)`);
    console.log('command -> first rendered figure (Masks panel), with: first sample maps painted; webview page ready; engine delivered sample 1; whole analysis streamed:');
    const row = (label: string, r: FirstFigure) => console.log(`  ${label} ${ms(r.first)}; maps ${ms(r.maps)}; page ready ${ms(r.readyAt)}; engine ${ms(r.engineFirst)}; all ${ms(r.done)}`);
    row('before (checkpoint opened on the calling thread, first chunk of 8):', b);
    row('engine worker started by the command (cold):                   ', c);
    row(`engine worker started at activation, ${ACTIVATION_TO_COMMAND_MS / 1000} s before the command:`, w);
    row('checkpoint prepared by the Overview (custom editor) first:      ', p);
    console.log('  target: first figure < 1500 ms');
    console.log(`  ratio before / warm: ${(b.first / w.first).toFixed(2)}x`);
    console.log(`scrub, ${FRAMES} frames over ${n} samples x 7 maps: ${frame.mean.toFixed(1)} ms/frame mean, p95 ${frame.p95.toFixed(1)} ms (target < 33 ms; includes waiting for the next animation frame)`);
    console.log(`  baseline in this run, the previous renderer (7 Plotly heatmaps, Plotly.react per frame): ${baseline.toFixed(1)} ms/frame; ratio ${(baseline / frame.mean).toFixed(2)}x`);
    console.log(`peak memory: node max rss ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (engine and inference worker threads included); webview JS heap ${heap ? (heap / 1048576).toFixed(0) : '?'} MB`);
  } finally {
    for (const e of engines) e.dispose();
    await browser.close();
    await harness.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
