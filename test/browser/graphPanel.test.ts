/**
 * The Graph panel in headless Chromium, served as the extension serves it
 * (same template, CSP and bundle), fed the graph of the bundled SimVP
 * Dyna-Pruner checkpoint and the overlay of a real engine analysis on the
 * storm data, in Light+ and Dark+: ELK lays it out under the strict CSP, no
 * console errors, no CSP violations, node boxes do not overlap, hover shows
 * the MACs, gate strips show the sample's gates, a click posts `revealLayer`.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { formatMacs } from '../../src/core/figures/format';
import { graphOverlay, type GraphOverlay } from '../../src/core/figures/graphOverlay';
import { graphLatency } from '../../src/core/figures/graphLatency';
import type { LayerLatencyResult } from '../../src/core/schema/layerLatency';
import { CoreEngine } from '../../src/extension/engine/coreEngine';
import type { GraphSource } from '../../src/core/figures/graph';
import { inspectModel } from '../../src/core/inspect/inspect';
import type { Analysis } from '../../src/core/schema/results';
import { PANEL_TITLES, type PanelKind } from '../../src/shared/ids';
import type { ToWebview } from '../../src/shared/protocol';
import { readGraphSource } from '../../src/extension/graph/graphSource';
import { launchChromium, type PageProblems } from './harness/browser';
import { assertPageClean, openPanelPage } from './harness/panelPage';
import { realResults, requireDynaprunerCheckpoint, ROOT, stormFiles } from './harness/realResults';
import { startHarness, type Harness } from './harness/server';
import type { ThemeName } from './harness/themes';

const SHOTS = [path.join(ROOT, 'test-results', 'webviews'), path.join(ROOT, 'media', 'screenshots')];
type Posted = { type: string; node?: string; unit?: number | null; level?: string; text?: string }[];

describe('Graph panel in Chromium', () => {
  let ckpt: string;
  let harness: Harness;
  let browser: Browser;
  let source: GraphSource;
  let overlay: GraphOverlay;
  let analysis: Analysis;

  before(async () => {
    ckpt = requireDynaprunerCheckpoint();
    if (!existsSync(path.join(ROOT, 'dist', 'webview', 'graph.js'))) throw new Error('dist/webview/graph.js is missing: run `npm run build` first');
    source = await readGraphSource(ckpt, await inspectModel(ckpt));
    analysis = (await realResults(ckpt, { maxSamples: 4, sweep: false })).analysis;
    overlay = graphOverlay(analysis);
    harness = await startHarness();
    browser = await launchChromium();
    for (const d of SHOTS) mkdirSync(d, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await harness?.close();
  });

  async function openPanel(kind: PanelKind, theme: ThemeName): Promise<{ page: Page; problems: PageProblems; send: (m: ToWebview) => Promise<void> }> {
    const { page, problems, send } = await openPanelPage(browser, harness, kind, { theme, checkpoints: [ckpt], title: `${PANEL_TITLES[kind]}: ${path.basename(ckpt)}` });
    return { page, problems, send };
  }

  async function open(theme: ThemeName, message: ToWebview): Promise<{ page: Page; problems: PageProblems }> {
    const { page, problems, send } = await openPanel('graph', theme);
    await send(message);
    await page.waitForSelector('.graph-svg .node.compute', { timeout: 30_000 });
    return { page, problems };
  }


  /** Pairs of drawn node boxes (screen rectangles) that overlap by more than half a pixel. */
  async function overlaps(page: Page): Promise<string[]> {
    return page.evaluate(() => {
      const boxes = [...document.querySelectorAll('.graph-svg .node')].map((n) => ({ id: (n as SVGGElement).dataset.node!, r: n.getBoundingClientRect() }));
      const out: string[] = [];
      for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i].r;
          const b = boxes[j].r;
          const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
          const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
          if (w > 0.5 && h > 0.5) out.push(`${boxes[i].id} / ${boxes[j].id}`);
        }
      return out;
    });
  }

  for (const theme of ['light', 'dark'] as const) {
    it(`lays out the compute graph with the analysis overlay (${theme}): no overlaps, tooltip with MACs, gates, click reveals`, async () => {
      const { page, problems } = await open(theme, { type: 'graph', source, overlay });
      assert.equal(await page.locator('.graph-svg .node.compute').count(), 33);
      assert.equal(await page.locator('.graph-svg .node.op').count(), 0, 'elementwise/shape nodes are collapsed by default');
      assert.equal(await page.locator('.graph-svg .node.compute.overhead').count(), 10, 'mask generator convs and gate heads marked');
      assert.ok((await page.locator('.graph-svg .edge').count()) >= 32, 'data edges join the layers');
      const maskTargets = await page.$$eval('.graph-svg .edge.mask', (es) => es.map((e) => (e as SVGPathElement).dataset.to!));
      const overheadIds = new Set(await page.$$eval('.graph-svg .node.overhead', (ns) => ns.map((n) => (n as SVGGElement).dataset.node!)));
      assert.deepEqual(maskTargets.filter((t) => !overheadIds.has(t)), [], 'by default no mask or gate edge enters the backbone');
      assert.deepEqual(await overlaps(page), [], 'node boxes overlap');

      const trans0 = '/m/backbone/trans.0/conv/Conv';
      const gates = await page.locator(`.graph-svg .node[data-node="${trans0}"] .gates`).getAttribute('data-gates');
      assert.equal(gates, overlay.samples[0].gates[2].join(''), 'trans.0 shows the gates of unit 2 for sample 1');
      assert.equal(await page.locator(`.graph-svg .node[data-node="${trans0}"] .gate`).count(), 64);

      await page.locator(`.graph-svg .node[data-node="${trans0}"] rect.box`).hover();
      const tip = page.locator('.graph-tooltip');
      await tip.waitFor({ state: 'visible' });
      const text = (await tip.textContent()) ?? '';
      assert.match(text, /Conv/);
      assert.ok(text.includes(formatMacs(11280384)), `tooltip shows the dense MACs (${formatMacs(11280384)}): ${text}`);
      assert.ok(text.includes(formatMacs(overlay.samples[0].kept[trans0])), `tooltip shows the kept MACs: ${text}`);
      assert.match(text, /trans\.0: \d+\/64 filters/);

      await page.locator(`.graph-svg .node[data-node="${trans0}"] rect.box`).click();
      const posted = (await page.evaluate(() => (window as unknown as { __posted: Posted }).__posted)) as Posted;
      assert.deepEqual(posted.filter((m) => m.type === 'revealLayer'), [{ type: 'revealLayer', node: trans0, unit: 2 }]);

      await page.locator('[data-control="sample"]').fill('2');
      const gates2 = await page.locator(`.graph-svg .node[data-node="${trans0}"] .gates`).getAttribute('data-gates');
      assert.equal(gates2, overlay.samples[2].gates[2].join(''), 'the slider switches the sample whose gates are shown');

      await page.waitForTimeout(100);
      for (const d of SHOTS) await page.screenshot({ path: path.join(d, `graph-${theme}.png`) });
      await assertPageClean(page, problems);
      await page.close();
    });
  }

  it('zooms with the wheel, pans by dragging, and shows every node on request (no analysis)', async () => {
    const { page, problems } = await open('dark', { type: 'graph', source, overlay: null });
    assert.equal(await page.locator('.graph-svg .gates').count(), 0, 'no gates without an analysis');
    const transform = () => page.locator('.graph-svg .scene').getAttribute('transform');
    const before = await transform();
    const box = (await page.locator('.graph-svg').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + 40);
    await page.mouse.wheel(0, -400);
    const zoomed = await transform();
    assert.notEqual(zoomed, before, 'the wheel zooms');
    const scale = (t: string | null) => Number(/scale\(([\d.]+)\)/.exec(t ?? '')?.[1]);
    assert.ok(scale(zoomed) > scale(before), `zoomed in: ${before} -> ${zoomed}`);
    await page.mouse.move(box.x + 5, box.y + 5);
    await page.mouse.down();
    await page.mouse.move(box.x + 105, box.y + 65, { steps: 4 });
    await page.mouse.up();
    assert.notEqual(await transform(), zoomed, 'dragging pans');

    const maskEdgesBefore = await page.locator('.graph-svg .edge.mask').count();
    await page.locator('[data-control="mask-edges"]').check();
    await page.waitForFunction((n) => document.querySelectorAll('.graph-svg .edge.mask').length > n, maskEdgesBefore, { timeout: 30_000 });
    assert.deepEqual(await overlaps(page), [], 'node boxes overlap with the mask edges drawn');

    await page.locator('[data-control="all-nodes"]').check();
    await page.waitForFunction(() => document.querySelectorAll('.graph-svg .node.op').length > 0, undefined, { timeout: 60_000 });
    assert.equal(await page.locator('.graph-svg .node.compute, .graph-svg .node.op').count(), 557, 'every ONNX node is drawn');
    assert.deepEqual(await overlaps(page), [], 'node boxes overlap with every node drawn');
    await assertPageClean(page, problems);
    await page.close();
  });

  it('colours by measured latency when a latency run exists; without one the option says where to measure', async () => {
    const engine = new CoreEngine({ info: () => undefined, error: () => undefined });
    let measured: LayerLatencyResult;
    try {
      measured = (await engine.latency({ checkpoint: ckpt, dataFiles: stormFiles(), maxSamples: 2, workers: 1, variants: ['ckpt'], iterations: 2, warmup: 1, signal: new AbortController().signal, onProgress: () => undefined })).latency;
    } finally {
      engine.dispose();
    }
    const without = await open('light', { type: 'graph', source, overlay, latency: null });
    const option = without.page.locator('[data-control="colour-by"] option[value="latency"]');
    assert.equal(await option.textContent(), 'Measured latency: measure latency in the FLOPs panel first');
    assert.equal(await option.isDisabled(), true);
    await assertPageClean(without.page, without.problems);
    await without.page.close();

    const { page, problems } = await open('light', { type: 'graph', source, overlay, latency: graphLatency(measured) });
    await page.locator('[data-control="colour-by"]').selectOption('latency');
    await page.waitForFunction(() => /measured median time/.test(document.querySelector('[data-readout="legend"]')?.textContent ?? ''));
    const rows = measured.variants[0].layers.filter((l) => l.timeUs > 0);
    const slowest = rows.reduce((a, b) => (b.timeUs > a.timeUs ? b : a));
    const level = (node: string) => page.locator(`.graph-svg .node[data-node="${node}"] rect.box`).getAttribute('data-level');
    assert.equal(await level(slowest.name), '1.0000', `the slowest layer (${slowest.name}, ${slowest.timeUs} µs) is the darkest`);
    for (const r of rows.slice(0, 8)) assert.equal(Number(await level(r.name)), Number(Math.sqrt(r.timeUs / slowest.timeUs).toFixed(4)), `${r.name}: level from its measured time`);
    await page.locator(`.graph-svg .node[data-node="${slowest.name}"] rect.box`).hover();
    await page.locator('.graph-tooltip').waitFor({ state: 'visible' });
    assert.match((await page.locator('.graph-tooltip').textContent()) ?? '', /measured time[\d.]+ µs \(median\)/);
    await assertPageClean(page, problems);
    await page.close();
  });

  it('a focusLayer message (what the host sends after a click) highlights the FLOPs row and picks the unit in Filter activity', async () => {
    const trans1 = '/m/backbone/trans.1/conv/Conv';
    const flops = await openPanel('flops', 'light');
    await flops.send({ type: 'focusLayer', node: trans1, unit: 3 });
    await flops.send({ type: 'analysis', jobId: null, analysis });
    const row = flops.page.locator('table[data-table="flops-layers"] tr.focused');
    await row.waitFor({ timeout: 20_000 });
    assert.equal(await row.count(), 1);
    assert.match((await row.textContent()) ?? '', /trans\.1\/conv\/Conv/);
    assert.ok(await row.isVisible() && (await row.boundingBox())!.y < 900, 'the row is scrolled into view');
    await assertPageClean(flops.page, flops.problems);
    await flops.page.close();

    const filters = await openPanel('filters', 'dark');
    await filters.send({ type: 'analysis', jobId: null, analysis });
    await filters.page.waitForSelector('[data-control="unit"] option', { state: 'attached' });
    await filters.send({ type: 'focusLayer', node: trans1, unit: 3 });
    assert.equal(await filters.page.locator('[data-control="unit"]').inputValue(), '3');
    await assertPageClean(filters.page, filters.problems);
    await filters.page.close();
  });
});
