/**
 * What the engine's report browser test (test/browser/report.test.ts)
 * accepts, as a reusable check: the standalone report opens in Chromium with
 * no console errors or warnings and no network requests, at least `minFigures`
 * figures each drawn by Plotly, the map figures redraw when another sample is
 * chosen, the CSP is nonce-only and no script is loaded from outside.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';

/** Opens `file` in a new page and asserts the report checks; returns the number of figures. */
export async function assertReportRenders(browser: Browser, file: string, minFigures = 10): Promise<number> {
  const page = await browser.newPage();
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('request', (r) => {
    if (!/^(file|data|blob):/.test(r.url())) requests.push(r.url());
  });
  try {
    await page.goto('file://' + file);
    const count = await page.locator('.figure').count();
    assert.ok(count >= minFigures, `expected at least ${minFigures} figures, found ${count}`);
    await page.waitForFunction(() => [...document.querySelectorAll('.figure')].every((el) => el.getAttribute('data-rendered') === '1'), null, { timeout: 60_000 });
    const svgs = await page.locator('.figure .main-svg').count();
    assert.ok(svgs >= count, `every figure has a plotly svg (${svgs} svgs for ${count} figures)`);
    const options = await page.locator('#sample option').count();
    if (options > 1) {
      await page.selectOption('#sample', String(options - 1));
      await page.waitForFunction(() => [...document.querySelectorAll('.map')].every((el) => el.getAttribute('data-rendered') === '1'));
    }
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.match(csp ?? '', /default-src 'none'; script-src 'nonce-[A-Za-z0-9+/=]+'/);
    assert.deepEqual(problems, [], 'console errors / warnings');
    assert.deepEqual(requests, [], 'network requests');
    assert.ok(!/<script[^>]+src=/.test(readFileSync(file, 'utf8')), 'no external scripts');
    return count;
  } finally {
    await page.close();
  }
}
