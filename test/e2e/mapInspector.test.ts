/**
 * The map inspector in a real VS Code (code-server with the packaged .vsix,
 * Debian's Chromium): Analyze Checkpoint on the bundled SimVP checkpoint,
 * then hovering the input map's cell at 42.5°N 97.5°W in the Masks webview
 * reads the surface pressure in pascals (the saved run's normalised value
 * with the contract's statistics) and the cell's latitude / longitude, and
 * the coastline is drawn over the map.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { decodeF32 } from '../../src/core/schema/encoding';
import { formatSig } from '../../src/core/figures/format';
import type { Analysis } from '../../src/core/schema/results';
import { launchChromium } from '../browser/harness/browser';
import { requireDynaprunerCheckpoint, ROOT } from '../browser/harness/realResults';
import { chooseMenuItem, explorerContextMenu, openWorkbench, prepareCodeServer, startCodeServer, webviewFrame } from './helpers/codeServer';

const SHOTS = [path.join(ROOT, 'test-results', 'e2e'), path.join(ROOT, 'media', 'screenshots')];

describe('map inspector in code-server', { timeout: 900_000 }, () => {
  let ckpt: string;
  let server: ChildProcess | null = null;
  let browser: Browser;
  let page: Page;
  let workspace: string;

  before(async () => {
    ckpt = requireDynaprunerCheckpoint();
    const setup = prepareCodeServer('dynapruner-e2e-maps-');
    workspace = setup.workspace;
    const cs = await startCodeServer(setup);
    server = cs.server;
    for (const d of SHOTS) mkdirSync(d, { recursive: true });
    browser = await launchChromium();
    page = await openWorkbench(browser, cs.port, workspace);
  });

  after(async () => {
    await browser?.close();
    server?.kill('SIGTERM');
    if (process.env.DYNAPRUNER_KEEP_E2E !== '1' && workspace) rmSync(path.dirname(workspace), { recursive: true, force: true });
  });

  it('hover on a map reads the value in physical units and the cell\'s lat/lon', async () => {
    const item = await explorerContextMenu(page, 'checkpoints', path.basename(ckpt), 'Analyze Checkpoint');
    await chooseMenuItem(page, item);
    const frame = await webviewFrame(page, 'masks', 90_000, 500);
    await frame.waitForFunction(() => document.querySelector('[data-figure="masks-input"]')?.getAttribute('data-rendered') === 'true', undefined, { timeout: 240_000 });
    // Wait for the job to end: the run (with its geography) is saved.
    await frame.waitForFunction(() => (document.querySelector('.progress') as HTMLElement | null)?.hidden !== false, undefined, { timeout: 240_000 });
    const runs = path.join(workspace, '.dynapruner', 'runs');
    const run = readdirSync(runs).filter((d) => !d.startsWith('.')).sort().pop()!;
    const analysis = JSON.parse(readFileSync(path.join(runs, run, 'analysis.json'), 'utf8')) as Analysis;
    const geo = analysis.data.geography!;
    assert.ok(geo?.coordinates?.geographic, 'the saved run carries the storm grid\'s lat/lon');
    const [H, W] = analysis.model.grid;
    const row = geo.coordinates.y.indexOf(42.5);
    const col = geo.coordinates.x.indexOf(-97.5);
    const c = analysis.model.channels.indexOf('p');
    assert.ok(row >= 0 && col >= 0 && c >= 0, 'the storm grid has 42.5°N, 97.5°W and a pressure channel');
    const pascals = decodeF32(analysis.samples[0].inputLast)[c * H * W + row * W + col] * geo.channels[c].std + geo.channels[c].mean;
    // Sample 0, channel p: the panel's defaults in a fresh workspace.
    const canvas = frame.locator('[data-plot="masks-input"]');
    await canvas.scrollIntoViewIfNeeded();
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + ((col + 0.5) / W) * box.width, box.y + ((H - 1 - row + 0.5) / H) * box.height);
    await frame.waitForFunction(() => (document.querySelector('[data-readout="maps"]')?.textContent ?? '').includes('°'), undefined, { timeout: 10_000 });
    const text = (await frame.locator('[data-readout="maps"]').textContent()) ?? '';
    assert.ok(text.includes('42.5°N 97.5°W'), `lat/lon in the read-out: ${text}`);
    assert.ok(text.includes(`input p ${formatSig(pascals, 4)} Pa`), `pressure ${pascals} Pa in the read-out: ${text}`);
    const coast = frame.locator('[data-figure="masks-input"] [data-geo-overlay]:not([hidden]) path[data-geo="coastline"]');
    assert.equal(await coast.count(), 1, 'coastline over the input map');
    assert.ok(((await coast.getAttribute('d')) ?? '').length > 1000);
    for (const d of SHOTS) await page.screenshot({ path: path.join(d, 'e2e-map-inspector.png') });
  });
});
