/**
 * The A/B panel in headless Chromium, served as the extension serves it
 * (same template, CSP and bundle), fed real engine analyses of the bundled
 * SimVP Dyna-Pruner and L1 checkpoints on the storm data: the two panes and
 * the difference render on their scales, the hover read-out shows A, B and
 * A - B equal to the decoded arrays at the cell, in the channel's units with
 * the cell's latitude / longitude, the coastline and graticule are drawn over
 * all three maps (the difference too) and toggled together, zoom follows
 * across panes, each pane's controls move only that pane, every control has
 * a name; a result saved without geography reads without lat/lon.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { formatCell, formatPhysical } from '../../src/core/figures/geoReadout';
import { geoOverlay } from '../../src/core/figures/geoOverlay';
import { decodeF32 } from '../../src/core/schema/encoding';
import type { Analysis } from '../../src/core/schema/results';
import { PANEL_TITLES } from '../../src/shared/ids';
import { parseFromWebview } from '../../src/shared/validate';
import { launchChromium, type PageProblems } from './harness/browser';
import { assertPageClean, openPanelPage } from './harness/panelPage';
import { checkpointsDir, realResults, requireDynaprunerCheckpoint, ROOT } from './harness/realResults';
import { startHarness, type Harness } from './harness/server';

const MAPS = ['ab-a', 'ab-b', 'ab-diff'];
const SHOTS = [path.join(ROOT, 'test-results', 'webviews'), path.join(ROOT, 'media', 'screenshots')];
type MapState = { zmin: number; zmax: number; title: string; values: number[][] } | null;

describe('A/B panel in Chromium', () => {
  let dynaPath: string;
  let l1Path: string;
  let dyna: Analysis;
  let l1: Analysis;
  let harness: Harness;
  let browser: Browser;

  before(async () => {
    dynaPath = requireDynaprunerCheckpoint();
    l1Path = path.join(checkpointsDir(), 'simvp_mp_l1.onnx');
    if (!existsSync(path.join(ROOT, 'dist', 'webview', 'ab.js'))) throw new Error('dist/webview/ab.js is missing: run `npm run build` first');
    dyna = (await realResults(dynaPath, { maxSamples: 3, sweep: false })).analysis;
    l1 = (await realResults(l1Path, { maxSamples: 3, sweep: false })).analysis;
    harness = await startHarness();
    browser = await launchChromium();
    for (const d of SHOTS) mkdirSync(d, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await harness?.close();
  });

  async function open(theme: 'light' | 'dark', sides: [Analysis, string, number][]): Promise<{ page: Page; problems: PageProblems }> {
    const { page, problems, send } = await openPanelPage(browser, harness, 'ab', { theme, checkpoints: sides.map((s) => s[1]), title: PANEL_TITLES.ab, width: 1400 });
    const [a, b] = sides.map(([analysis, checkpoint, sample]) => ({ analysis, checkpoint, sample, runDir: null }));
    await send({ type: 'ab', sides: [a, b] });
    await page.waitForFunction(() => document.querySelectorAll('[data-figure^="ab-"][data-rendered="true"]').length === 3, undefined, { timeout: 20_000 });
    return { page, problems };
  }

  const state = (page: Page, name: string): Promise<MapState> =>
    page.$eval(`[data-figure="${name}"] canvas.map`, (c) => (c as unknown as { mapState: () => MapState }).mapState());

  /** The decoded prediction frame of a sample, row by row. */
  function frame(a: Analysis, sample: number, t: number, channel: number): number[][] {
    const [h, w] = a.model.grid;
    const p = decodeF32(a.samples[sample].prediction);
    const off = (t * a.model.channels.length + channel) * h * w;
    return Array.from({ length: h }, (_, r) => Array.from({ length: w }, (_, c) => p[off + r * w + c]));
  }


  for (const theme of ['light', 'dark'] as const) {
    it(`two checkpoints: A, B and A - B render, the hover shows the arrays' values at the cell (${theme})`, async () => {
      const { page, problems } = await open(theme, [[dyna, dynaPath, 1], [l1, l1Path, 1]]);
      const a = await state(page, 'ab-a');
      const b = await state(page, 'ab-b');
      const d = await state(page, 'ab-diff');
      const fa = frame(dyna, 1, 0, 0);
      const fb = frame(l1, 1, 0, 0);
      assert.deepEqual(a!.values, fa);
      assert.deepEqual(b!.values, fb);
      assert.deepEqual([a!.zmin, a!.zmax], [b!.zmin, b!.zmax], 'A and B share one scale');
      const m = Math.max(...fa.flat().map(Math.abs), ...fb.flat().map(Math.abs));
      assert.deepEqual([a!.zmin, a!.zmax], [-m, m]);
      assert.equal(d!.zmin, -d!.zmax, 'the difference scale is symmetric about zero');
      // A - B in the channel's units (z-score: the normalised difference times the std).
      const std = dyna.data!.geography!.channels[0].std;
      fa.forEach((row, r) => row.forEach((v, c) => assert.ok(Math.abs(d!.values[r][c] - (v - fb[r][c]) * std) <= 1e-4 * Math.max(1, Math.abs((v - fb[r][c]) * std)), `A - B at ${r},${c}`)));
      assert.match(await page.locator('[data-pane-title="a"]').textContent() ?? '', /A: simvp_dynapruner\.onnx/);
      assert.match(await page.locator('[data-pane-title="b"]').textContent() ?? '', /B: simvp_mp_l1\.onnx/);

      // Hover pane B at 30% across, 40% down; then the same point on the difference map: the same cell.
      const [h, w] = dyna.model.grid;
      for (const name of ['ab-b', 'ab-diff', 'ab-a']) {
        const box = (await page.locator(`[data-figure="${name}"] canvas.map`).boundingBox())!;
        await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.4);
        const ro = page.locator('[data-readout="ab"]');
        await page.waitForFunction(() => document.querySelector('[data-readout="ab"]')?.getAttribute('data-row') !== null);
        const row = Number(await ro.getAttribute('data-row'));
        const col = Number(await ro.getAttribute('data-col'));
        assert.equal(col, Math.floor(0.3 * w), `${name}: column under the pointer`);
        assert.equal(row, h - 1 - Math.floor(0.4 * h), `${name}: row under the pointer (row 0 drawn at the bottom)`);
        assert.equal(Number(await ro.getAttribute('data-a')), fa[row][col]);
        assert.equal(Number(await ro.getAttribute('data-b')), fb[row][col]);
        assert.equal(Number(await ro.getAttribute('data-diff')), d!.values[row][col]);
        const geo = dyna.data?.geography;
        const units = geo?.channels[0].units;
        assert.ok(units && geo?.coordinates?.geographic, 'the storm analysis carries the channel units and a geographic grid');
        // The cell's latitude / longitude, A and B in the channel's units, A - B in them too (the array's value as the Masks read-out formats it).
        const where = formatCell(geo.coordinates, row, col);
        assert.match(where, /^\d+(\.\d+)?°N \d+(\.\d+)?°W$/);
        const text = (await ro.textContent()) ?? '';
        assert.ok(text.startsWith(`row ${row}, col ${col}: ${where} · `), `${name}: lat/lon in the read-out: ${text}`);
        assert.ok(text.endsWith(` · A - B ${formatPhysical(d!.values[row][col], units)}`), `${name}: A - B in ${units}: ${text}`);
        assert.match(text, new RegExp(` · A prediction \\S+ [\\d,.-]+ ${units} · B prediction \\S+ [\\d,.-]+ ${units} · `));
      }

      // Coastlines and graticule over all three maps, the difference too: the grid's paths, one toggle for all.
      const expected = geoOverlay(dyna.data!.geography!.coordinates!)!;
      for (const name of MAPS) {
        const coast = page.locator(`[data-figure="${name}"] [data-geo-overlay]:not([hidden]) path[data-geo="coastline"]`);
        assert.equal(await coast.count(), 1, `${name}: coastline shown`);
        assert.equal(await coast.getAttribute('d'), expected.coastline, `${name}: the grid's coastline`);
        assert.equal(await page.locator(`[data-figure="${name}"] path[data-geo="graticule"]`).getAttribute('d'), expected.graticule, `${name}: the grid's graticule`);
        assert.ok((await coast.boundingBox())!.width > 100, `${name}: the coastline spans the map`);
        assert.equal(await page.locator(`[data-figure="${name}"] .geo-label`).count(), expected.labels.length, `${name}: graticule labels`);
      }
      const toggle = page.locator('[data-control="geo"]');
      assert.ok(await toggle.getAttribute('aria-label'), 'the toggle has an accessible name');
      await toggle.uncheck();
      assert.equal(await page.locator('[data-figure^="ab-"] [data-geo-overlay]:not([hidden])').count(), 0, 'the toggle hides the coastlines of all three maps');
      await toggle.check();
      assert.equal(await page.locator('[data-figure^="ab-"] [data-geo-overlay]:not([hidden])').count(), 3);
      // The difference's colour bar is in the channel's units, symmetric about zero.
      const ticks = (await page.locator('[data-scale="ab-diff"] .tick').allTextContents()).map(Number);
      assert.equal(ticks[2], 0);
      assert.equal(ticks[0], -ticks[4]);
      assert.ok(Math.abs(ticks[0] - d!.zmax) <= 0.01 * d!.zmax + 0.5, `top tick ${ticks[0]} = max |A - B| ${d!.zmax} (the difference's units)`);

      // Wheel on A: all three maps zoom alike; double-click resets all.
      const view = (name: string) => page.locator(`[data-figure="${name}"] .map-view`);
      const abox = (await view('ab-a').boundingBox())!;
      await page.mouse.move(abox.x + abox.width / 2, abox.y + abox.height / 2);
      await page.mouse.wheel(0, -300);
      const zooms = await Promise.all(['ab-a', 'ab-b', 'ab-diff'].map((n) => view(n).getAttribute('data-zoom')));
      assert.ok(Number(zooms[0]) > 1, `A zoomed: ${zooms[0]}`);
      assert.deepEqual(zooms, [zooms[0], zooms[0], zooms[0]], 'B and A - B follow the zoom');
      const transforms = await Promise.all(['ab-a', 'ab-b', 'ab-diff'].map((n) => page.$eval(`[data-figure="${n}"] canvas.map`, (c) => (c as HTMLElement).style.transform)));
      assert.deepEqual(transforms, [transforms[0], transforms[0], transforms[0]], 'same view in every pane');
      await page.mouse.down();
      await page.mouse.move(abox.x + abox.width / 2 + 30, abox.y + abox.height / 2 + 20, { steps: 3 });
      await page.mouse.up();
      const panned = await Promise.all(['ab-a', 'ab-b', 'ab-diff'].map((n) => page.$eval(`[data-figure="${n}"] canvas.map`, (c) => (c as HTMLElement).style.transform)));
      assert.notEqual(panned[0], transforms[0], 'dragging pans A');
      assert.deepEqual(panned, [panned[0], panned[0], panned[0]], 'the others pan with it');
      for (const d2 of SHOTS) await page.screenshot({ path: path.join(d2, `ab-${theme}.png`) });
      await page.mouse.dblclick(abox.x + 10, abox.y + 10);
      assert.deepEqual(await Promise.all(['ab-a', 'ab-b', 'ab-diff'].map((n) => view(n).getAttribute('data-zoom'))), ['1.00', '1.00', '1.00']);
      await assertPageClean(page, problems);
      await page.close();
    });
  }

  it('two samples of one checkpoint: each pane has its own sample, lead time and channel; the error field', async () => {
    const { page, problems } = await open('dark', [[dyna, dynaPath, 0], [dyna, dynaPath, 2]]);
    assert.deepEqual((await state(page, 'ab-b'))!.values, frame(dyna, 2, 0, 0));
    await page.locator('[data-control="b-step"]').fill('3');
    await page.waitForFunction(() => document.body.dataset.renderedAb?.startsWith('0/0/0|2/3/0'));
    assert.deepEqual((await state(page, 'ab-b'))!.values, frame(dyna, 2, 3, 0), 'B moved to t+4');
    assert.deepEqual((await state(page, 'ab-a'))!.values, frame(dyna, 0, 0, 0), 'A stayed');
    assert.equal(await page.locator('[data-label="b-step"]').textContent(), `t+4 of ${dyna.model.tOut}`);
    await page.locator('[data-control="a-sample"]').fill('1');
    await page.waitForFunction(() => document.body.dataset.renderedAb?.startsWith('1/0/0|2/3/0'));
    assert.deepEqual((await state(page, 'ab-a'))!.values, frame(dyna, 1, 0, 0));
    await page.locator('[data-control="field"]').selectOption('error');
    await page.waitForFunction(() => document.body.dataset.renderedAb?.endsWith('|error'));
    const a = (await state(page, 'ab-a'))!;
    assert.equal(a.zmin, 0, 'the |error| scale starts at zero');
    assert.match(a.title, /^A: simvp_dynapruner\.onnx, sample 2 · \|Prediction - target\| t\+1/);
    await assertPageClean(page, problems);
    await page.close();
  });

  it("the Masks panel's Open A/B posts openAb with the shown sample, the message the host validates and turns into compareMaps", async () => {
    const { page, problems, send, posted } = await openPanelPage(browser, harness, 'masks', { theme: 'dark', checkpoints: [dynaPath] });
    await send({ type: 'analysis', jobId: null, analysis: dyna });
    await page.waitForFunction(() => document.body.dataset.renderedSample === '0');
    const button = page.locator('[data-action="open-ab"]');
    assert.match((await button.getAttribute('aria-label')) ?? '', /^Open A\/B/);
    await button.click();
    await page.locator('[data-control="sample"]').fill('2');
    await page.waitForFunction(() => document.body.dataset.renderedSample === '2');
    await button.click();
    const sent = (await posted()).filter((m) => m.type === 'openAb');
    assert.deepEqual(sent, [{ type: 'openAb', sample: 0 }, { type: 'openAb', sample: 2 }], 'one openAb per click, with the sample the maps show');
    // The host's validation (StudioPanel.receive) accepts it as is; the host adds the panel's checkpoint (source.checkpoints[0]) for compareMaps.
    for (const m of sent) assert.deepEqual(parseFromWebview(m), { ok: true, message: m });
    await assertPageClean(page, problems);
    await page.close();
  });

  it('without geography (a result saved before it existed; a malformed one, dropped with a log line): no lat/lon, no coastlines, normalised units', async () => {
    const old: Analysis = { ...dyna, data: { ...dyna.data } };
    delete old.data.geography;
    const geo = l1.data.geography!;
    const bad: Analysis = { ...l1, data: { ...l1.data, geography: { ...geo, coordinates: { ...geo.coordinates!, y: [1, 2] } } } };
    const { page, problems } = await open('light', [[old, dynaPath, 0], [bad, l1Path, 0]]);
    const box = (await page.locator('[data-figure="ab-diff"] canvas.map').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await page.waitForFunction(() => document.querySelector('[data-readout="ab"]')?.getAttribute('data-row') !== null);
    const text = (await page.locator('[data-readout="ab"]').textContent()) ?? '';
    assert.match(text, /^row \d+, col \d+: A prediction p \S+ · B prediction p \S+ · A - B \S+$/);
    assert.doesNotMatch(text, /°|Pa/);
    assert.equal(await page.locator('[data-geo-overlay]:not([hidden])').count(), 0, 'no coastlines');
    assert.equal(await page.locator('[data-control="geo"]').isVisible(), false, 'no coastline toggle');
    const logs = (await page.evaluate(() => (window as unknown as { __posted: { type: string; level?: string; text?: string }[] }).__posted)).filter((m) => m.type === 'log');
    assert.deepEqual(logs.map((m) => m.level), ['warning']);
    assert.match(logs[0].text ?? '', /^A\/B panel: data\.geography: coordinates\.y must hold \d+ finite numbers/);
    await assertPageClean(page, problems);
    await page.close();
  });
});
