/**
 * Remote profiling from a real VS Code (code-server 4.100.3, the packaged
 * .vsix) against a real loopback OpenSSH sshd (test/remote/helpers/sshdTestEnv.ts)
 * standing in for a Jetson: the host is configured in the workspace settings
 * (`dynapruner.remote.hosts`, an isolated `dynapruner.remote.knownHostsFile`,
 * the test user key); the Devices view lists it; explorer > "Profile on Remote
 * Device" on demo/checkpoints/simvp_dynapruner.onnx asks for the device,
 * backend and iterations, shows the SHA256 host-key trust prompt, records the
 * trusted key, and the Orin panel shows live progress, the device card, the
 * latency of the checkpoint and its clean dense, l1c and sparse variants, the
 * sparse variant's MACs and latency against clean dense, and the per-layer
 * rows of the node-by-node profile (settings dynapruner.remote.profile.variants
 * and .layers); the run is saved under
 * .dynapruner/runs/. Second case: a changed host key is refused with a visible
 * error and nothing is authenticated, run or saved. Also: a passphrase-protected
 * key is asked for once (password box) and then taken from SecretStorage.
 * Screenshots: test-results/e2e/remote-*.png and media/screenshots/remote-vscode.png.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { formatNumber } from '../../webview/common/format';
import { launchChromium } from '../browser/harness/browser';
import { ROOT } from '../browser/harness/realResults';
import { fixtureDeviceRoot, startSshd, type SshdTestEnv } from '../remote/helpers/sshdTestEnv';
import { chooseMenuItem, explorerContextMenu, openWorkbench, prepareCodeServer, startCodeServer, webviewFrame } from './helpers/codeServer';
import { paletteRetried } from './helpers/remotePalette';

const ALIAS = 'orin-loopback';
/** The same sshd, authenticated with the passphrase-protected key. */
const ENCRYPTED_ALIAS = 'orin-encrypted';
const ITERATIONS = 12;
const CHECKPOINT = 'simvp_dynapruner.onnx';
const RESULTS = path.join(ROOT, 'test-results', 'e2e');

async function shot(page: Page, name: string, alsoReadme = false): Promise<void> {
  await page.screenshot({ path: path.join(RESULTS, `${name}.png`) });
  if (alsoReadme) await page.screenshot({ path: path.join(ROOT, 'media', 'screenshots', 'remote-vscode.png') });
}

/** The frame of a webview whose body has data-panel=kind. */
const frameOf = (page: Page, kind: string) => webviewFrame(page, kind, 120_000, 300);

/** Saved runs (folder names) under <workspace>/.dynapruner/runs. */
function savedRuns(workspace: string): string[] {
  const dir = path.join(workspace, '.dynapruner', 'runs');
  return existsSync(dir) ? readdirSync(dir).filter((d) => !d.startsWith('.')) : [];
}

