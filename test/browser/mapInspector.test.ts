/**
 * The map inspector in headless Chromium, on the engine's real analysis of
 * the bundled SimVP checkpoint on the bundled storm data: hovering a cell of
 * the input map reads the pressure in pascals (the contract's statistics
 * applied to the stored normalised value) and the cell's latitude /
 * longitude from the file's coordinate variables; the coastline is drawn over
 * the map and the toggle hides it; a click on a sample of the cost chart
 * jumps the maps to it; a result saved before geography existed still reads
 * (normalised units, no coastline); the report draws the same coastline and
 * its map hover reads the same cell in pascals with its lat/lon.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { decodeF32 } from '../../src/core/schema/encoding';
import { formatSig } from '../../src/core/figures/format';
import { formatLatitude, formatLongitude } from '../../src/core/figures/geoReadout';
import { buildReportHtml } from '../../src/core/report/html';
import { loadPlotlySource } from '../../src/core/report/plotlySource';
import type { Analysis } from '../../src/core/schema/results';
import type { ToWebview } from '../../src/shared/protocol';
import { launchChromium, watchProblems, type PageProblems } from './harness/browser';
import { realResults, requireDynaprunerCheckpoint, ROOT } from './harness/realResults';
import { startHarness, type Harness } from './harness/server';

describe('map inspector in Chromium', () => {
  let ckpt: string;
  let harness: Harness;
  let browser: Browser;
  let analysis: Analysis;

  before(async () => {
    ckpt = requireDynaprunerCheckpoint();
    if (!existsSync(path.join(ROOT, 'dist', 'webview', 'masks.js'))) throw new Error('dist/webview/masks.js is missing: run `npm run build` first');
    analysis = (await realResults(ckpt, { maxSamples: 6, sweep: false })).analysis;
    harness = await startHarness();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await harness?.close();
  });

  async function openMasks(a: Analysis): Promise<{ page: Page; problems: PageProblems }> {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    const problems = await watchProblems(page);
    await page.goto(harness.url('masks', 'dark'));
    await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
    const send = (m: ToWebview) => page.evaluate((msg) => window.postMessage(msg, '*'), m as unknown as Record<string, unknown>);
    await send({ type: 'init', panel: 'masks', trusted: true, title: 'masks', source: { checkpoints: [ckpt], runDir: null } });
    await send({ type: 'analysis', jobId: null, analysis: a });
    await page.waitForFunction(() => document.querySelector('[data-figure="masks-input"]')?.getAttribute('data-rendered') === 'true');
    return { page, problems };
  }

  /** Moves the pointer over the centre of a cell (row 0 at the bottom) of a map. */
  async function hoverCell(page: Page, map: string, row: number, col: number): Promise<string> {
    const [H, W] = analysis.model.grid;
    const box = (await page.locator(`[data-plot="${map}"]`).boundingBox())!;
    await page.mouse.move(box.x + ((col + 0.5) / W) * box.width, box.y + ((H - 1 - row + 0.5) / H) * box.height);
    return (await page.locator('[data-readout="maps"]').textContent()) ?? '';
  }

  function assertClean(problems: PageProblems): void {
    assert.deepEqual(problems.cspViolations, [], 'CSP violations');
    assert.deepEqual(problems.consoleErrors, [], 'console errors');
  }

  it('hover reads physical units and lat/lon; coastline drawn and toggled; cost chart click jumps', async () => {
    const geo = analysis.data.geography!;
    assert.ok(geo.coordinates?.geographic, 'the engine carries the storm grid as geographic');
    const { page, problems } = await openMasks(analysis);
    const [, W] = analysis.model.grid;
    const row = geo.coordinates.y.indexOf(42.5);
    const col = geo.coordinates.x.indexOf(-97.5);
    const text = await hoverCell(page, 'masks-input', row, col);
    const c = analysis.model.channels.indexOf('p');
    const stored = decodeF32(analysis.samples[0].inputLast)[c * analysis.model.grid[0] * W + row * W + col];
    const pascals = stored * geo.channels[c].std + geo.channels[c].mean;
    assert.ok(text.includes(`${formatLatitude(42.5)} ${formatLongitude(-97.5)}`) && text.includes('42.5°N 97.5°W'), `lat/lon in the read-out: ${text}`);
    assert.ok(text.includes(`input p ${formatSig(pascals, 4)} Pa`), `pressure in Pa (${pascals}) in the read-out: ${text}`);
    assert.match(text, /S \d\.\d+/);
    assert.match(text, /data mask (active|skipped)/);
    assert.match(text, /\|Delta\| \d[\d.]* σ/);
    assert.match(text, /\|error\| [\d.,]+ Pa/);
    // Colour bar of the input map in pascals.
    const ticks = (await page.locator('[data-scale="masks-input"] .tick').allTextContents()).map(Number);
    assert.ok(ticks.every((t) => t > 90_000 && t < 110_000), `input colour bar in Pa: ${ticks.join(', ')}`);
    // Coastline over the map, a toggle with an accessible name hides it.
    const coast = page.locator('[data-figure="masks-input"] [data-geo-overlay]:not([hidden]) path[data-geo="coastline"]');
    assert.equal(await coast.count(), 1, 'coastline shown');
    assert.ok(((await coast.getAttribute('d')) ?? '').length > 1000, 'coastline path drawn');
    assert.ok((await coast.boundingBox())!.width > 100, 'coastline spans the map');
    const toggle = page.locator('[data-control="geo"]');
    assert.ok(await toggle.getAttribute('aria-label'));
    await toggle.uncheck();
    assert.equal(await page.locator('[data-figure="masks-input"] [data-geo-overlay]:not([hidden])').count(), 0, 'coastline hidden');
    await toggle.check();
    // Per-move cost of the read-out (synthetic moves, handled synchronously; no repaint).
    const perMove = await page.evaluate((n) => {
      const cv = document.querySelector('[data-plot="masks-input"]') as HTMLCanvasElement;
      const r = cv.getBoundingClientRect();
      const t0 = performance.now();
      for (let i = 0; i < n; i++) cv.dispatchEvent(new MouseEvent('mousemove', { clientX: r.left + ((i * 7) % r.width), clientY: r.top + ((i * 13) % r.height), bubbles: true }));
      return (performance.now() - t0) / n;
    }, 400);
    console.log(`map inspector read-out: ${perMove.toFixed(3)} ms per move`);
    assert.ok(perMove < 16, `read-out ${perMove.toFixed(2)} ms per move`);
    // Click the fourth sample's bar in the cost chart: the slider and the maps follow.
    await page.waitForFunction(() => document.querySelectorAll('[data-plot="masks-flops"] .bars .point path').length > 3, undefined, { timeout: 20_000 });
    await page.locator('[data-plot="masks-flops"]').scrollIntoViewIfNeeded();
    const bar = (await page.locator('[data-plot="masks-flops"] .bars .point path').nth(3).boundingBox())!;
    await page.mouse.click(bar.x + bar.width / 2, bar.y + bar.height - 3);
    await page.waitForFunction(() => document.body.dataset.renderedSample === '3');
    assert.equal(await page.locator('[data-control="sample"]').inputValue(), '3');
    await page.evaluate(() => window.scrollTo(0, 0));
    await hoverCell(page, 'masks-input', row, col);
    await page.screenshot({ path: path.join(ROOT, 'media', 'screenshots', 'map-inspector-dark.png') });
    assertClean(problems);
    await page.close();
  });

  it('a result saved without geography reads in normalised units, without coastlines', async () => {
    const old: Analysis = { ...analysis, data: { ...analysis.data } };
    delete old.data.geography;
    const { page, problems } = await openMasks(old);
    const text = await hoverCell(page, 'masks-input', 5, 7);
    assert.match(text, /^row 5, col 7: input p -?\d/);
    assert.doesNotMatch(text, /°|Pa/);
    assert.equal(await page.locator('[data-geo-overlay]:not([hidden])').count(), 0);
    assert.equal(await page.locator('[data-control="geo"]').isVisible(), false, 'no coastline toggle without geography');
    assertClean(problems);
    await page.close();
  });

  it('the report draws the same coastline over its maps, and its hover reads Pa and lat/lon', async () => {
    const html = buildReportHtml({ analysis, sweep: null, plotly: loadPlotlySource() });
    const data = JSON.parse(/<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)![1]) as { geoShapes: { path: string }[] };
    const { page: panel } = await openMasks(analysis);
    const panelPath = await panel.locator('[data-figure="masks-input"] path[data-geo="coastline"]').getAttribute('d');
    await panel.close();
    assert.equal(data.geoShapes.length, 2, 'graticule and coastline shapes');
    assert.equal(data.geoShapes[1].path, panelPath, 'the report and the panel draw the same coastline');
    const page = await browser.newPage();
    const problems = await watchProblems(page);
    await page.setContent(html);
    await page.waitForFunction(() => document.getElementById('map-input')?.getAttribute('data-rendered') === '1');
    assert.ok(await page.locator('#map-input .shapelayer path').count() >= 2, 'coastline and graticule drawn on the report map');
    // The report's hover reads the same cell in pascals with its lat/lon.
    const geo = analysis.data.geography!;
    const [H, W] = analysis.model.grid;
    const row = geo.coordinates!.y.indexOf(42.5);
    const col = geo.coordinates!.x.indexOf(-97.5);
    const at = await page.evaluate(({ x, y }) => {
      const el = document.getElementById('map-input') as unknown as { _fullLayout: { xaxis: { _offset: number; l2p(v: number): number }; yaxis: { _offset: number; l2p(v: number): number } }; getBoundingClientRect(): DOMRect };
      const r = el.getBoundingClientRect();
      const { xaxis, yaxis } = el._fullLayout;
      return { x: r.left + xaxis._offset + xaxis.l2p(x), y: r.top + yaxis._offset + yaxis.l2p(y) };
    }, { x: col + 0.5, y: H - 1 - row + 0.5 });
    await page.mouse.move(at.x, at.y);
    await page.locator('#map-input .hoverlayer .hovertext').waitFor({ timeout: 10_000 });
    const hover = (await page.locator('#map-input .hoverlayer .hovertext').textContent()) ?? '';
    const c = analysis.model.channels.indexOf('p');
    const pascals = decodeF32(analysis.samples[0].inputLast)[c * H * W + row * W + col] * geo.channels[c].std + geo.channels[c].mean;
    assert.ok(hover.includes('42.5°N 97.5°W'), `report hover lat/lon: ${hover}`);
    assert.ok(hover.includes(`input p ${Math.round(pascals).toLocaleString('en-US')} Pa`), `report hover ${pascals} Pa: ${hover}`);
    assertClean(problems);
    await page.close();
  });
});
