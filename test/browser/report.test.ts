/**
 * The standalone HTML report opens in headless Chromium (Debian's, through
 * playwright-core) with no console errors, no network requests, and every
 * figure rendered by plotly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { analyze } from '../../src/core/experiments/analyze';
import { openCheckpoint } from '../../src/core/checkpoint/checkpoint';
import { InferencePool } from '../../src/core/runtime/inferencePool';
import { ModelRunner } from '../../src/core/runtime/modelRunner';
import { sweep } from '../../src/core/experiments/sweep';
import { buildReportHtml } from '../../src/core/report/html';
import { loadPlotlySource } from '../../src/core/report/plotlySource';
import { loadSamples } from '../../src/core/samples/load';
import { takeSamples } from '../../src/core/samples/sampleSet';
import { checkpoint, STORM_FILES } from '../helpers/engineFixtures';
import { assertReportRenders } from './harness/reportChecks';

let browser: Browser;
let dir: string;
let reportFile: string;

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'dp-report-'));
  const ck = await openCheckpoint(checkpoint('simvp_dynapruner'));
  const all = await loadSamples(STORM_FILES, ck.spec);
  const samples = takeSamples(all, [0, 1, 2, 3]);
  const pool = new InferencePool({ size: 1 });
  try {
    const runner = new ModelRunner(ck, pool);
    const analysis = await analyze(ck, samples, runner);
    const sw = await sweep(ck, samples, runner, { noise: [0, 0.05], failure: [0, 0.1], baselines: ['dense', 'random', 'l1'], seeds: 2, dataThresholds: [0.4, 0.5], tauOffsets: [0, 0.1], gateFailure: false });
    reportFile = path.join(dir, 'report.html');
    const html = buildReportHtml({ analysis, sweep: sw, plotly: loadPlotlySource() });
    await import('node:fs/promises').then((fs) => fs.writeFile(reportFile, html));
  } finally {
    await pool.close();
  }
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('report renders every figure with no console errors and no network', async () => {
  // Console, network, figure count (>= 10), plotly svgs, sample switch redraws the maps, nonce-only CSP, no external scripts.
  await assertReportRenders(browser, reportFile);
});