describe('remote profiling in code-server over a loopback sshd', { timeout: 900_000 }, () => {
  let env: SshdTestEnv;
  let server: ChildProcess | null = null;
  let browser: Browser;
  let page: Page;
  let tmp: string;
  let workspace: string;
  let knownHosts: string;
  let userDir: string;
  /** code-server's output so far. */
  let log: () => string = () => '';

  before(async () => {
    env = await startSshd();
    const setup = prepareCodeServer('dynapruner-e2e-remote-');
    ({ tmp, userDir, workspace } = setup);
    // The copy of the demo workspace (the run is saved into it), configured for the loopback "device".
    knownHosts = path.join(tmp, 'known_hosts'); // empty: the host key is unknown at first
    writeFileSync(knownHosts, '');
    mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
    writeFileSync(
      path.join(workspace, '.vscode', 'settings.json'),
      JSON.stringify(
        {
          'dynapruner.remote.hosts': [
            {
              alias: ALIAS,
              hostName: '127.0.0.1',
              port: env.port,
              user: env.user,
              identityFiles: [env.userKey],
              deviceRoot: fixtureDeviceRoot,
              workDir: path.join(tmp, 'device-work'),
              ortModulePath: path.join(ROOT, 'node_modules', 'onnxruntime-node'),
              tegrastatsIntervalMs: 50,
            },
            {
              alias: ENCRYPTED_ALIAS,
              hostName: '127.0.0.1',
              port: env.port,
              user: env.user,
              identityFiles: [env.encryptedKey],
              deviceRoot: fixtureDeviceRoot,
              workDir: path.join(tmp, 'device-work'),
              ortModulePath: path.join(ROOT, 'node_modules', 'onnxruntime-node'),
              tegrastatsIntervalMs: 50,
            },
          ],
          'dynapruner.remote.profile.variants': ['ckpt', 'dense', 'l1c', 'sparse'],
          'dynapruner.remote.profile.layers': true,
          'dynapruner.remote.knownHostsFile': knownHosts,
          'dynapruner.remote.connectTimeoutMs': 10000,
        },
        null,
        2,
      ),
    );
    const cs = await startCodeServer(setup);
    server = cs.server;
    log = cs.log;
    mkdirSync(RESULTS, { recursive: true });
    browser = await launchChromium();
    page = await openWorkbench(browser, cs.port, workspace);
  });

  after(async () => {
    await browser?.close();
    server?.kill('SIGTERM');
    await env?.stop();
    if (process.env.DYNAPRUNER_KEEP_E2E !== '1' && tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const palette = (command: string, rowText: string) => paletteRetried(page, command, rowText);

  /** Explorer > right-click the checkpoint > Profile on Remote Device, then device, backend, iterations. */
  async function startProfile(alias = ALIAS): Promise<void> {
    await palette('View: Show Explorer', 'Show Explorer');
    await chooseMenuItem(page, await explorerContextMenu(page, 'checkpoints', CHECKPOINT, 'Profile on Remote Device'));
    // Devices (multi-select): check the loopback device, then OK.
    const widget = page.locator('.quick-input-widget');
    await widget.locator('.quick-input-title', { hasText: 'Devices to profile' }).waitFor({ timeout: 60_000 });
    const deviceRow = widget.locator('.quick-input-list .monaco-list-row', { hasText: alias }).first();
    await deviceRow.waitFor();
    await deviceRow.click();
    await page.waitForFunction((alias) => [...document.querySelectorAll('.quick-input-list .monaco-list-row')].some((r) => r.textContent?.includes(alias) && (r.getAttribute('aria-checked') === 'true' || (r.querySelector('input[type=checkbox]') as HTMLInputElement | null)?.checked)), alias, { timeout: 10_000 });
    await page.keyboard.press('Enter');
    await widget.locator('.quick-input-title', { hasText: 'Backend' }).waitFor({ timeout: 20_000 });
    await widget.locator('input').first().fill('node');
    await widget.locator('.quick-input-list .monaco-list-row', { hasText: 'node' }).first().waitFor();
    await page.keyboard.press('Enter');
    await widget.locator('.quick-input-title', { hasText: 'Timed iterations' }).waitFor({ timeout: 20_000 });
    await widget.locator('input').first().fill(String(ITERATIONS));
    await page.keyboard.press('Enter');
  }

  it('the Devices view lists the configured host', async () => {
    await palette('Focus on Devices View', 'Devices');
    const item = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Devices' }) }).locator('.monaco-list-row', { hasText: ALIAS }).first();
    await item.waitFor({ timeout: 30_000 });
    assert.match((await item.textContent()) ?? '', /configured/);
    await shot(page, 'remote-devices-view');
  });

  it('Profile on Remote Device: SHA256 trust prompt, key recorded, panel shows progress and latencies, run saved', async () => {
    const fingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', path.join(env.dir, 'ssh_host_ed25519_key.pub')], { encoding: 'utf8' }).split(/\s+/)[1];
    assert.match(fingerprint, /^SHA256:/);
    const before = savedRuns(workspace);
    await startProfile();
    // The trust prompt (a modal dialog) shows the host key's SHA256 fingerprint.
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 180_000 }); // variants are built and counted before connecting
    const text = (await dialog.textContent()) ?? '';
    assert.ok(text.includes(fingerprint), `the trust prompt shows ${fingerprint}: ${text}`);
    assert.ok(text.includes(`[127.0.0.1]:${env.port}`) && text.includes(knownHosts), `names the host and where the key is recorded: ${text}`);
    await shot(page, 'remote-trust-prompt');
    const trust = dialog.locator('.monaco-button', { hasText: 'Trust and Connect' }).first();
    await trust.hover();
    await trust.click();
    await dialog.waitFor({ state: 'hidden', timeout: 10_000 });

    // The Orin panel: live progress for the host while it runs.
    const frame = await frameOf(page, 'remote');
    await frame.locator(`.host-progress[data-host="${ALIAS}"]`).waitFor({ timeout: 120_000 });
    const seen = new Set<string>();
    const end = Date.now() + 300_000;
    while (savedRuns(workspace).length === before.length) {
      if (Date.now() > end) throw new Error(`no run saved; code-server log:\n${log().slice(-3000)}`);
      const row = await frame.locator(`.host-progress[data-host="${ALIAS}"]`).first().textContent().catch(() => null);
      if (row) {
        if (seen.size === 0) await shot(page, 'remote-live');
        seen.add(row);
      }
      await page.waitForTimeout(200);
    }
    assert.ok([...seen].some((t) => /timed|warm|upload|probe|connect/i.test(t)), `live progress rows: ${[...seen].join(' | ')}`);

    // The trusted key was recorded (hashed) in the configured known_hosts.
    execFileSync('ssh-keygen', ['-F', `[127.0.0.1]:${env.port}`, '-f', knownHosts]); // exits non-zero when absent
    assert.match(readFileSync(knownHosts, 'utf8'), /^\|1\|/m, 'recorded hashed');

    // Results: the device card and one percentile row per variant with the timed count.
    const panel = await frameOf(page, 'remote');
    await panel.locator(`[data-device="${ALIAS}"]`).waitFor({ timeout: 60_000 });
    const card = (await panel.locator(`[data-device="${ALIAS}"]`).textContent()) ?? '';
    const model = readFileSync(path.join(fixtureDeviceRoot, 'proc', 'device-tree', 'model'), 'utf8').replace(/\0/g, '').trim();
    assert.ok(card.includes(model), `device card names ${model}: ${card}`);
    await panel.waitForFunction(() => document.querySelector('[data-figure="latency"]')?.getAttribute('data-rendered') === 'true', undefined, { timeout: 60_000 });
    const rows = await panel.evaluate(() => [...document.querySelectorAll('[data-table="percentiles"] tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    // The saved run names its variants; the panel shows one percentile row per variant.
    const added = savedRuns(workspace).filter((d) => !before.includes(d));
    assert.equal(added.length, 1);
    const saved = JSON.parse(readFileSync(path.join(workspace, '.dynapruner', 'runs', added[0], 'profile.json'), 'utf8')) as { host: { alias: string }; variants: { id: string; label: string; latencyMs: { n: number; p50: number } }[] };
    assert.equal(saved.host.alias, ALIAS);
    const rowOf = (id: string) => rows.find((r) => r[0] === ALIAS && r[1] === saved.variants.find((v) => v.id === id)?.label);
    for (const id of ['ckpt', 'dense']) {
      const r = rowOf(id);
      assert.ok(r, `a percentile row for ${id}: ${JSON.stringify(rows)}`);
      assert.equal(r[2], String(ITERATIONS), `${id}: every timed inference counted`);
      const [mean, p50, p90, p99] = r.slice(3, 7).map(Number);
      assert.ok(mean > 0 && p50 > 0 && p50 <= p90 && p90 <= p99, `${id}: latencies ${r.join(' ')}`);
    }
    const dense = saved.variants.find((v) => v.id === 'dense')!;
    assert.equal(rowOf('dense')![4], formatNumber(dense.latencyMs.p50, 4), 'the panel shows the saved p50');
    // The sparse variant ran on the device: its MACs and latency against clean dense, and per-layer rows.
    const sparse = saved.variants.find((v) => v.id === 'sparse');
    assert.ok(sparse && rowOf('sparse'), `the sparse variant was profiled: ${saved.variants.map((v) => v.id).join(', ')}`);
    const macs = await panel.evaluate(() => [...document.querySelectorAll('[data-table="macs"] tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    const sparseMacs = macs.find((r) => r[1] === sparse.label)!;
    // The sparse graph is built with the plan calibrated on this host: units it keeps dense run at full size, so
    // the MAC ratio follows the plan (all units dense: dense plus the mask generator, above 1x).
    const savedSparse = sparse as unknown as { effectiveMacs: { mean: number }; sparsePlan: { units: { form: string }[] } };
    const savedDense = dense as unknown as { effectiveMacs: { mean: number } };
    assert.ok(savedSparse.sparsePlan?.units.length > 0, 'the saved sparse variant records its plan');
    assert.equal(sparseMacs[3], `${(savedSparse.effectiveMacs.mean / savedDense.effectiveMacs.mean).toFixed(2)}x`, `sparse MACs vs clean dense: ${sparseMacs.join(' | ')}`);
    if (savedSparse.sparsePlan.units.every((u) => u.form === 'gathered')) assert.match(sparseMacs[3], /^0\.\d\dx$/, 'every unit gathered: fewer MACs than clean dense');
    assert.match(sparseMacs[4], /^\d+\.\d\dx$/, `sparse latency vs clean dense: ${sparseMacs.join(' | ')}`);
    assert.equal(sparseMacs[5], 'dense');
    await panel.locator('[data-table="layers"] tbody tr').first().waitFor({ timeout: 60_000 });
    const layerRows = await panel.evaluate(() => [...document.querySelectorAll('[data-table="layers"] tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    assert.ok(layerRows.some((r) => r[1] === sparse.label && !r[2].startsWith('other ops') && r[3] !== '0.0%'), 'per-layer rows of the sparse variant with their MAC share');
    await page.waitForTimeout(500);
    await shot(page, 'remote-results', true);
  });

  it('an encrypted key asks for its passphrase once; the next connection takes it from SecretStorage', async () => {
    /** Waits for one more saved run; returns the rows the passphrase box showed meanwhile. */
    const runOnce = async (expectPrompt: boolean) => {
      await env.restart(); // the pooled connection drops: the next run must authenticate again
      const before = savedRuns(workspace).length;
      await startProfile(ENCRYPTED_ALIAS);
      const widget = page.locator('.quick-input-widget');
      const title = widget.locator('.quick-input-title', { hasText: `Passphrase for ${env.encryptedKey}` });
      let prompted = false;
      const end = Date.now() + 300_000;
      while (savedRuns(workspace).length === before) {
        if (Date.now() > end) throw new Error(`no run saved; code-server log:\n${log().slice(-3000)}`);
        if (await title.isVisible()) {
          assert.ok(expectPrompt, 'asked for the passphrase although SecretStorage holds it');
          prompted = true;
          assert.equal(await widget.locator('input').first().getAttribute('type'), 'password', 'the passphrase box hides what is typed');
          await shot(page, 'remote-passphrase');
          await widget.locator('input').first().fill(env.passphrase);
          await page.keyboard.press('Enter');
        }
        await page.waitForTimeout(200);
      }
      assert.equal(prompted, expectPrompt, expectPrompt ? 'asked for the passphrase' : 'not asked again');
    };
    await runOnce(true);
    assert.match(env.log(), new RegExp(`Accepted publickey for ${env.user}`), 'authenticated with the key');
    await runOnce(false);
    // The passphrase is in no log the extension or VS Code wrote, nor in the settings.
    const grep = spawnSync('grep', ['-rlF', env.passphrase, path.join(userDir, 'logs'), path.join(workspace, '.vscode')], { encoding: 'utf8' });
    assert.equal(grep.status, 1, `passphrase found in logs or settings: ${grep.stdout}${grep.stderr}`);
  });

  it('a changed host key is refused with a visible error; nothing is authenticated, run or saved', async () => {
    // Drop the pooled connection (sshd restarts) and swap the recorded key for another one.
    await env.restart();
    const other = readFileSync(env.wrongKey + '.pub', 'utf8').trim().split(/\s+/);
    writeFileSync(knownHosts, `[127.0.0.1]:${env.port} ${other[0]} ${other[1]}\n`);
    const before = savedRuns(workspace);
    await startProfile();
    const toast = page.locator('.notification-toast', { hasText: 'CHANGED' }).first();
    await toast.waitFor({ timeout: 180_000 });
    const text = (await toast.textContent()) ?? '';
    assert.ok(text.includes(ALIAS) && text.includes(knownHosts), `the error names the host and the file: ${text}`);
    assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'no trust prompt for a changed key');
    const frame = await frameOf(page, 'remote');
    await frame.locator(`.host-progress.failed[data-host="${ALIAS}"]`).waitFor({ timeout: 30_000 });
    await shot(page, 'remote-changed-key');
    assert.deepEqual(savedRuns(workspace), before, 'nothing saved');
    assert.doesNotMatch(env.log(), /Accepted publickey|session opened|Starting session/i, 'no authentication after the key mismatch');
    assert.equal(readFileSync(knownHosts, 'utf8').trim().split('\n').length, 1, 'known_hosts left as it was');
  });
});
