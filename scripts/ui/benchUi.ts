/** Implementation of `npm run bench:ui` (see scripts/bench-ui.mjs). */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Browser } from 'playwright-core';
import type { Analysis } from '../../src/core/schema/results';
import { CoreEngine } from '../../src/extension/engine/coreEngine';
import type { EngineClient } from '../../src/extension/engine/engineClient';
import type { ToWebview } from '../../src/shared/protocol';
import { launchChromium } from '../../test/browser/harness/browser';
import { requireDynaprunerCheckpoint, ROOT, stormFiles } from '../../test/browser/harness/realResults';
import { startHarness, type Harness } from '../../test/browser/harness/server';

/** Every window of the storm series (train + val + test): 57 for T_in = T_out = 4 over 64 steps. */
const SPLIT = 'all';
const MAX_SAMPLES = 64;
/** Frames scrubbed (sample i % n for i < FRAMES). */
const FRAMES = 64;
/** Paired cold-worker rounds (baseline and current each). */
const COLD_ROUNDS = Number(process.env.BENCH_UI_ROUNDS ?? 5);
/** Hover moves over the importance map. */
const HOVER_MOVES = 120;
/**
 * BENCH_UI_BASELINE_WORKER: an engine worker bundle built from an earlier
 * commit (with its inferenceWorker.js beside it): the baseline rounds run it
 * the way the current one runs (code cache, overlapped steps), so the ratio
 * is this tree's cold path against that commit's. Unset: the baseline is the
 * previous cold path of this bundle (compiled without the code cache, steps
 * one after the other).
 */
const BASELINE_WORKER = process.env.BENCH_UI_BASELINE_WORKER ? path.resolve(process.env.BENCH_UI_BASELINE_WORKER) : null;
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
  /**
   * CPU time of this process (every thread: the engine and inference threads,
   * the harness) from the command to the engine's first sample (ms): less
   * sensitive to the machine's load than wall time (Chromium is not in it).
   */
  engineCpu: number;
  analysis: Analysis;
}

/**
 * Opens the Masks page and runs the analysis concurrently (as the command does), forwarding messages as they stream.
 * `untilFirst`: cancel the analysis once the first figure is on screen (the cold-path rounds need no more).
 */
