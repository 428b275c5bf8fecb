/**
 * The Graph and A/B panels in code-server with the packaged extension: a
 * click on a gated layer of the bundled SimVP Dyna-Pruner graph opens the
 * FLOPs panel with that layer's row highlighted; the A/B panel of the
 * Dyna-Pruner and L1 checkpoints comes back after a window reload from its
 * saved analyses, with no job and no new run.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Frame, Page } from 'playwright-core';
import { launchChromium } from '../browser/harness/browser';
import { ROOT } from '../browser/harness/realResults';
import { commandWithPicks, openWorkbench, prepareCodeServer, reloadWindow, startCodeServer, webviewFrame } from './helpers/codeServer';

const SHOTS = path.join(ROOT, 'test-results', 'e2e');
const GATED_LAYER = '/m/backbone/trans.0/conv/Conv';

/** Run folders saved so far (hidden partial folders excluded). */
function savedRuns(workspace: string): string[] {
  try {
    return readdirSync(path.join(workspace, '.dynapruner', 'runs')).filter((d) => !d.startsWith('.')).sort();
  } catch {
    return [];
  }
}

async function abShown(frame: Frame, timeout: number): Promise<void> {
  await frame.waitForFunction(() => document.querySelectorAll('[data-figure^="ab-"][data-rendered="true"]').length === 3, undefined, { timeout });
}

describe('Graph and A/B panels (code-server)', { timeout: 900_000 }, () => {
  let server: ChildProcess | null = null;
  let browser: Browser;
  let page: Page;
  let workspace: string;
  const failShot = () => page.screenshot({ path: path.join(SHOTS, 'e2e-palette-failed.png') }).then(() => undefined);

  before(async () => {
    const setup = prepareCodeServer('dynapruner-graph-ab-');
    workspace = setup.workspace;
    mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
    writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'dynapruner.data.maxSamples': 3 }, null, 2));
    const cs = await startCodeServer(setup);
    server = cs.server;
    mkdirSync(SHOTS, { recursive: true });
    browser = await launchChromium();
    page = await openWorkbench(browser, cs.port, workspace);
  });

  after(async () => {
    await browser?.close();
    server?.kill('SIGTERM');
    if (process.env.DYNAPRUNER_KEEP_E2E !== '1' && workspace) rmSync(path.dirname(workspace), { recursive: true, force: true });
  });

  // Known failure in code-server (the same flow passes in Chromium, test/browser/graphPanel.test.ts): the FLOPs
  // panel opened by the Graph click stays empty there; skipped until that is found, not counted as passing.
  it('a click on a gated layer in the Graph panel shows its row highlighted in the FLOPs panel', async () => {
    await commandWithPicks(page, 'Show Model Graph', ['simvp_dynapruner.onnx'], failShot);
    const graph = await webviewFrame(page, 'graph', 90_000, 500);
    const node = graph.locator(`.graph-svg .node[data-node="${GATED_LAYER}"] rect.box`);
    await node.waitFor({ timeout: 120_000 });
    await node.click();
    const flops = await webviewFrame(page, 'flops', 90_000, 500);
    const row = flops.locator('table[data-table="flops-layers"] tr.focused');
    try {
      await row.waitFor({ timeout: 180_000 });
    } catch (error) {
      await page.screenshot({ path: path.join(SHOTS, 'e2e-graph-reveal-failed.png') });
      const state = await flops.evaluate(() => ({ rows: document.querySelectorAll('table[data-table="flops-layers"] tr').length, focused: document.querySelectorAll('tr.focused').length, text: document.body.innerText.slice(0, 400) }));
      throw new Error(`${(error as Error).message}\nFLOPs panel: ${JSON.stringify(state)}`);
    }
    assert.equal(await row.count(), 1, 'one row highlighted');
    assert.match((await row.textContent()) ?? '', /trans\.0\/conv\/Conv/);
    const box = await row.boundingBox();
    assert.ok(box && box.height > 0, 'the highlighted row is on screen');
    await page.screenshot({ path: path.join(SHOTS, 'e2e-graph-reveal.png') });
    // The analysis the FLOPs panel ran is saved: the A/B case reuses it.
    await flops.waitForFunction(() => (document.querySelector('.progress') as HTMLElement | null)?.hidden !== false, undefined, { timeout: 120_000 });
  });

  it('the A/B panel restores after a reload from its saved analyses: no job, no new run', async () => {
    await commandWithPicks(page, 'Compare Maps (A/B)', ['simvp_dynapruner.onnx', 'simvp_mp_l1.onnx'], failShot);
    let frame = await webviewFrame(page, 'ab', 90_000, 500);
    await abShown(frame, 300_000);
    await frame.waitForFunction(() => (document.querySelector('.progress') as HTMLElement | null)?.hidden !== false, undefined, { timeout: 120_000 });
    const before = savedRuns(workspace);
    assert.equal(before.filter((d) => d.includes('-run-simvp_mp_l1')).length, 1, `the L1 checkpoint's analysis was saved: ${before.join(', ')}`);
    assert.equal(before.filter((d) => d.includes('-run-simvp_dynapruner')).length, 1, `the Dyna-Pruner analysis is the FLOPs panel's, not a second one: ${before.join(', ')}`);
    const title = await frame.locator('[data-pane-title="b"]').textContent();

    await reloadWindow(page);
    frame = await webviewFrame(page, 'ab', 120_000, 500);
    await abShown(frame, 120_000);
    assert.equal(await frame.locator('[data-pane-title="b"]').textContent(), title);
    // Give a re-run, had one started, the time to show its progress or save a run.
    await page.waitForTimeout(8000);
    const progressShown = await frame.evaluate(() => (document.querySelector('.progress') as HTMLElement | null)?.hidden === false);
    await page.screenshot({ path: path.join(SHOTS, 'e2e-ab-restored.png') });
    assert.equal(progressShown, false, 'no job runs in the restored panel');
    assert.deepEqual(savedRuns(workspace), before, 'no run added by the reload');
  });
});
