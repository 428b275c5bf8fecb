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
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Frame, Page } from 'playwright-core';
import { launchChromium } from '../browser/harness/browser';
import { assertReportRenders } from '../browser/harness/reportChecks';
import { checkpointsDir, requireDynaprunerCheckpoint, ROOT } from '../browser/harness/realResults';

const SHOTS = [path.join(ROOT, 'test-results', 'e2e'), path.join(ROOT, 'media', 'screenshots')];

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

async function shot(page: Page, name: string): Promise<void> {
  for (const d of SHOTS) await page.screenshot({ path: path.join(d, `${name}.png`) });
}

/** The frame of a webview whose body has data-panel=kind (VS Code nests it in two iframes). */
async function webviewFrame(page: Page, kind: string, timeout = 90_000): Promise<Frame> {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    for (const f of page.frames()) {
      try {
        if (await f.evaluate((k) => document.body?.dataset.panel === k, kind)) return f;
      } catch {
        // frame navigated away
      }
    }
    await page.waitForTimeout(500);
  }
  throw new Error(`no ${kind} webview frame within ${timeout} ms`);
}

describe('extension in code-server', { timeout: 900_000 }, () => {
  let ckpt: string;
  let server: ChildProcess | null = null;
  let browser: Browser;
  let page: Page;
  let workspace: string;
  let log = '';

  before(async () => {
    ckpt = requireDynaprunerCheckpoint();
    const entry = execFileSync('bash', [path.join(ROOT, 'scripts', 'setup-code-server.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop()!;
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'dynapruner-e2e-'));
    const vsix = path.join(tmp, 'dynapruner.vsix');
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'package-vsix.mjs'), '--out', vsix], { cwd: ROOT, stdio: 'inherit' });
    const extDir = path.join(tmp, 'extensions');
    const userDir = path.join(tmp, 'user');
    execFileSync(process.execPath, [entry, '--extensions-dir', extDir, '--user-data-dir', userDir, '--install-extension', vsix], { stdio: 'inherit' });
    // A copy of the demo workspace (runs are written into it).
    workspace = path.join(tmp, 'demo');
    cpSync(path.join(ROOT, 'demo'), workspace, { recursive: true, filter: (s) => !s.includes(`${path.sep}.dynapruner`) });
    if (checkpointsDir() !== path.join(ROOT, 'demo', 'checkpoints')) cpSync(checkpointsDir(), path.join(workspace, 'checkpoints'), { recursive: true });
    const port = await freePort();
    server = spawn(process.execPath, [entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--extensions-dir', extDir, '--user-data-dir', userDir, workspace], { stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.on('data', (d) => (log += d));
    server.stderr!.on('data', (d) => (log += d));
    const end = Date.now() + 60_000;
    while (!log.includes('HTTP server listening')) {
      if (Date.now() > end) throw new Error(`code-server did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 300));
    }
    for (const d of SHOTS) mkdirSync(d, { recursive: true });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
    await page.waitForTimeout(6000); // contributions register after the workbench appears
  });

  after(async () => {
    await browser?.close();
    server?.kill('SIGTERM');
    if (process.env.DYNAPRUNER_KEEP_E2E !== '1' && workspace) rmSync(path.dirname(workspace), { recursive: true, force: true });
  });

  it('explorer > Analyze Checkpoint opens the Masks webview with the run\'s data', async () => {
    const name = path.basename(ckpt);
    // Expand checkpoints/ in the explorer and right-click the checkpoint.
    const folder = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'checkpoints' }).first();
    await folder.waitFor({ timeout: 60_000 });
    await folder.click();
    const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
    await row.waitFor();
    await row.click({ button: 'right' });
    const item = page.locator('.monaco-menu .action-item', { hasText: 'Analyze Checkpoint' }).first();
    await item.waitFor({ timeout: 20_000 });
    await shot(page, 'e2e-explorer-menu');
    await item.hover();
    await page.keyboard.press('Enter');
    const frame = await webviewFrame(page, 'masks');
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
    const frame = await webviewFrame(page, 'overview');
    await frame.locator('[data-stat="params"] .v').waitFor({ timeout: 60_000 });
    const params = await frame.locator('[data-stat="params"] .v').textContent();
    assert.match(params ?? '', /^[\d,]+$/);
    await shot(page, 'e2e-overview');
  });

  it('runs a palette command (Dyna-Pruner: Show FLOPs Breakdown)', async () => {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill('>Dyna-Pruner: Show FLOPs Breakdown');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Show FLOPs Breakdown' }).first().waitFor();
    await page.keyboard.press('Enter');
    // The active editor is the checkpoint's overview: the command uses it.
    const frame = await webviewFrame(page, 'flops');
    await frame.waitForFunction(() => document.querySelector('[data-figure="flops-per-layer"]')?.getAttribute('data-rendered') === 'true', undefined, { timeout: 120_000 });
    const rows = await frame.locator('[data-table="flops-layers"] tbody tr').count();
    assert.ok(rows > 0);
    await shot(page, 'e2e-flops');
  });

  it('Export Report from the palette writes the engine report (quick pick, save dialog)', async () => {
    const target = path.join(workspace, `${path.basename(ckpt, '.onnx')}-report.html`);
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill('>Dyna-Pruner: Export Report');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Export Report' }).first().waitFor();
    await page.keyboard.press('Enter');
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