async function commandToFirstFigure(browser: Browser, harness: Harness, ckpt: string, engine: EngineClient, keepPage = false, untilFirst = false) {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  const post = (m: ToWebview) => page.evaluate((msg) => window.postMessage(msg, '*'), m as unknown as Record<string, unknown>);
  const t0 = performance.now();
  const cpu0 = cpuMs();
  let readyAt = 0;
  let engineFirst = 0;
  let engineCpu = 0;
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
  const controller = new AbortController();
  const analysis = engine.analyze({
    checkpoint: ckpt, dataFiles: stormFiles(), split: SPLIT, maxSamples: MAX_SAMPLES, workers: 1, signal: controller.signal, onProgress: () => undefined,
    onStart: (s) => send({ type: 'analysisStart', jobId: 'bench', ...s }),
    onSamples: (samples) => {
      if (!engineFirst) engineCpu = cpuMs() - cpu0;
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
  if (untilFirst) {
    controller.abort();
    await analysis.catch(() => undefined);
    await chain;
    await page.close();
    return { result: { first, maps, done: NaN, readyAt, engineFirst, engineCpu, analysis: null as unknown as Analysis } satisfies FirstFigure, page };
  }
  const full = await analysis;
  await chain;
  const done = performance.now() - t0;
  if (!keepPage) await page.close();
  return { result: { first, maps, done, readyAt, engineFirst, engineCpu, analysis: full } satisfies FirstFigure, page };
}

/** CPU time of this process so far, all threads (ms). */
function cpuMs(): number {
  const r = process.resourceUsage();
  return (r.userCPUTime + r.systemCPUTime) / 1000;
}

/** Median of a list. */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** A cold engine worker (started by the command), logging into `lines`: the current one with its code cache, the baseline without. */
function coldEngine(workerPath: string, current: boolean, lines: string[], codeCacheDir: string): CoreEngine {
  return new CoreEngine({ info: (t) => lines.push(t), error: () => undefined }, { workerPath, workerData: { overlapColdPath: current }, codeCacheDir: current ? codeCacheDir : null });
}

/**
 * One start of the worker that writes its code cache and its derived graphs
 * (the checkpoint's clean dense graph, beside the code cache), as any earlier
 * session of the extension that analysed the checkpoint has.
 */
async function primeCodeCache(workerPath: string, codeCacheDir: string, ckpt: string): Promise<void> {
  const engine = coldEngine(workerPath, true, [], codeCacheDir);
  await engine.inspect(path.join(ROOT, 'demo', 'checkpoints', 'simvp_dense.onnx'));
  const first = new AbortController();
  await engine.analyze({
    checkpoint: ckpt, dataFiles: stormFiles(), split: SPLIT, maxSamples: MAX_SAMPLES, workers: 1, signal: first.signal,
    onProgress: () => undefined, onStart: () => undefined, onSamples: () => first.abort(),
  }).catch(() => undefined);
  const deadline = Date.now() + 30_000;
  while (!(existsSync(codeCacheDir) && readdirSync(codeCacheDir).some((f) => f.endsWith('.cache'))) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  await engine.close();
}

/**
 * Command -> first figure with a cold engine worker, paired and interleaved: each round runs the
 * baseline (the previous cold path: every step after the previous one) and the current one
 * (overlapped), in alternating order, each with a fresh worker and page.
 */
async function coldRounds(browser: Browser, harness: Harness, ckpt: string, workerPath: string) {
  const runs: Record<'baseline' | 'current', FirstFigure[]> = { baseline: [], current: [] };
  const steps: Record<'baseline' | 'current', string> = { baseline: '', current: '' };
  const codeCacheDir = mkdtempSync(path.join(os.tmpdir(), 'dynapruner-bench-ui-cache-'));
  await primeCodeCache(workerPath, codeCacheDir, ckpt);
  const baselineCacheDir = BASELINE_WORKER ? mkdtempSync(path.join(os.tmpdir(), 'dynapruner-bench-ui-cache-')) : null;
  if (BASELINE_WORKER && baselineCacheDir) await primeCodeCache(BASELINE_WORKER, baselineCacheDir, ckpt);
  for (let r = 0; r < COLD_ROUNDS; r++) {
    const order: ('baseline' | 'current')[] = r % 2 ? ['current', 'baseline'] : ['baseline', 'current'];
    for (const which of order) {
      const lines: string[] = [];
      const engine = which === 'baseline' && BASELINE_WORKER && baselineCacheDir
        ? coldEngine(BASELINE_WORKER, true, lines, baselineCacheDir)
        : coldEngine(workerPath, which === 'current', lines, codeCacheDir);
      runs[which].push((await commandToFirstFigure(browser, harness, ckpt, engine, false, true)).result);
      await engine.close();
      steps[which] = lines.filter((l) => l.startsWith('analysis of') || l.includes('code cache')).join('; ') || steps[which];
    }
  }
  for (const d of [codeCacheDir, baselineCacheDir]) {
    if (d) for (const f of [d, `${d}-graphs`]) rmSync(f, { recursive: true, force: true });
  }
  return { runs, steps };
}

async function main(): Promise<void> {
  const ckpt = requireDynaprunerCheckpoint();
  const workerPath = path.join(ROOT, 'dist', 'engineWorker.js');
  if (!existsSync(workerPath) || !existsSync(path.join(ROOT, 'dist', 'webview', 'masks.js'))) throw new Error('run `npm run build` first (the bench runs the built engine worker and webview bundles)');
  const loadBefore = os.loadavg()[0];
  const harness = await startHarness();
  const browser = await launchChromium();
  const engines: { dispose(): void }[] = [];
  try {
    // 1. Cold worker, paired rounds against the previous cold path.
    const cold = await coldRounds(browser, harness, ckpt, workerPath);
    // 2. Engine worker started at activation (what the extension does), checkpoint opened by the command.
    const warm = new CoreEngine(quiet, { workerPath });
    engines.push(warm);
    warm.warmUp();
    await warm.inspect(path.join(ROOT, 'demo', 'checkpoints', 'simvp_dense.onnx')).catch(() => undefined); // the worker's modules are loaded, as after activation
    // The command comes a few seconds after activation: let the inference threads finish loading onnxruntime.
    await new Promise((r) => setTimeout(r, ACTIVATION_TO_COMMAND_MS));
    const w = (await commandToFirstFigure(browser, harness, ckpt, warm)).result;
    // 3. The checkpoint was opened in the Overview (custom editor) first, which prepares it (checkpoint and sessions).
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
    // 3. Hover read-out on the importance map: per-move cost (event handler, read-out text, its style and layout), paired and
    // interleaved per move with the previous renderer's hover (the same map as a Plotly heatmap, Plotly.Fx.hover at the same cell).
    // Moves are 60 ms apart for both: Plotly coalesces hovers closer than 50 ms.
    const hover = (await page.evaluate(`(async (moves) => {
      const canvas = document.querySelector('canvas.map[data-plot="masks-importance"]');
      const readout = document.querySelector('[data-readout="maps"]');
      const P = window.Plotly;
      const st = canvas.mapState();
      const H = st.values.length, W = st.values[0].length;
      const div = document.createElement('div');
      div.style.cssText = 'width:320px;height:320px';
      document.body.append(div);
      await P.react(div, [{ type: 'heatmap', z: st.values, zmin: st.zmin, zmax: st.zmax, colorscale: st.colorscale, hovertemplate: 'row %{y}, col %{x}: %{z:.3g}<extra></extra>' }],
        { margin: { l: 24, r: 8, t: 24, b: 20 }, yaxis: { scaleanchor: 'x' } }, { displayModeBar: false });
      const cur = [], base = [];
      let labels = 0, texts = new Set();
      for (let k = 0; k < moves; k++) {
        const col = (k * 7) % W, row = (k * 5) % H;
        for (const which of k % 2 ? ['base', 'cur'] : ['cur', 'base']) {
          await new Promise((r) => setTimeout(r, 60));
          if (which === 'cur') {
            const r = canvas.getBoundingClientRect();
            const x = r.left + ((col + 0.5) * r.width) / W, y = r.top + ((H - 1 - row + 0.5) * r.height) / H;
            const t = performance.now();
            canvas.dispatchEvent(new MouseEvent('mousemove', { clientX: x, clientY: y, bubbles: true }));
            void readout.getBoundingClientRect();
            cur.push(performance.now() - t);
            texts.add(readout.textContent);
          } else {
            const t = performance.now();
            P.Fx.hover(div, { xval: col, yval: row });
            void div.querySelector('.hoverlayer').getBoundingClientRect();
            base.push(performance.now() - t);
            labels += div.querySelectorAll('.hoverlayer .hovertext').length > 0 ? 1 : 0;
          }
        }
      }
      div.remove();
      return { cur, base, labels, distinct: texts.size, sample: [...texts][0] };
    })(${HOVER_MOVES})`)) as { cur: number[]; base: number[]; labels: number; distinct: number; sample: string };
    if (hover.labels < HOVER_MOVES || hover.distinct < 2) throw new Error(`hover benchmark did not hover: ${hover.labels} Plotly labels, ${hover.distinct} distinct read-outs of ${HOVER_MOVES} moves`);
    const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(0.95 * (xs.length - 1))];
    const metrics = (await (await page.context().newCDPSession(page)).send('Performance.getMetrics').catch(() => ({ metrics: [] as { name: string; value: number }[] }))) as { metrics: { name: string; value: number }[] };
    const heap = metrics.metrics.find((m) => m.name === 'JSHeapUsedSize')?.value;
    const ms = (v: number) => `${v.toFixed(0)} ms`;
    const loadAfter = os.loadavg()[0];
    console.log(`checkpoint: ${path.relative(ROOT, ckpt)}; data: storm series, split '${SPLIT}' (${n} windows: train + val + test)`);
    console.log(`machine: ${os.availableParallelism()} CPUs, load average (1 min) ${loadBefore.toFixed(1)} at the start, ${loadAfter.toFixed(1)} at the end`);
    const med = (rs: FirstFigure[], k: keyof Omit<FirstFigure, 'analysis'>) => median(rs.map((r) => r[k]));
    const coldRow = (label: string, rs: FirstFigure[]) =>
      console.log(`  ${label} first figure median ${ms(med(rs, 'first'))} (${rs.map((r) => r.first.toFixed(0)).join(', ')}); page ready ${ms(med(rs, 'readyAt'))}; engine sample 1 ${ms(med(rs, 'engineFirst'))}, CPU ${ms(med(rs, 'engineCpu'))} (all threads of this process)`);
    console.log(`command -> first rendered figure (Masks panel), engine worker started by the command (cold), ${COLD_ROUNDS} paired rounds, order alternating:`);
    coldRow(BASELINE_WORKER ? `baseline, ${path.relative(ROOT, BASELINE_WORKER)} (code cache, overlapped):` : 'baseline, the previous cold path (bundle compiled, steps one after the other):', cold.runs.baseline);
    coldRow('current (bundle from the code cache, clean dense graph from the graph cache; onnxruntime and sessions overlap decoding and reading):', cold.runs.current);
    const bc = med(cold.runs.baseline, 'first');
    const cc = med(cold.runs.current, 'first');
    console.log(`  target: <= 1000 ms; ratio baseline / current ${(bc / cc).toFixed(2)}x (engine sample 1: ${(med(cold.runs.baseline, 'engineFirst') / med(cold.runs.current, 'engineFirst')).toFixed(2)}x, its CPU: ${(med(cold.runs.baseline, 'engineCpu') / med(cold.runs.current, 'engineCpu')).toFixed(2)}x); floor: page ready ${ms(med(cold.runs.current, 'readyAt'))} (the first figure cannot come before the page)`);
    console.log(`  engine steps, baseline: ${cold.steps.baseline}`);
    console.log(`  engine steps, current:  ${cold.steps.current}`);
    const row = (label: string, r: FirstFigure) => console.log(`  ${label} ${ms(r.first)}; maps ${ms(r.maps)}; page ready ${ms(r.readyAt)}; engine ${ms(r.engineFirst)}; all ${ms(r.done)}`);
    row(`engine worker started at activation, ${ACTIVATION_TO_COMMAND_MS / 1000} s before the command:`, w);
    row('checkpoint prepared by the Overview (custom editor) first:      ', p);
    console.log(`hover read-out on the importance map, ${HOVER_MOVES} moves (handler + read-out text + its layout), paired per move:`);
    console.log(`  current (canvas map, text read-out): median ${median(hover.cur).toFixed(2)} ms, p95 ${p95(hover.cur).toFixed(2)} ms per move (target < 16 ms, one frame at 60 Hz)`);
    console.log(`  baseline, the previous renderer (Plotly heatmap, Plotly.Fx.hover at the same cells): median ${median(hover.base).toFixed(2)} ms, p95 ${p95(hover.base).toFixed(2)} ms; ratio ${(median(hover.base) / median(hover.cur)).toFixed(1)}x`);
    console.log(`  e.g. "${hover.sample}"`);
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
