/**
 * The Compare panel's Pareto view in headless Chromium, served as the
 * extension serves it: real analyses of bundled checkpoints (two methods and
 * the dense model of SimVP, and TAU) drawn as one front per backbone and
 * method, and the trainer's real Pareto summary drawn with its 95% bands;
 * hover labels carry the summary's numbers.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { readParetoSummary } from '../../src/core/experiments/paretoSummary';
import type { ParetoSummary } from '../../src/core/schema/pareto';
import type { Analysis } from '../../src/core/schema/results';
import { methodLabel, paretoCheckpointOf } from '../../src/core/figures/pareto';
import { MATCHED_COLUMNS, matchedRows, sameTargetRows } from '../../src/core/figures/paretoTables';
import { buildReportHtml } from '../../src/core/report/html';
import { buildParetoReportHtml } from '../../src/core/report/paretoReport';
import { loadPlotlySource } from '../../src/core/report/plotlySource';
import { assertReportRenders } from './harness/reportChecks';
import { compareEntry, compareGroups } from '../../src/extension/compareEntries';
import { writeCompareReport } from '../../src/extension/compareReport';
import { listRuns, readRun, saveRun } from '../../src/extension/runStore';
import type { CompareModel } from '../../src/shared/models';
import type { ToWebview } from '../../src/shared/protocol';
import { launchChromium, watchProblems, type PageProblems } from './harness/browser';
import { checkpointsDir, realResults, ROOT, stormFiles } from './harness/realResults';
import { startHarness, type Harness } from './harness/server';

const SHOTS = [path.join(ROOT, 'test-results', 'webviews'), path.join(ROOT, 'media', 'screenshots')];
const SUMMARY = path.join(ROOT, 'trainer', 'results', 'pareto', 'storm_simvp', 'summary.json');
const CHECKPOINTS = ['simvp_dynapruner', 'simvp_mp_l1', 'simvp_dense', 'simvp_dp_only', 'tau_dynapruner', 'tau_dense'];

interface Trace { name: string; x: number[]; y: number[]; hovertext?: string[]; meta?: { role: string; checkpoints?: string[] } }

describe('Compare panel: Pareto view in Chromium', () => {
  let harness: Harness;
  let browser: Browser;
  let compare: CompareModel;
  let summary: ParetoSummary;
  let analyses: Analysis[];
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'dp-pareto-view-'));

  before(async () => {
    if (!existsSync(path.join(ROOT, 'dist', 'webview', 'compare.js'))) throw new Error('dist/webview/compare.js is missing: run `npm run build` first');
    analyses = [];
    for (const name of CHECKPOINTS) analyses.push((await realResults(path.join(checkpointsDir(), `${name}.onnx`), { maxSamples: 4, sweep: false })).analysis);
    compare = { data: stormFiles().map((f) => path.basename(f)), entries: analyses.map((a) => compareEntry(a.model.path, a)) };
    summary = await readParetoSummary(SUMMARY);
    harness = await startHarness();
    browser = await launchChromium();
    for (const d of SHOTS) mkdirSync(d, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await harness?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  async function open(theme: 'light' | 'dark'): Promise<{ page: Page; problems: PageProblems; send: (m: ToWebview) => Promise<void> }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const problems = await watchProblems(page);
    await page.goto(harness.url('compare', theme));
    await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
    const send = (m: ToWebview) => page.evaluate((msg) => window.postMessage(msg, '*'), m as unknown as Record<string, unknown>);
    await send({ type: 'init', panel: 'compare', trusted: true, title: 'compare', source: { checkpoints: compare.entries.map((e) => e.path), runDir: null } });
    return { page, problems, send };
  }

  /** The traces Plotly drew in a figure (its graph div keeps them). */
  async function traces(page: Page, figure: string): Promise<Trace[]> {
    await page.waitForSelector(`[data-figure="${figure}"][data-rendered="true"]`, { timeout: 20_000 });
    return page.evaluate((f) => (document.querySelector(`[data-plot="${f}"]`) as unknown as { data: Trace[] }).data.map((t) => ({ name: t.name, x: t.x, y: t.y, hovertext: t.hovertext, meta: t.meta })), figure);
  }

  /** Moves the mouse onto point `i` of trace `t` and returns the hover label's text. */
  async function hover(page: Page, figure: string, t: number, i: number): Promise<string> {
    await page.locator(`[data-plot="${figure}"]`).scrollIntoViewIfNeeded();
    const at = await page.evaluate(({ f, t, i }) => {
      const gd = document.querySelector(`[data-plot="${f}"]`) as unknown as HTMLElement & { data: { x: number[]; y: number[] }[]; _fullLayout: { xaxis: { _offset: number; c2p: (v: number) => number }; yaxis: { _offset: number; c2p: (v: number) => number } } };
      const r = gd.getBoundingClientRect();
      const L = gd._fullLayout;
      return { x: r.left + L.xaxis._offset + L.xaxis.c2p(gd.data[t].x[i]), y: r.top + L.yaxis._offset + L.yaxis.c2p(gd.data[t].y[i]) };
    }, { f: figure, t, i });
    await page.mouse.move(at.x - 20, at.y - 20);
    await page.mouse.move(at.x, at.y, { steps: 4 });
    await page.waitForSelector(`[data-plot="${figure}"] .hoverlayer .hovertext`, { timeout: 5_000 });
    return page.locator(`[data-plot="${figure}"] .hoverlayer .hovertext`).first().textContent().then((s) => s ?? '');
  }

  async function finish(page: Page, problems: PageProblems, name: string): Promise<void> {
    await page.locator('section.pareto').scrollIntoViewIfNeeded();
    for (const d of SHOTS) await page.locator('section.pareto').screenshot({ path: path.join(d, `${name}.png`) });
    const unnamed = await page.evaluate(() => [...document.querySelectorAll('input, select, vscode-button, vscode-toolbar-button')]
      .filter((el) => !el.getAttribute('aria-label') && !el.getAttribute('label') && !el.textContent?.trim() && !(el.closest('label')?.textContent?.trim()))
      .map((el) => el.outerHTML.slice(0, 120)));
    assert.deepEqual(unnamed, [], 'controls without an accessible name');
    assert.deepEqual(problems.cspViolations, [], 'CSP violations');
    assert.deepEqual(problems.consoleErrors, [], 'console errors');
    await page.close();
  }

  it('checkpoints: one front per backbone and method, dominated faded, hover numbers, MAE / GMACs / log toggles', async () => {
    const { page, problems, send } = await open('light');
    await send({ type: 'compare', compare });
    let data = await traces(page, 'compare-pareto');
    const fronts = data.filter((t) => t.meta?.role === 'front').map((t) => t.name);
    for (const n of ['simvp · Dyna-Pruner', 'simvp · Static L1 (MP)', 'simvp · Dense', 'tau · Dyna-Pruner', 'tau · Dense']) assert.ok(fronts.includes(n), `front ${n} in ${fronts.join(', ')}`);
    const i = data.findIndex((t) => t.name === 'simvp · Static L1 (MP)');
    const l1 = compare.entries.find((e) => e.variant === 'mp_l1')!;
    const text = await hover(page, 'compare-pareto', i, 0);
    assert.match(text, /simvp_mp_l1\.onnx/);
    const pct = Number(/([\d.]+)% of the dense backbone/.exec(text)![1]);
    assert.ok(Math.abs(pct - (100 * l1.meanEffectiveMacs!) / l1.denseBackboneMacs!) < 0.01, `hover ${text} vs ${l1.meanEffectiveMacs}`);
    assert.ok(Math.abs(Number(/MSE ([\d.]+)/.exec(text)![1]) - l1.mse!) < 5e-4 * l1.mse!, text);

    await page.selectOption('[data-control="pareto-metric"]', 'mae');
    await page.selectOption('[data-control="pareto-macs"]', 'gmacs');
    await page.locator('[data-control="pareto-log-x"]').check();
    await page.waitForFunction(() => (document.querySelector('[data-plot="compare-pareto"]') as unknown as { layout: { xaxis: { type: string } } }).layout.xaxis.type === 'log');
    data = await traces(page, 'compare-pareto');
    const l1Trace = data.find((t) => t.name === 'simvp · Static L1 (MP)')!;
    assert.deepEqual(l1Trace.y, [l1.mae]);
    assert.ok(Math.abs(l1Trace.x[0] - l1.meanEffectiveMacs! / 1e9) < 1e-12);
    await finish(page, problems, 'compare-pareto-light');
  });

  it('a grouping override replaces the methods', async () => {
    const { page, problems, send } = await open('dark');
    await send({ type: 'compare', compare: { ...compare, groups: compare.entries.map((e) => (e.variant === 'dense' ? 'baseline' : 'pruned')) } });
    const names = (await traces(page, 'compare-pareto')).filter((t) => t.meta?.role === 'front').map((t) => t.name).sort();
    assert.deepEqual(names, ['simvp · baseline', 'simvp · pruned', 'tau · baseline', 'tau · pruned']);
    await finish(page, problems, 'compare-pareto-groups-dark');
  });

  it('trainer summary: two methods and dense on one plot, bands drawn, hover equals the summary, matched table', async () => {
    const { page, problems, send } = await open('dark');
    await send({ type: 'paretoSummary', summary });
    const data = await traces(page, 'compare-pareto-summary');
    const means = data.filter((t) => t.meta?.role === 'summary-mean');
    // The grid's methods and any trainer options the summary holds (e.g. dynapruner+distill): one mean curve each.
    const methods = new Set(summary.points.map((p) => p.method));
    assert.equal(means.length, methods.size);
    for (const name of ['simvp · Dense', 'simvp · Dyna-Pruner', 'simvp · Static L1 (MP)']) assert.ok(means.some((t) => t.name === name), name);
    const banded = [...methods].filter((m) => m !== 'dense' && summary.points.filter((p) => p.method === m).length >= 2);
    assert.equal(data.filter((t) => t.meta?.role === 'band').length, banded.length);
    const fills = await page.locator('[data-plot="compare-pareto-summary"] path.js-fill').evaluateAll((els) => els.map((e) => e.getAttribute('d') ?? '').filter((d) => d.length > 20).length);
    assert.ok(fills >= 2, `two filled bands drawn, found ${fills}`);

    const t = data.findIndex((tr) => tr.name === 'simvp · Dyna-Pruner');
    const text = await hover(page, 'compare-pareto-summary', t, 1);
    const dp = summary.points.filter((p) => p.method === 'dynapruner').sort((a, b) => b.macReduction.mean! - a.macReduction.mean!)[1];
    const [mse, lo, hi] = /MSE ([\d.]+) \(95% CI ([\d.]+) to ([\d.]+)\)/.exec(text)!.slice(1).map(Number);
    const close = (a: number, b: number) => Math.abs(a - b) <= 5e-4 * Math.abs(b);
    assert.ok(close(mse, dp.mse.mean!) && close(lo, dp.mse.lo!) && close(hi, dp.mse.hi!), `${text} vs ${JSON.stringify(dp.mse)}`);
    const macs = Number(/([\d.]+)% of the dense backbone/.exec(text)![1]);
    assert.ok(close(macs, 100 * (1 - dp.macReduction.mean!)), text);
    assert.ok(text.includes(`s_d=${dp.sD}, s_w=${dp.sW}`), text);

    const rows = page.locator('[data-table="compare-pareto-matched"] tbody tr');
    assert.equal(await rows.count(), matchedRows(summary).length, 'the grid\'s rows and the trainer options\' rows');
    const first = await rows.first().locator('td').allTextContents();
    assert.equal(first[MATCHED_COLUMNS.indexOf('MSE difference A − B (% of dense MSE)')], `+${summary.matched[0].points[0].diffPctOfDense.toFixed(2)}%`);
    // A trainer option compared at matched MACs: its label, MAC level, difference and CI as the summary stores them.
    const option = summary.options.find((o) => o.curves !== null);
    if (option) {
      const p = option.curves!.points[0];
      const signed = (v: number) => `${v > 0 ? '+' : ''}${v.toFixed(2)}%`;
      const cells = await page.locator('[data-table="compare-pareto-matched"] tbody tr', { hasText: `${methodLabel(option.method)} − ${methodLabel(option.against)}` }).first().locator('td').allTextContents();
      assert.deepEqual(cells.slice(2, 6), ['both curves interpolated', `${(100 * p.macReduction).toFixed(1)}%`, signed(p.diffPctOfDense), `${signed(p.ci95[0]!)} to ${signed(p.ci95[1]!)}`]);
    }
    assert.equal(await page.locator('[data-table="compare-pareto-same-targets"] tbody tr').count(), sameTargetRows(summary).length);
    assert.equal(await page.locator('[data-table="compare-pareto-same-targets"]').isVisible(), sameTargetRows(summary).length > 0);
    assert.equal(await page.locator('[data-control="pareto-metric"]').isVisible(), false, 'the summary has MSE only');
    await finish(page, problems, 'compare-pareto-summary-dark');
  });

  /** The cells of a table's body rows. */
  async function cells(page: Page, table: string): Promise<string[][]> {
    return page.evaluate((t) => [...document.querySelectorAll(`${t} tbody tr`)].map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent ?? '')), table);
  }

  /** A written report page in Chromium: one figure's traces as Plotly drew them and the cells of its tables. */
  async function reportPage(file: string, figure: string, tables: string[]): Promise<{ data: Trace[]; tables: string[][][] }> {
    const page = await browser.newPage();
    await page.goto('file://' + file);
    await page.waitForSelector(`#fig-${figure}[data-rendered="1"]`, { timeout: 20_000 });
    const data = await page.evaluate((f) => (document.getElementById(`fig-${f}`) as unknown as { data: Trace[] }).data.map((t) => ({ name: t.name, x: t.x, y: t.y, hovertext: t.hovertext })), figure);
    const out = { data, tables: await Promise.all(tables.map((t) => cells(page, t))) };
    await page.close();
    return out;
  }

  /** Clicks the panel's "Export HTML report" button and checks it asked the host for the report. */
  async function clickExport(page: Page): Promise<void> {
    await page.locator('[data-action="export-report"]').click();
    await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'exportReport'));
  }

  it('Export Report of a summary panel: the page has the panel\'s curves and matched tables, with the summary\'s numbers', async () => {
    const { page, problems, send } = await open('light');
    const source = { checkpoints: [], runDir: null, paretoSummary: SUMMARY };
    await send({ type: 'paretoSummary', summary });
    const drawn = (await traces(page, 'compare-pareto-summary')).map(({ name, x, y, hovertext }) => ({ name, x, y, hovertext }));
    const matched = await cells(page, '[data-table="compare-pareto-matched"]');
    const same = await cells(page, '[data-table="compare-pareto-same-targets"]');
    await clickExport(page);
    assert.deepEqual([problems.cspViolations, problems.consoleErrors], [[], []]);
    await page.close();

    // What the host writes for this panel's source (studio.exportReport after the save dialog).
    const out = path.join(tmp, 'summary-panel-report.html');
    await writeCompareReport(source, () => undefined, out);
    assert.equal(await assertReportRenders(browser, out, 1), 1);
    const report = await reportPage(out, 'paretoSummary', ['#pareto-matched', '#pareto-same-targets']);
    assert.deepEqual(report.data, drawn, 'the same curves, bands and hover numbers as the panel');
    assert.deepEqual(report.tables, [matched, same], 'the same matched and same-targets tables as the panel');
    const p0 = summary.matched[0].points[0];
    const diff = MATCHED_COLUMNS.indexOf('MSE difference A − B (% of dense MSE)');
    assert.equal(report.tables[0][0][diff], `+${p0.diffPctOfDense.toFixed(2)}%`);
    assert.equal(report.tables[0].length, summary.matched[0].points.length + summary.options.reduce((n, o) => n + Math.max(1, (o.curves?.points.length ?? 0) + o.ownPoint.length), 0));
  });

  it('Compare Saved Runs: saved analyses of two groups drawn as two fronts on one plot, and its report draws the same fronts', async () => {
    // Saved runs as the run store keeps them, picked as "Compare Saved Runs..." lists them, read back as the panel reads them.
    const runs = path.join(tmp, 'runs');
    const group: Record<string, string> = { dynapruner: 'data-adaptive', dp_only: 'data-adaptive', mp_l1: 'static', dense: 'static' };
    const picked = analyses.filter((a) => a.model.backbone === 'simvp' && a.model.variant! in group);
    for (const a of picked) await saveRun(runs, 'run', a, 0, ['run', a.model.path]);
    const listed = (await listRuns(runs)).filter((r) => r.record.command === 'run');
    assert.equal(listed.length, picked.length);
    const source = { checkpoints: listed.map((r) => r.record.model.path), runDir: null, runDirs: listed.map((r) => r.dir), groups: listed.map((r) => group[r.record.model.variant!]) };
    const entries = await Promise.all(listed.map(async (r, i) => compareEntry(source.checkpoints[i], (await readRun(r.dir)).analysis!)));

    const { page, problems, send } = await open('dark');
    await send({ type: 'compare', compare: { data: compare.data, entries, ...compareGroups(source) } });
    const drawn = (await traces(page, 'compare-pareto')).map(({ name, x, y, hovertext, meta }) => ({ name, x, y, hovertext, meta }));
    const fronts = drawn.filter((t) => t.meta?.role === 'front');
    assert.deepEqual(fronts.map((t) => t.name).sort(), ['simvp · data-adaptive', 'simvp · static'], 'two fronts on one plot');
    const plotted = drawn.flatMap((t) => t.meta?.checkpoints ?? []).sort();
    assert.deepEqual(plotted, picked.map((a) => path.basename(a.model.path)).sort(), 'every saved checkpoint on its group\'s front or faded under it');
    await clickExport(page);
    assert.deepEqual([problems.cspViolations, problems.consoleErrors], [[], []]);
    await page.close();

    // The host reads the panel's saved runs (nothing in memory: the lookup finds nothing).
    const out = path.join(tmp, 'saved-runs-report.html');
    await writeCompareReport(source, () => undefined, out);
    await assertReportRenders(browser, out, 1);
    const report = await reportPage(out, 'paretoCheckpoints', ['#pareto-checkpoints']);
    assert.deepEqual(report.data.map(({ name, x, y }) => ({ name, x, y })), drawn.map(({ name, x, y }) => ({ name, x, y })), 'the same fronts and points as the panel');
    assert.deepEqual(report.tables[0].map((r) => [r[0], r[2]]).sort(), listed.map((r) => [path.basename(r.record.model.path), group[r.record.model.variant!]]).sort());
    await assert.rejects(writeCompareReport({ ...source, runDirs: undefined }, () => undefined, path.join(tmp, 'none.html')), /^Error: Compare report: expected two or more analysed checkpoints for the Pareto fronts, found 0 of 4/);
  });

  it('the report draws the same figures: a Pareto-only page and a full report with the fronts and the summary', async () => {
    const plotly = loadPlotlySource();
    const only = path.join(tmp, 'pareto-only.html');
    writeFileSync(only, buildParetoReportHtml({ pareto: { checkpoints: [], summary }, plotly }));
    assert.equal(await assertReportRenders(browser, only, 1), 1);
    const full = path.join(tmp, 'full.html');
    writeFileSync(full, buildReportHtml({ analysis: analyses[0], sweep: null, plotly, pareto: { checkpoints: analyses.map((a) => paretoCheckpointOf(a)), summary } }));
    await assertReportRenders(browser, full, 6);
  });
});
