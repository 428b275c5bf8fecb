/**
 * Export Report as the extension runs it: the analysis and the sweep of the
 * bundled checkpoint through the extension's engine client (`CoreEngine`, the
 * engine worker thread), then `writeReport` (what "Dyna-Pruner: Export
 * Report" and the panels' "Export HTML report" call after the save dialog).
 * The written file must pass the engine's report checks in Chromium, and its
 * map images must be the shared renderer's pixels (the Masks panel's).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { bytesToBase64 } from '../../src/core/schema/encoding';
import { sampleMapLayers, mapPixels } from '../../src/core/figures/maps';
import { encodePng } from '../../src/core/figures/raster';
import { LIGHT_THEME } from '../../src/core/figures/types';
import { CoreEngine } from '../../src/extension/engine/coreEngine';
import { launchChromium } from '../browser/harness/browser';
import { requireDynaprunerCheckpoint, stormFiles } from '../browser/harness/realResults';
import { assertReportRenders } from '../browser/harness/reportChecks';

let browser: Browser;
let dir: string;

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'dynapruner-export-'));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('Export Report writes the engine report of the run (analysis + sweep) and it renders', { timeout: 600_000 }, async () => {
  const ckpt = requireDynaprunerCheckpoint();
  const log = { info: () => undefined, error: (t: string) => assert.fail(t) };
  const engine = new CoreEngine(log);
  try {
    const signal = new AbortController().signal;
    const analysis = await engine.analyze({ checkpoint: ckpt, dataFiles: stormFiles(), maxSamples: 4, workers: 1, signal, onProgress: () => undefined, onStart: () => undefined, onSamples: () => undefined });
    const sweep = await engine.sweep({
      checkpoint: ckpt, dataFiles: stormFiles(), maxSamples: 4, workers: 1, signal, onProgress: () => undefined,
      grids: { noise: [0, 0.05], failure: [0, 0.1], baselines: ['dense', 'random', 'l1'], seeds: [0, 1], dataThresholds: [0.4, 0.5], tauOffsets: [0] },
    });
    const file = path.join(dir, 'simvp_dynapruner-report.html');
    await engine.writeReport(analysis, sweep, file);
    const html = readFileSync(file, 'utf8');
    assert.ok(html.includes(analysis.model.name), 'report names the checkpoint');
    const figures = await assertReportRenders(browser, file);
    assert.ok(figures >= 10);
    // The report's first map of sample 0 is the shared renderer's PNG of the same layer.
    const layer = sampleMapLayers(analysis, { sample: 0, t: 0, channel: 0 }, LIGHT_THEME).find((l) => l.key === 'importance')!;
    const png = `data:image/png;base64,${bytesToBase64(encodePng(mapPixels(layer), layer.w, layer.h))}`;
    assert.ok(html.includes(png), 'report embeds the renderer output of S for sample 0');
  } finally {
    engine.dispose();
  }
});
