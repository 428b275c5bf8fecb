/**
 * The packaged extension in a real VS Code (code-server 4.100.3, set up by
 * scripts/setup-code-server.sh), driven by Playwright in Debian's Chromium:
 * right-click the bundled SimVP checkpoint in the explorer, "Analyze
 * Checkpoint", wait for the Masks webview and check inside its frame that the
 * importance map and the FLOPs chart hold data from the run; open the
 * checkpoint in the custom editor; run a palette command. Screenshots go to
 * test-results/e2e/ and media/screenshots/.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../browser/harness/browser';
import { assertReportRenders } from '../browser/harness/reportChecks';
import { requireDynaprunerCheckpoint, ROOT } from '../browser/harness/realResults';
import { chooseMenuItem, explorerContextMenu, openWorkbench, palette, prepareCodeServer, startCodeServer, webviewFrame } from './helpers/codeServer';

const SHOTS = [path.join(ROOT, 'test-results', 'e2e'), path.join(ROOT, 'media', 'screenshots')];

async function shot(page: Page, name: string): Promise<void> {
  for (const d of SHOTS) await page.screenshot({ path: path.join(d, `${name}.png`) });
}

/** The frame of a webview whose body has data-panel=kind. */
const frameOf = (page: Page, kind: string) => webviewFrame(page, kind, 90_000, 500);

describe('extension in code-server', { timeout: 900_000 }, () => {
  let ckpt: string;
  let server: ChildProcess | null = null;
  let browser: Browser;
  let page: Page;
  let workspace: string;

  before(async () => {
    ckpt = requireDynaprunerCheckpoint();
    const setup = prepareCodeServer('dynapruner-e2e-');
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

  it('explorer > Analyze Checkpoint opens the Masks webview with the run\'s data', async () => {
    const name = path.basename(ckpt);
    // Expand checkpoints/ in the explorer and right-click the checkpoint.
    const item = await explorerContextMenu(page, 'checkpoints', name, 'Analyze Checkpoint');
    await shot(page, 'e2e-explorer-menu');
    await chooseMenuItem(page, item);
    const frame = await frameOf(page, 'masks');
    await frame.waitForFunction(() => document.querySelector('[data-figure="masks-importance"]')?.getAttribute('data-rendered') === 'true' && document.querySelector('[data-figure="masks-flops"]')?.getAttribute('data-rendered') === 'true', undefined, { timeout: 240_000 });
    const importance = await frame.evaluate(() => (document.querySelector('[data-plot="masks-importance"]') as unknown as { mapState(): { values: number[][] } }).mapState().values);
    assert.ok(importance.length > 1 && importance[0].length > 1, 'importance map has a grid');
    assert.ok(importance.flat().every((v) => v >= 0 && v <= 1), 'S values lie in [0, 1]');
    const bars = await frame.evaluate(() => (document.querySelector('[data-plot="masks-flops"]') as unknown as { data: { y: number[] }[] }).data[0].y);
    assert.ok(bars.length > 0 && bars.every((v) => v > 0), 'effective MACs per sample from the run');
    // Wait for the job to end (the run is saved) before taking the screenshot.
    await frame.waitForFunction(() => (document.querySelector('.progress') as HTMLElement | null)?.hidden !== false, undefined, { timeout: 240_000 });
    await page.waitForTimeout(500);
    await shot(page, 'e2e-masks');
    const runs = path.join(workspace, '.dynapruner', 'runs');
    assert.ok(existsSync(runs) && readdirSync(runs).some((d) => !d.startsWith('.')), 'the analysis was saved as a run');
  });

  it('opens the checkpoint in the custom editor (Overview)', async () => {
    const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: path.basename(ckpt) }).first();
    await row.dblclick();
    const frame = await frameOf(page, 'overview');
    await frame.locator('[data-stat="params"] .v').waitFor({ timeout: 60_000 });
    const params = await frame.locator('[data-stat="params"] .v').textContent();
    assert.match(params ?? '', /^[\d,]+$/);
    await shot(page, 'e2e-overview');
  });

  it('runs a palette command (Dyna-Pruner: Show FLOPs Breakdown)', async () => {
    await palette(page, 'Dyna-Pruner: Show FLOPs Breakdown', 'Show FLOPs Breakdown');
    // The active editor is the checkpoint's overview: the command uses it.
    const frame = await frameOf(page, 'flops');
    await frame.waitForFunction(() => document.querySelector('[data-figure="flops-per-layer"]')?.getAttribute('data-rendered') === 'true', undefined, { timeout: 120_000 });
    const rows = await frame.locator('[data-table="flops-layers"] tbody tr').count();
    assert.ok(rows > 0);
    await shot(page, 'e2e-flops');
  });

  it('Export Report from the palette writes the engine report (quick pick, save dialog)', async () => {
    const target = path.join(workspace, `${path.basename(ckpt, '.onnx')}-report.html`);
    await palette(page, 'Dyna-Pruner: Export Report', 'Export Report');
    const input = page.locator('.quick-input-widget input');
    // The active editor is a webview panel, not a checkpoint: the command asks which checkpoint.
    await page.locator('.quick-input-list .monaco-list-row', { hasText: path.basename(ckpt) }).first().waitFor({ timeout: 30_000 });
    await input.fill(path.basename(ckpt));
    await page.waitForTimeout(300);
    await page.keyboard.press('Enter');
    // VS Code's save dialog (the simple dialog in the browser) proposes <workspace>/<name>-report.html.
    await page.waitForFunction((name) => (document.querySelector('.quick-input-widget input') as HTMLInputElement | null)?.value.endsWith(name) ?? false, path.basename(target), { timeout: 30_000 });
    await shot(page, 'e2e-export-dialog');
    await page.keyboard.press('Enter');
    const end = Date.now() + 120_000;
    while (!existsSync(target)) {
      if (Date.now() > end) throw new Error(`no report at ${target}`);
      await page.waitForTimeout(500);
    }
    await page.locator('.notification-toast', { hasText: 'Report written' }).first().waitFor({ timeout: 30_000 });
    await shot(page, 'e2e-export-report');
    const figures = await assertReportRenders(browser, target);
    assert.ok(figures >= 10, `${figures} figures in the report`);
  });
});
