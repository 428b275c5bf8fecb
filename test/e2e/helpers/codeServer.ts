/**
 * Shared code-server plumbing of the e2e tests (test/e2e/codeServer.test.ts,
 * test/e2e/remoteProfile.test.ts): install the packaged .vsix into a fresh
 * code-server 4.100.3 (scripts/setup-code-server.sh), copy the demo workspace,
 * start the server, open the workbench in Chromium, find a webview's frame,
 * run a palette command and open the explorer's context menu on a file.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Frame, Locator, Page } from 'playwright-core';
import { checkpointsDir, ROOT } from '../../browser/harness/realResults';
import { freePort } from '../../remote/helpers/sshdTestEnv';

/** Where a prepared code-server install lives (all under `tmp`). */
export interface CodeServerSetup {
  /** code-server's entry script (run with node). */
  entry: string;
  tmp: string;
  extDir: string;
  userDir: string;
  /** A copy of demo/ (runs are saved into it). */
  workspace: string;
}

/**
 * Sets up code-server, packages the extension and installs it into a fresh
 * extensions/user dir under a new temp dir (`tmpPrefix`), and copies the demo
 * workspace (without saved runs) plus the checkpoints in use into it.
 */
export function prepareCodeServer(tmpPrefix: string): CodeServerSetup {
  const entry = execFileSync('bash', [path.join(ROOT, 'scripts', 'setup-code-server.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop()!;
  const tmp = mkdtempSync(path.join(os.tmpdir(), tmpPrefix));
  const vsix = path.join(tmp, 'dynapruner.vsix');
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'package-vsix.mjs'), '--out', vsix], { cwd: ROOT, stdio: 'inherit' });
  const extDir = path.join(tmp, 'extensions');
  const userDir = path.join(tmp, 'user');
  execFileSync(process.execPath, [entry, '--extensions-dir', extDir, '--user-data-dir', userDir, '--install-extension', vsix], { stdio: 'inherit' });
  const workspace = path.join(tmp, 'demo');
  cpSync(path.join(ROOT, 'demo'), workspace, { recursive: true, filter: (s) => !s.includes(`${path.sep}.dynapruner`) });
  if (checkpointsDir() !== path.join(ROOT, 'demo', 'checkpoints')) cpSync(checkpointsDir(), path.join(workspace, 'checkpoints'), { recursive: true });
  return { entry, tmp, extDir, userDir, workspace };
}

/** A running code-server and what it has written to stdout/stderr so far. */
export interface RunningCodeServer {
  server: ChildProcess;
  port: number;
  log(): string;
}

/** Starts code-server (no auth, loopback, free port) on the workspace and waits until it listens (60 s). */
export async function startCodeServer(setup: CodeServerSetup): Promise<RunningCodeServer> {
  const { entry, extDir, userDir, workspace } = setup;
  const port = await freePort();
  let log = '';
  const server = spawn(process.execPath, [entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--extensions-dir', extDir, '--user-data-dir', userDir, workspace], { stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout!.on('data', (d) => (log += d));
  server.stderr!.on('data', (d) => (log += d));
  const end = Date.now() + 60_000;
  while (!log.includes('HTTP server listening')) {
    if (Date.now() > end) throw new Error(`code-server did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  return { server, port, log: () => log };
}

/** Opens the workspace in a 1440x900 page and waits for the workbench and its contributions. */
export async function openWorkbench(browser: Browser, port: number, workspace: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
  await page.waitForTimeout(6000); // contributions register after the workbench appears
  return page;
}

/** The frame of a webview whose body has data-panel=kind (VS Code nests it in two iframes); polls every `pollMs`. */
export async function webviewFrame(page: Page, kind: string, timeout: number, pollMs: number): Promise<Frame> {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    for (const f of page.frames()) {
      try {
        if (await f.evaluate((k) => document.body?.dataset.panel === k, kind)) return f;
      } catch {
        // frame navigated away
      }
    }
    await page.waitForTimeout(pollMs);
  }
  throw new Error(`no ${kind} webview frame within ${timeout} ms`);
}

/** F1, types `>command`, waits for a row with `rowText` (`timeout`: Playwright's default when left out) and runs it. */
export async function palette(page: Page, command: string, rowText: string, timeout?: number): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  for (let attempt = 0; ; attempt++) {
    await page.keyboard.press(attempt % 2 === 0 ? 'F1' : 'Control+Shift+P');
    try {
      await input.waitFor({ state: 'visible', timeout: 5_000 });
      break;
    } catch (error) {
      if (attempt >= 3) throw error;
      // The key went nowhere (focus inside a webview frame, or a closing widget):
      // give the workbench focus through a harmless target and press again.
      await page.keyboard.press('Escape');
      const title = page.locator('.part.sidebar .composite.title').first();
      if (await title.isVisible()) await title.click();
    }
  }
  await input.fill(`>${command}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: rowText }).first().waitFor({ timeout });
  await page.keyboard.press('Enter');
}

/**
 * Right-clicks `fileName` in the explorer (expanding `folder` first when the
 * file's row is not shown) and waits for the context menu item `itemText`;
 * returns the item (choose it with {@link chooseMenuItem}).
 */
export async function explorerContextMenu(page: Page, folder: string, fileName: string, itemText: string): Promise<Locator> {
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: fileName }).first();
  if (!(await row.isVisible())) {
    const folderRow = page.locator('.explorer-folders-view .monaco-list-row', { hasText: folder }).first();
    await folderRow.waitFor({ timeout: 60_000 });
    await folderRow.click();
  }
  await row.waitFor();
  await row.click({ button: 'right' });
  const item = page.locator('.monaco-menu .action-item', { hasText: itemText }).first();
  await item.waitFor({ timeout: 20_000 });
  return item;
}

