/**
 * Every panel in headless Chromium, served exactly as the extension serves it
 * (same template, CSP and bundles), fed real engine results of the bundled
 * checkpoints on the bundled storm data, in the Light+ and Dark+ themes:
 * figures render with the run's data, no console errors, no CSP violations.
 * Screenshots go to test-results/ and media/screenshots/ (README).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { decodeF32 } from '../../src/core/schema/encoding';
import { formatSig } from '../../src/core/figures/format';
import { rasterizeMap, type Colorscale } from '../../src/core/figures/raster';
import type { PanelKind } from '../../src/shared/ids';
import type { CompareModel } from '../../src/shared/models';
import type { ToWebview } from '../../src/shared/protocol';
import { inspectModel } from '../../src/core/inspect/inspect';
import { compareEntry } from '../../src/extension/compareEntries';
import { overviewModel } from '../../src/extension/overviewModel';
import { OnnxBuilder, seededValues } from '../helpers/onnxBuilder';
import { launchChromium, type PageProblems } from './harness/browser';
import { assertPageClean, openPanelPage } from './harness/panelPage';
import { checkpoints, realResults, requireDynaprunerCheckpoint, ROOT, stormFiles, type RealResults } from './harness/realResults';
import { startHarness, type Harness } from './harness/server';
import type { ThemeName } from './harness/themes';

const SHOTS = [path.join(ROOT, 'test-results', 'webviews'), path.join(ROOT, 'media', 'screenshots')];

describe('webview panels in Chromium', () => {
  let ckpt: string;
  let harness: Harness;
  let browser: Browser;
  let data: RealResults;
  let compare: CompareModel;

  before(async () => {
    // The bundled checkpoint and the built bundles are required: missing ones fail the suite (no skipping in CI).
    ckpt = requireDynaprunerCheckpoint();
    if (!existsSync(path.join(ROOT, 'dist', 'webview', 'plotly.js'))) throw new Error('dist/webview/plotly.js is missing: run `npm run build` first');
    data = await realResults(ckpt, { maxSamples: 16, sweep: true });
    const others = checkpoints().filter((c) => c !== ckpt).slice(0, 2);
    const entries = [data.analysis];
    for (const o of others) entries.push((await realResults(o, { maxSamples: 16, sweep: false })).analysis);
    compare = {
      data: stormFiles().map((f) => path.basename(f)),
      entries: entries.map((a) => compareEntry(a.model.path, a)),
    };
    harness = await startHarness();
    browser = await launchChromium();
    for (const d of SHOTS) mkdirSync(d, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await harness?.close();
  });

  /** Opens a panel page, waits for `ready`, sends init. */
  async function open(kind: PanelKind, theme: ThemeName, trusted = true, width = 1280): Promise<{ page: Page; problems: PageProblems; send: (m: ToWebview) => Promise<void> }> {
    const { page, problems, send } = await openPanelPage(browser, harness, kind, { theme, checkpoints: [ckpt], trusted, width });
    return { page, problems, send };
  }

  async function allRendered(page: Page): Promise<number> {
    await page.waitForFunction(() => {
      const figs = [...document.querySelectorAll('[data-figure]')].filter((f) => (f as HTMLElement).offsetParent !== null);
      return figs.length > 0 && figs.every((f) => (f as HTMLElement).dataset.rendered === 'true');
    }, undefined, { timeout: 20_000 });
    return page.locator('[data-figure][data-rendered="true"]').count();
  }

  /** Checks the page's problems and closes it; `readme` false keeps the screenshot out of media/screenshots. */
  async function finish(page: Page, problems: PageProblems, name: string, readme = true): Promise<void> {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(150);
    for (const d of readme ? SHOTS : SHOTS.slice(0, 1)) await page.screenshot({ path: path.join(d, `${name}.png`), fullPage: false });
    await assertPageClean(page, problems);
    await page.close();
  }

  for (const theme of ['light', 'dark'] as const) {
    it(`overview (${theme}): facts and layer chart from inspect`, async () => {
      const { page, problems, send } = await open('overview', theme);
      await send({ type: 'overview', overview: data.overview });
      await allRendered(page);
      const params = await page.locator('[data-stat="params"] .v').textContent();
      assert.equal(params, Math.round(data.overview.totals.params).toLocaleString('en-US'));
      assert.equal(await page.locator('[data-table="overview-layers"] tbody tr').count(), data.overview.layers.filter((l) => l.macs > 0).length, 'compute layers by default');
      await page.locator('[data-control="all-nodes"]').check();
      assert.equal(await page.locator('[data-table="overview-layers"] tbody tr').count(), data.overview.layers.length, 'every node with the toggle');
      await page.locator('[data-control="all-nodes"]').uncheck();
      await finish(page, problems, `overview-${theme}`);
    });

    it(`masks (${theme}): streamed samples, importance map and FLOPs chart from the run`, async () => {
      const { page, problems, send } = await open('masks', theme);
      const a = data.analysis;
      await send({ type: 'analysisStart', jobId: 'job1', ...data.start });
      await send({ type: 'progress', jobId: 'job1', fraction: 0.5, message: 'sample 8/16' });
      assert.equal(await page.locator('[data-action="cancel"]').count(), 1, 'cancel button while running');
      await send({ type: 'analysisSamples', jobId: 'job1', samples: data.batches[0] });
      await allRendered(page);
      assert.equal(await page.locator('[data-control="sample"]').getAttribute('max'), String(data.batches[0].length - 1), 'slider covers the streamed samples');
      for (const b of data.batches.slice(1)) await send({ type: 'analysisSamples', jobId: 'job1', samples: b });
      await send({ type: 'analysis', jobId: 'job1', analysis: a });
      await send({ type: 'jobEnd', jobId: 'job1', outcome: 'done' });
      await allRendered(page);
      // The importance map holds sample 0's S from the run, painted by the shared renderer (the report's pixels).
      type MapState = { zmin: number; zmax: number; colorscale: Colorscale; values: number[][] };
      const state0 = await page.evaluate(() => (document.querySelector('[data-plot="masks-importance"]') as unknown as { mapState(): unknown }).mapState()) as MapState;
      const [H, W] = a.model.grid;
      assert.equal(state0.values.length, H);
      assert.equal(state0.values[0].length, W);
      const s0 = decodeF32(a.samples[0].importance!);
      assert.ok(Math.abs(state0.values[H - 1][W - 1] - s0[H * W - 1]) < 1e-6 && Math.abs(state0.values[0][0] - s0[0]) < 1e-6, 'importance map = S of sample 0');
      const painted = await page.evaluate(() => {
        const c = document.querySelector('[data-plot="masks-importance"]') as HTMLCanvasElement;
        return [...c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data];
      });
      const expected = rasterizeMap(s0, H, W, 0, { zmin: state0.zmin, zmax: state0.zmax, colorscale: state0.colorscale });
      assert.deepEqual(painted, [...expected], 'canvas pixels = the shared renderer of S');
      // The per-sample figure catches up with the last streamed batch on its next draw.
      await page.waitForFunction((n) => (document.querySelector('[data-plot="masks-flops"]') as unknown as { data?: { y: number[] }[] }).data?.[0].y.length === n, a.samples.length);
      const bars = await page.evaluate(() => ((document.querySelector('[data-plot="masks-flops"]') as unknown as { data: { y: number[] }[] }).data[0].y));
      assert.equal(bars.length, a.samples.length);
      assert.ok(Math.abs(bars[0] - a.samples[0].macs.total / 1e9) < 1e-12, 'per-sample figure = effective MACs of the run');
      // Scrubbing: the stats follow the slider.
      await page.locator('[data-control="sample"]').fill('3');
      await page.waitForFunction(() => document.body.dataset.renderedSample === '3');
      const active = await page.locator('[data-stat="active-fraction"] .v').textContent();
      assert.equal(active, `${(a.samples[3].activeFraction * 100).toFixed(1)}%`);
      const state = await page.evaluate(() => (window as unknown as { __state: { ui: Record<string, unknown> } }).__state);
      assert.equal(state.ui.sample, 3, 'slider position persisted');
      await page.locator('[data-control="sample"]').fill('0');
      await page.waitForFunction(() => document.body.dataset.renderedSample === '0');
      // Overlay: the pixels the data mask skips are blended towards grey on S (the shared renderer's overlay).
      const mask0 = a.samples[0].dataMask ? decodeF32(a.samples[0].dataMask) : null;
      if (mask0) {
        await page.locator('[data-control="overlay"]').check();
        await page.waitForFunction(() => (window as unknown as { __state: { ui: Record<string, unknown> } }).__state.ui.overlay === true);
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
        const overlaid = await page.evaluate(() => {
          const c = document.querySelector('[data-plot="masks-importance"]') as HTMLCanvasElement;
          return [...c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data];
        });
        assert.deepEqual(overlaid, [...rasterizeMap(s0, H, W, 0, { zmin: state0.zmin, zmax: state0.zmax, colorscale: state0.colorscale, overlay: mask0 })], 'overlay = renderer with the data mask');
        if (mask0.some((v) => v === 0)) assert.notDeepEqual(overlaid, painted, 'skipped pixels changed');
        await page.locator('[data-control="overlay"]').uncheck();
      }
      await finish(page, problems, `masks-${theme}`);
    });

    it(`flops (${theme}): per-layer breakdown, distribution, sortable table`, async () => {
      const { page, problems, send } = await open('flops', theme);
      await send({ type: 'analysis', jobId: null, analysis: data.analysis });
      assert.equal(await allRendered(page), 2);
      assert.equal(await page.locator('[data-table="flops-layers"] tbody tr').count(), data.analysis.layers.length);
      await page.locator('[data-table="flops-layers"] th', { hasText: 'dense' }).first().click();
      const first = await page.locator('[data-table="flops-layers"] tbody tr td').first().textContent();
      const biggest = [...data.analysis.layers].sort((x, y) => y.denseMacs - x.denseMacs)[0];
      assert.equal(first, biggest.node, 'sorted by dense MACs, largest first');
      await page.locator('[data-control="unit"]').selectOption('FLOPs');
      await page.waitForFunction(() => document.querySelector('[data-stat="dense"] .v')?.textContent?.includes('FLOPs'));
      await finish(page, problems, `flops-${theme}`);
    });

    it(`filters (${theme}): frequency heatmap and raster`, async () => {
      const { page, problems, send } = await open('filters', theme);
      await send({ type: 'analysis', jobId: null, analysis: data.analysis });
      assert.equal(await allRendered(page), 2);
      const rows = await page.evaluate(() => ((document.querySelector('[data-plot="filters-frequency"]') as unknown as { data: { z: number[][] }[] }).data[0].z.length));
      assert.equal(rows, data.analysis.aggregates.filterFrequency.length);
      await page.locator('[data-control="sort"]').check();
      type Raster = { data: { text: string[][]; colorscale: [number, string][]; colorbar: { ticktext: string[] } }[]; layout: { yaxis: { title: { text: string } } } };
      const raster = await page.evaluate(() => { const p = document.querySelector('[data-plot="filters-raster"]') as unknown as Raster; return { data: p.data, layout: p.layout }; }) as Raster;
      assert.match(raster.data[0].text[0][0], /^filter \d+ of .+ at step \d+: (active|skipped)$/, 'hover in words');
      assert.equal(raster.layout.yaxis.title.text, 'window start (time step)');
      assert.deepEqual(raster.data[0].colorbar.ticktext, ['skipped', 'active'], 'raster legend');
      assert.ok(raster.data[0].colorscale.every(([, c]) => !/^(#fff(fff)?|white|rgb\(255, 255, 255\))$/i.test(c)), 'no white cells');
      await finish(page, problems, `filters-${theme}`);
    });

    it(`robustness (${theme}): noise / failure curves with bands, Pareto, Table II`, async () => {
      const { page, problems, send } = await open('robustness', theme);
      await send({ type: 'sweep', jobId: null, sweep: data.sweep! });
      assert.equal(await allRendered(page), 3);
      const names = await page.evaluate(() => ((document.querySelector('[data-plot="robustness-noise"]') as unknown as { data: { name?: string }[] }).data.map((t) => t.name).filter(Boolean)));
      assert.ok(names.includes('Dyna-Pruner') && names.includes('Clean dense (same weights, masks off)'), `methods plotted: ${names.join(', ')}`);
      // The clean dense MSE of a masks-trained checkpoint is orders of magnitude above the rest: a log axis keeps the other curves apart.
      const noise = data.sweep!.noise;
      const means = noise.map((p) => p.mse.mean);
      const axis = await page.evaluate(() => ((document.querySelector('[data-plot="robustness-noise"]') as unknown as { layout: { yaxis: { type: string; title: { text: string } } } }).layout.yaxis));
      if (Math.max(...means) / Math.min(...means) > 20) assert.equal(axis.type, 'log', `MSE axis for ${Math.min(...means).toFixed(3)}..${Math.max(...means).toFixed(3)}`);
      if (data.sweep!.trainedDense) assert.ok(names.some((n) => n?.startsWith('Trained dense')), 'the trained dense checkpoint is plotted');
      assert.equal(await page.locator('[data-table="table2-robustness"] tbody tr').count(), data.sweep!.tables.table2.rows.length);
      await finish(page, problems, `robustness-${theme}`);
    });

    it(`compare (${theme}): checkpoints side by side`, async () => {
      const { page, problems, send } = await open('compare', theme);
      await send({ type: 'compare', compare });
      // Cost, accuracy and the Pareto fronts.
      assert.equal(await allRendered(page), 3);
      assert.equal(await page.locator('[data-table="compare-table1"] tbody tr').count(), compare.entries.length);
      await finish(page, problems, `compare-${theme}`);
    });
  }

  for (const width of [1440, 700]) {
    it(`robustness tables at ${width} px: no two tables overlap, no page-wide sideways scroll`, async () => {
      const { page, problems, send } = await open('robustness', 'light', true, width);
      await send({ type: 'sweep', jobId: null, sweep: data.sweep! });
      await allRendered(page);
      const layout = await page.evaluate(() => {
        type Box = { name: string; left: number; top: number; right: number; bottom: number };
        const boxes: Box[] = [];
        for (const card of document.querySelectorAll<HTMLElement>('[data-table]')) {
          // What the reader sees of a table: its box clipped by any scrolling ancestor.
          let r = card.querySelector('table')!.getBoundingClientRect();
          let box = { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
          for (let el = card.querySelector('table')!.parentElement; el && el !== document.body; el = el.parentElement) {
            const style = getComputedStyle(el);
            if (style.overflowX !== 'visible' || style.overflowY !== 'visible') {
              r = el.getBoundingClientRect();
              box = { left: Math.max(box.left, r.left), top: Math.max(box.top, r.top), right: Math.min(box.right, r.right), bottom: Math.min(box.bottom, r.bottom) };
            }
          }
          boxes.push({ name: card.dataset.table!, ...box });
        }
        const overlaps: string[] = [];
        for (let i = 0; i < boxes.length; i++) {
          for (let j = i + 1; j < boxes.length; j++) {
            const a = boxes[i];
            const b = boxes[j];
            const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
            const hgt = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
            if (w > 0.5 && hgt > 0.5) overlaps.push(`${a.name} x ${b.name} (${w.toFixed(0)} x ${hgt.toFixed(0)} px)`);
          }
        }
        const cards = [...document.querySelectorAll<HTMLElement>('[data-table]')].map((c) => ({ name: c.dataset.table!, outside: c.querySelector('table')!.getBoundingClientRect().right - c.getBoundingClientRect().right, scrolls: getComputedStyle(c.querySelector('table')!.parentElement!).overflowX }));
        return { overlaps, cards, pageScroll: document.scrollingElement!.scrollWidth - window.innerWidth, count: boxes.length };
      });
      assert.equal(layout.count, 4, 'Tables I-IV shown');
      assert.deepEqual(layout.overlaps, [], 'tables overlap');
      for (const c of layout.cards) assert.ok(c.outside <= 0.5 || c.scrolls === 'auto', `${c.name} sticks out of its card by ${c.outside.toFixed(0)} px without a scroll bar`);
      assert.ok(layout.pageScroll <= 0, `the page scrolls sideways by ${layout.pageScroll} px`);
      await finish(page, problems, `robustness-tables-${width}`, false);
    });
  }

  it('robustness status: failure replaces the placeholder, stale notices go, the saved run is persisted for the restore', async () => {
    const { page, problems, send } = await open('robustness', 'dark');
    const placeholder = () => page.locator('.empty').first().textContent();
    const state = () => page.evaluate(() => (window as unknown as { __state: { source: { runDir: string | null } } }).__state);
    await send({ type: 'progress', jobId: 'j1', fraction: 0.2, message: 'sweep: 10 of 50 evaluations' });
    await send({ type: 'jobEnd', jobId: 'j1', outcome: 'failed', error: 'samples.nc: variable "u" missing' });
    assert.ok(!(await placeholder())?.includes('Waiting'), `placeholder after a failure: ${await placeholder()}`);
    await send({ type: 'progress', jobId: 'j2', fraction: 0.1, message: 'sweep: 5 of 50 evaluations' });
    assert.equal(await page.locator('[data-notice="job"]').count(), 0, 'the failure notice went when the re-run started');
    await send({ type: 'jobEnd', jobId: 'j2', outcome: 'cancelled' });
    assert.equal(await page.locator('[data-notice="job"]', { hasText: 'Cancelled' }).count(), 1);
    await send({ type: 'progress', jobId: 'j3', fraction: 0.5, message: 'sweep: 25 of 50 evaluations' });
    await send({ type: 'sweep', jobId: 'j3', sweep: data.sweep! });
    const runDir = path.join(ROOT, '.dynapruner', 'runs', 'r-sweep');
    await send({ type: 'jobEnd', jobId: 'j3', outcome: 'done', runId: 'r-sweep', source: { checkpoints: [ckpt], runDir } });
    await allRendered(page);
    assert.equal(await page.getByText('Cancelled').count(), 0, '"Cancelled" gone after the successful re-run');
    assert.equal((await state()).source.runDir, runDir, 'the webview persists the saved run folder (the serializer restores from it)');
    // A restored panel with nothing saved offers a Run button instead of running.
    await send({ type: 'notice', level: 'info', text: 'No saved sweep for this panel.', action: 'rerun' });
    await page.locator('[data-notice="job"] [data-action="rerun"]').click();
    const posted = await page.evaluate(() => (window as unknown as { __posted: { type: string }[] }).__posted.map((m) => m.type));
    assert.ok(posted.includes('rerun'), 'Run posts rerun');
    await finish(page, problems, 'robustness-status', false);
  });

  it('numbers: one reduction denominator in FLOPs and Compare, no raw integers, Training values formatted', async () => {
    const flops = await open('flops', 'light');
    await flops.send({ type: 'analysis', jobId: null, analysis: data.analysis });
    await allRendered(flops.page);
    const reduction = await flops.page.locator('[data-stat="reduction"] .v').textContent();
    const cells = await flops.page.locator('[data-table="flops-layers"] tbody td').allTextContents();
    assert.deepEqual(cells.filter((c) => /(^|[^.\d])\d{5,}/.test(c)), [], 'FLOPs table cells with raw integers');
    await finish(flops.page, flops.problems, 'numbers-flops', false);

    const cmp = await open('compare', 'light');
    await cmp.send({ type: 'compare', compare });
    await allRendered(cmp.page);
    const header = await cmp.page.locator('[data-table="compare-table1"] thead th').allTextContents();
    const col = header.findIndex((t) => t.startsWith('MACs vs dense backbone'));
    assert.ok(col >= 0, `Compare names its denominator: ${header.join(' | ')}`);
    const row = cmp.page.locator('[data-table="compare-table1"] tbody tr', { hasText: path.basename(ckpt) });
    assert.equal(await row.locator('td').nth(col).textContent(), reduction, 'Compare and FLOPs give the same reduction for the same checkpoint');
    const gmacs = header.findIndex((t) => t.startsWith('effective GMACs'));
    const effective = await row.locator('td').nth(gmacs).textContent();
    assert.match(effective ?? '', /^0\.0\d{3}$/, `effective GMACs with 3 significant digits: ${effective}`);
    await finish(cmp.page, cmp.problems, 'numbers-compare', false);

    const ov = await open('overview', 'light');
    await ov.send({ type: 'overview', overview: data.overview });
    await allRendered(ov.page);
    const training = await ov.page.locator('.card', { hasText: 'Training' }).locator('dd').allTextContents();
    assert.ok(training.length > 0, 'the bundled checkpoint has training facts');
    assert.deepEqual(training.filter((t) => t.includes('"') || /(^|[^.\d])\d{5,}/.test(t)), [], 'Training values with quotes or raw integers');
    await finish(ov.page, ov.problems, 'numbers-overview', false);
  });

  it('plain ONNX model: no Analyze, FLOPs offered with dense per-layer numbers, plain banner, compute layers by default', async () => {
    // A small plain model (no dynapruner metadata): Conv -> Relu -> Shape/Constant bookkeeping -> Flatten -> Gemm.
    const b = new OnnxBuilder({ opset: 13 });
    b.input('x', [1, 3, 16, 16]);
    b.initializer('w', [8, 3, 3, 3], seededValues(216));
    b.initializer('fc', [10, 2048], seededValues(20480, 2));
    b.node('Conv', ['x', 'w'], ['c'], { pads: [1, 1, 1, 1] }, 'conv1');
    b.node('Relu', ['c'], ['r'], {}, 'relu1');
    b.node('Shape', ['r'], ['s'], {}, 'shape1');
    b.node('Flatten', ['r'], ['f'], { axis: 1 }, 'flatten');
    b.node('Gemm', ['f', 'fc'], ['y'], { transB: 1 }, 'fc1');
    b.output('y');
    b.output('s', [4], 7);
    const plain = overviewModel(await inspectModel(b.save()));
    assert.equal(plain.variant, null);

    const ov = await open('overview', 'dark');
    await ov.send({ type: 'overview', overview: plain });
    await allRendered(ov.page);
    for (const a of ['analyze', 'sweep', 'filters']) assert.equal(await ov.page.locator(`[data-action="${a}"]`).count(), 0, `${a} not offered for a plain model`);
    assert.equal(await ov.page.locator('[data-action="flops"]:not([disabled])').count(), 1, 'FLOPs breakdown enabled');
    const banner = await ov.page.locator('[data-banner="no-contract"]').textContent();
    assert.ok(banner && !banner.includes('`') && !/static L1/i.test(banner), `banner: ${banner}`);
    assert.deepEqual(await ov.page.locator('[data-table="units"] thead th').allTextContents(), ['node', 'filters'], 'unit and node not both shown when equal');
    const ops = await ov.page.locator('[data-table="overview-layers"] tbody tr td:nth-child(2)').allTextContents();
    assert.deepEqual(ops.sort(), ['Conv', 'Gemm'], 'compute layers only by default');
    await finish(ov.page, ov.problems, 'plain-overview-dark', false);

    const fl = await open('flops', 'dark');
    await fl.send({ type: 'overview', overview: plain });
    await allRendered(fl.page);
    assert.equal(await fl.page.locator('[data-table="flops-layers"] tbody tr').count(), 2);
    const bars = await fl.page.evaluate(() => (document.querySelector('[data-plot="flops-per-layer"]') as unknown as { data: { x: number[] }[] }).data[0].x);
    const conv = plain.layers.find((l) => l.op === 'Conv')!.macs;
    assert.ok(Math.abs(bars[0] - conv / 1e6) < 1e-9, 'dense per-layer MACs of the inspection');
    await finish(fl.page, fl.problems, 'plain-flops-dark', false);
  });

  it('maps: hover read-out, colour-bar ticks, zoom/pan, lead-time value, error map per lead time, accessible overlay', async () => {
    const { page, problems, send } = await open('masks', 'light', true, 1440);
    const a = data.analysis;
    await send({ type: 'analysis', jobId: null, analysis: a });
    await allRendered(page);
    const [H, W] = a.model.grid;
    // Hover the importance map at a known pixel: the read-out names the pixel and every map's value there.
    const canvas = page.locator('[data-plot="masks-importance"]');
    const box = (await canvas.boundingBox())!;
    const col = Math.floor(W / 3);
    const fromTop = Math.floor(H / 4);
    await page.mouse.move(box.x + ((col + 0.5) / W) * box.width, box.y + ((fromTop + 0.5) / H) * box.height);
    const row = H - 1 - fromTop;
    const s0 = decodeF32(a.samples[0].importance!);
    const text = (await page.locator('[data-readout="maps"]').textContent()) ?? '';
    assert.ok(text.startsWith(`row ${row}, col ${col}:`), `read-out pixel: ${text}`);
    assert.ok(text.includes(`S ${formatSig(s0[row * W + col], 3)}`), `read-out S at the pixel: ${text}`);
    assert.match(text, /data mask (active|skipped)/);
    assert.match(text, /\|Delta\| \d/);
    assert.match(text, /prediction \S+ -?\d/);
    // Cost of one read-out update: synthetic pointer moves over the whole map, handled synchronously.
    const perMove = await page.evaluate(({ n }) => {
      const c = document.querySelector('[data-plot="masks-importance"]') as HTMLCanvasElement;
      const r = c.getBoundingClientRect();
      const t0 = performance.now();
      for (let i = 0; i < n; i++) c.dispatchEvent(new MouseEvent('mousemove', { clientX: r.left + ((i * 7) % r.width), clientY: r.top + ((i * 13) % r.height), bubbles: true }));
      return (performance.now() - t0) / n;
    }, { n: 400 });
    console.log(`map hover read-out: ${perMove.toFixed(3)} ms per move`);
    assert.ok(perMove < 16, `hover read-out ${perMove.toFixed(2)} ms per move`);
    // Colour bar with intermediate ticks.
    assert.equal(await page.locator('[data-scale="masks-importance"] .tick').count(), 5);
    assert.deepEqual(await page.locator('[data-scale="masks-importance"] .tick').allTextContents(), ['1', '0.75', '0.5', '0.25', '0']);
    // Zoom with the wheel, reset with a double click.
    await page.mouse.wheel(0, -400);
    const zoomed = await page.evaluate(() => (document.querySelector('[data-plot="masks-importance"]') as HTMLElement).style.transform);
    assert.match(zoomed, /scale\((?!1\))/, `zoomed: ${zoomed}`);
    await page.mouse.dblclick(box.x + box.width / 2, box.y + box.height / 2);
    assert.equal(await page.evaluate(() => (document.querySelector('[data-plot="masks-importance"]') as HTMLElement).style.transform), '');
    // The lead-time slider shows its value; the error map follows it.
    if (a.model.tOut > 1) {
      await page.locator('[data-control="step"]').fill('1');
      await page.waitForFunction(() => document.querySelector('[data-label="step"]')?.textContent?.startsWith('t+2'));
      const title = await page.evaluate(() => (document.querySelector('[data-plot="masks-error"]') as unknown as { mapState(): { title: string } }).mapState().title);
      assert.match(title, /t\+2/, `error map title: ${title}`);
    }
    assert.ok(await page.locator('[data-control="overlay"]').getAttribute('aria-label'), 'overlay checkbox has an accessible name');
    await page.locator('[data-control="overlay"]').check();
    // The panel redraws on the next animation frame.
    await page.locator('[data-legend="overlay"]:not([hidden])').waitFor({ timeout: 5_000 });
    assert.equal(await page.locator('[data-legend="overlay"]:not([hidden])').count(), 1, 'overlay legend shown');
    await finish(page, problems, 'maps-inspector', false);
  });

  it('untrusted workspace: banner, actions disabled', async () => {
    const { page, problems, send } = await open('overview', 'dark', false);
    await send({ type: 'overview', overview: data.overview });
    await page.locator('[data-banner="untrusted"]').waitFor();
    assert.equal(await page.locator('[data-action="analyze"][disabled]').count(), 1);
    await finish(page, problems, 'overview-untrusted-dark');
  });
});
