/** Launches Debian's Chromium through playwright-core for the webview tests and the UI benchmark. */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Chromium flags used everywhere (sandbox off: tests run as root in CI). */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Path of the Chromium binary (`CHROMIUM_PATH` or /usr/bin/chromium). */
export function chromiumPath(): string {
  const p = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(p)) throw new Error(`Chromium not found at ${p}: install Debian's 'chromium' package or set CHROMIUM_PATH`);
  return p;
}

/** Starts headless Chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true });
}

/** Problems a page reported: console errors, page errors, CSP violations. */
export interface PageProblems {
  consoleErrors: string[];
  cspViolations: string[];
}

/** Records console errors, uncaught errors and CSP violations of a page (call before navigating). */
export async function watchProblems(page: Page): Promise<PageProblems> {
  const problems: PageProblems = { consoleErrors: [], cspViolations: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') problems.consoleErrors.push(`${m.text()} [${m.location().url}]`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.consoleErrors.push(`HTTP ${r.status()} for ${r.url()}`);
  });
  page.on('pageerror', (e) => problems.consoleErrors.push(`pageerror: ${e.message}`));
  await page.exposeFunction('__reportCsp', (text: string) => problems.cspViolations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __reportCsp: (t: string) => void }).__reportCsp(`${e.violatedDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  return problems;
}