/** Chooses a context menu item: hover, then Enter. */
export async function chooseMenuItem(page: Page, item: Locator): Promise<void> {
  await item.hover();
  await page.keyboard.press('Enter');
}

/**
 * Runs a `Dyna-Pruner: <title>` command from the palette. On a loaded machine
 * the extension's contributions can appear after the workbench, so the palette
 * is tried again (about three minutes in all) before the error is thrown;
 * `onFail` runs first (e.g. a screenshot).
 */
export async function dynaprunerCommand(page: Page, title: string, onFail?: () => Promise<void>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await palette(page, `Dyna-Pruner: ${title}`, title, 20_000);
      return;
    } catch (error) {
      if (attempt >= 8) {
        await onFail?.();
        throw error;
      }
      await page.keyboard.press('Escape');
      await page.waitForTimeout(5_000);
    }
  }
}

/**
 * Picks the row of the open quick pick whose label contains `text`: waits for
 * the quick pick, types `text` so that the row is among the few rendered ones
 * (a long list renders only the rows in view), waits for the row to be
 * visible and chooses it. Returns false, after `timeout`, when no quick pick
 * with such a row is shown (e.g. another editor took the focus and closed it).
 */
export async function pickRow(page: Page, text: string, timeout = 30_000): Promise<boolean> {
  const input = page.locator('.quick-input-widget input');
  try {
    await input.waitFor({ state: 'visible', timeout });
    await input.fill(text);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first().waitFor({ state: 'visible', timeout });
  } catch {
    return false;
  }
  await page.keyboard.press('Enter');
  return true;
}

/**
 * Runs a Dyna-Pruner command and picks one row per entry of `picks` in the
 * quick picks it opens; when a pick is not offered (the quick pick closed
 * under it), the whole command is run again, up to three times.
 */
export async function commandWithPicks(page: Page, title: string, picks: string[], onFail?: () => Promise<void>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    await dynaprunerCommand(page, title, onFail);
    let picked = true;
    for (const text of picks) if (!(picked = await pickRow(page, text))) break;
    if (picked) return;
    if (attempt >= 2) {
      await onFail?.();
      throw new Error(`"${title}": the quick pick row "${picks.join('", "')}" was not offered in three tries`);
    }
    await page.keyboard.press('Escape');
  }
}

/**
 * Runs Developer: Reload Window and waits for the new page's workbench. The
 * old page (its workbench and webview frames) lives on until the navigation
 * starts, so waiting for `.monaco-workbench` alone can return the old page and
 * its frames, which are then detached under the test (seen in CI).
 */
export async function reloadWindow(page: Page, runPalette: () => Promise<void> = () => palette(page, 'Developer: Reload Window', 'Reload Window')): Promise<void> {
  const loaded = page.waitForEvent('load', { timeout: 120_000 });
  await runPalette();
  await loaded;
  await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
}
