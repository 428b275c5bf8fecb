/**
 * A translation bundle reaches a webview: the Robustness panel, served as the
 * extension serves it (same template, CSP and bundles) with a small German
 * bundle in the page's JSON block, shows the translated texts (placeholder,
 * button, the shell's notice and its button), keeps English where the bundle
 * has no entry, and a hostile key cannot break out of the block. Without a
 * bundle the page shows the English source strings.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from './harness/browser';
import { assertPageClean, openPanelPage } from './harness/panelPage';
import { startHarness, type Harness } from './harness/server';

const GERMAN: Record<string, string> = {
  'Waiting for the sweep…': 'Warte auf den Sweep…',
  'Export HTML report': 'HTML exportieren',
  'Cancelled; nothing was saved.': 'Abgebrochen; nichts gespeichert.',
  'Run again': 'Erneut ausführen',
  '</script><script>window.__escaped = true</script>': '<!-- </script> & \u2028',
};

describe('webview localisation through @vscode/l10n', () => {
  let harness: Harness;
  let browser: Browser;

  before(async () => {
    harness = await startHarness();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await harness?.close();
  });

  const texts = async (lang: Record<string, string> | undefined) => {
    const { page, problems, send } = await openPanelPage(browser, harness, 'robustness', { theme: 'dark', checkpoints: ['/ws/simvp_dynapruner.onnx'], ...(lang ? { l10n: lang } : {}) });
    await send({ type: 'jobEnd', jobId: 'job-1', outcome: 'cancelled' });
    await page.waitForSelector('[data-notice="job"]');
    const read = await page.evaluate(() => ({
      empty: document.querySelector('.empty')?.getAttribute('data-waiting') ?? null,
      report: document.querySelector('[data-action="export-report"]')?.textContent ?? null,
      reportLabel: document.querySelector('[data-action="export-report"]')?.getAttribute('aria-label') ?? null,
      notice: document.querySelector('[data-notice="job"] span:nth-child(2)')?.textContent ?? null,
      rerun: document.querySelector('[data-action="rerun"]')?.textContent ?? null,
      tables: document.querySelector('h2')?.textContent ?? null,
      escaped: (window as unknown as { __escaped?: boolean }).__escaped ?? false,
    }));
    await assertPageClean(page, problems);
    await page.close();
    return read;
  };

  it('shows the bundle\'s translations, English where it has none, and the block stays inert', async () => {
    const t = await texts(GERMAN);
    assert.deepEqual(t, {
      empty: 'Warte auf den Sweep…',
      report: 'HTML exportieren',
      reportLabel: 'HTML exportieren',
      notice: 'Abgebrochen; nichts gespeichert.',
      rerun: 'Erneut ausführen',
      tables: 'Tables',
      escaped: false,
    });
  });

  it('shows the English source strings without a bundle', async () => {
    const t = await texts(undefined);
    assert.deepEqual(t, {
      empty: 'Waiting for the sweep…',
      report: 'Export HTML report',
      reportLabel: 'Export HTML report',
      notice: 'Cancelled; nothing was saved.',
      rerun: 'Run again',
      tables: 'Tables',
      escaped: false,
    });
  });
});
