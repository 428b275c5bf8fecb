/**
 * Opening a panel page of the harness server the way the extension opens a
 * webview: a new Chromium page watched for problems (console errors, CSP
 * violations), the panel's page in a theme, the `ready` handshake awaited,
 * then the host's `init` (trusted, titled, naming the checkpoints). Returns
 * the page with a `send` for host messages and a reader of what it posted;
 * {@link assertPageClean} checks what every panel test checks at its end.
 */
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { PanelKind } from '../../../src/shared/ids';
import type { FromWebview, InitMessage, ToWebview } from '../../../src/shared/protocol';
import { watchProblems, type PageProblems } from './browser';
import type { Harness } from './server';
import type { ThemeName } from './themes';

/** An open panel page. */
export interface PanelPage {
  page: Page;
  problems: PageProblems;
  /** Posts a host message to the webview (as `webview.postMessage` does). */
  send(m: ToWebview): Promise<void>;
  /** Every message the webview posted so far, in order (`ready` first). */
  posted(): Promise<FromWebview[]>;
}

/** How to open the page. */
export interface PanelPageOptions {
  theme: ThemeName;
  /** Checkpoints of the panel's source (init). */
  checkpoints: string[];
  /** Viewport width (default 1280) and height (default 900). */
  width?: number;
  height?: number;
  /** Workspace trust sent with init (default true). */
  trusted?: boolean;
  /** Title sent with init (default "<kind>: <first checkpoint's file name>"). */
  title?: string;
  /** Other fields of the init's source (runDir defaults to null). */
  source?: Partial<InitMessage['source']>;
  /** A translation bundle for the page (as the extension passes `vscode.l10n.bundle`); none: English. */
  l10n?: Record<string, string>;
}

function baseName(p: string): string {
  return p.split(/[\\/]/).pop() ?? p;
}

/** Opens `kind`'s page, waits for its `ready`, sends `init`. */
export async function openPanelPage(browser: Browser, harness: Harness, kind: PanelKind, options: PanelPageOptions): Promise<PanelPage> {
  const page = await browser.newPage({ viewport: { width: options.width ?? 1280, height: options.height ?? 900 } });
  const problems = await watchProblems(page);
  await page.goto(harness.url(kind, options.theme, options.l10n));
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
  const send = async (m: ToWebview) => void (await page.evaluate((msg) => window.postMessage(msg, '*'), m as unknown as Record<string, unknown>));
  const posted = () => page.evaluate(() => (window as unknown as { __posted: FromWebview[] }).__posted);
  const title = options.title ?? `${kind}: ${baseName(options.checkpoints[0] ?? '')}`;
  await send({ type: 'init', panel: kind, trusted: options.trusted ?? true, title, source: { checkpoints: options.checkpoints, runDir: null, ...options.source } });
  return { page, problems, send, posted };
}

/**
 * The checks every panel page passes: every control has an accessible name
 * (aria-label, its own text, or a label around it with text), no CSP
 * violation, no console error, no error the webview logged to the host.
 */
export async function assertPageClean(page: Page, problems: PageProblems): Promise<void> {
  const unnamed = await page.evaluate(() => [...document.querySelectorAll('input, select, vscode-button, vscode-toolbar-button, [role="button"]')]
    .filter((el) => !el.getAttribute('aria-label') && !el.getAttribute('label') && !el.textContent?.trim() && !(el.closest('label')?.textContent?.trim()))
    .map((el) => el.outerHTML.slice(0, 120)));
  assert.deepEqual(unnamed, [], 'controls without an accessible name');
  assert.deepEqual(problems.cspViolations, [], 'CSP violations');
  assert.deepEqual(problems.consoleErrors, [], 'console errors');
  const posted = await page.evaluate(() => (window as unknown as { __posted: { type: string; level?: string }[] }).__posted);
  assert.deepEqual(posted.filter((m) => m.type === 'log' && m.level === 'error'), [], 'webview reported errors');
}
