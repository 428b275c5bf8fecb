/**
 * The Orin profiling panel's life in a real VS Code (code-server 4.100.3, the
 * packaged .vsix) with a real loopback OpenSSH sshd standing in for Jetsons:
 *  - the Devices view starts empty and offers "Add Jetson..."; the guided
 *    input, the SHA256 trust prompt and the probe end with the device listed;
 *  - a saved profile run (profiled over the same sshd before code-server
 *    starts) opens from the Runs view in the Orin panel;
 *  - the panel keeps its runs after switching tabs (state replay on `ready`);
 *  - a run saved while the panel is open joins its history, and Compare and
 *    Re-run act on it (the current run list, not the one the panel opened with);
 *  - after a window reload the panel comes back with its runs (serializer).
 * Screenshots: test-results/e2e/remote-state-*.png.
 */
import assert from 'node:assert/strict';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Frame, Page } from 'playwright-core';
import SSHConfig from 'ssh-config';
import { PROFILE_DEFAULTS } from '../../src/core/remote/profile/profileDefaults';
import { planProfile } from '../../src/core/remote/profile/profilePlan';
import { profileOnDevices } from '../../src/core/remote/profile/profileRun';
import { resolveHost, type HostSettings } from '../../src/core/remote/ssh/hostConfig';
import { saveProfileRun } from '../../src/core/runs/profileRunStore';
import type { ProfileResult } from '../../src/core/schema/profileResult';
import { Settings } from '../../src/shared/ids';
import { launchChromium } from '../browser/harness/browser';
import { ROOT } from '../browser/harness/realResults';
import { fixtureDeviceRoot, startSshd, type SshdTestEnv } from '../remote/helpers/sshdTestEnv';
import { buildNodeRunner } from '../remote/helpers/testModel';
import { openWorkbench, prepareCodeServer, reloadWindow, startCodeServer, webviewFrame } from './helpers/codeServer';
import { paletteRetried } from './helpers/remotePalette';

const CHECKPOINT = 'simvp_dynapruner.onnx';
/** The seeded runs: one saved before code-server starts, one while the panel is open. */
const FIRST = 'orin-first';
const LATER = 'orin-later';
/** The device added through "Add Jetson...". */
const ADDED = 'orin-added';
const RESULTS = path.join(ROOT, 'test-results', 'e2e');

/** Saved run ids under <workspace>/.dynapruner/runs. */
function savedRuns(workspace: string): string[] {
  const dir = path.join(workspace, '.dynapruner', 'runs');
  return existsSync(dir) ? readdirSync(dir).filter((d) => !d.startsWith('.')) : [];
}

/** A host entry for the loopback sshd with the fixture Jetson files and the local onnxruntime-node. */
function loopbackHost(alias: string, env: SshdTestEnv, workDir: string): HostSettings {
  return { alias, hostName: '127.0.0.1', port: env.port, user: env.user, identityFiles: [env.userKey], deviceRoot: fixtureDeviceRoot, workDir, ortModulePath: path.join(ROOT, 'node_modules', 'onnxruntime-node'), tegrastatsIntervalMs: 50 };
}

/** Profiles the workspace's checkpoint on both seeded hosts at once (a small run: 2 warm-up, 8 timed, 2 checked). */
async function profileSeeds(checkpoint: string, hosts: HostSettings[], env: SshdTestEnv): Promise<ProfileResult[]> {
  const runner = await buildNodeRunner();
  try {
    const plan = await planProfile(checkpoint, { perSample: 2 });
    const resolved = hosts.map((h) => resolveHost(h.alias, { sshConfig: SSHConfig.parse(''), hosts }));
    const settled = await profileOnDevices(resolved, {
      connection: { knownHostsFiles: [env.knownHostsFile], connectTimeoutMs: 10_000, agentSocket: '' },
      checkpoint,
      variants: plan.variants,
      samples: { bytes: plan.samples.bytes, name: plan.samples.name },
      backend: 'node',
      warmup: 2,
      iterations: 8,
      perSample: 2,
      runnerScript: runner,
      reference: plan.reference,
    });
    for (const s of settled) assert.ok(s.result, `${s.alias}: ${s.error?.message}`);
    return settled.map((s) => s.result!);
  } finally {
    rmSync(runner, { force: true });
  }
}

describe('Orin panel state in code-server over a loopback sshd', { timeout: 900_000 }, () => {
  let env: SshdTestEnv;
  let server: ChildProcess | null = null;
  let browser: Browser;
  let page: Page;
  let tmp: string;
  let workspace: string;
  let knownHosts: string;
  let seeds: HostSettings[];
  let first: ProfileResult;
  let later: ProfileResult;
  let log: () => string = () => '';

  const settingsFile = () => path.join(workspace, '.vscode', 'settings.json');
  const writeSettings = (hosts: HostSettings[] | null) =>
    writeFileSync(settingsFile(), JSON.stringify({ ...(hosts ? { [Settings.remoteHosts]: hosts } : {}), [Settings.remoteKnownHostsFile]: knownHosts, [Settings.remoteConnectTimeoutMs]: 10000 }, null, 2));

  before(async () => {
    env = await startSshd();
    const setup = prepareCodeServer('dynapruner-e2e-remote-state-');
    ({ tmp, workspace } = setup);
    seeds = [FIRST, LATER].map((a) => loopbackHost(a, env, path.join(tmp, 'device-work')));
    [first, later] = await profileSeeds(path.join(workspace, 'checkpoints', CHECKPOINT), seeds, env);
    await saveProfileRun(workspace, first, ['profile', CHECKPOINT]);
    // No hosts yet (the Devices view starts empty); host keys go to a file of the test's own, empty at first.
    knownHosts = path.join(tmp, 'known_hosts');
    writeFileSync(knownHosts, '');
    mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
    writeSettings(null);
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
  /** Answers the host-key trust prompt if it is shown (the key is unknown when the Add Jetson case did not record it). */
  async function trustIfAsked(): Promise<void> {
    const trust = page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Trust and Connect' }).first();
    if (await trust.isVisible()) await trust.click();
  }
  const shot = (name: string) => page.screenshot({ path: path.join(RESULTS, `remote-state-${name}.png`) });
  const orinFrame = (): Promise<Frame> => webviewFrame(page, 'remote', 60_000, 300);
  /** Waits until the Orin panel's device cards are exactly `aliases`; returns its frame. */
  async function cardsShown(aliases: string[], timeout = 60_000): Promise<Frame> {
    const end = Date.now() + timeout;
    for (;;) {
      const frame = await orinFrame();
      const shown = await frame.evaluate(() => [...document.querySelectorAll('[data-device]')].map((c) => (c as HTMLElement).dataset.device ?? '')).catch(() => null);
      if (shown && JSON.stringify(shown) === JSON.stringify(aliases)) return frame;
      if (Date.now() > end) throw new Error(`the Orin panel shows ${JSON.stringify(shown)}, expected ${JSON.stringify(aliases)}`);
      await page.waitForTimeout(300);
    }
  }
  /** Waits until the panel's latency histogram is drawn (the figures came back too, not only the cards). */
  const latencyDrawn = (frame: Frame) => frame.waitForFunction(() => document.querySelector('[data-figure="latency"]')?.getAttribute('data-rendered') === 'true', undefined, { timeout: 60_000 });
  const historyIds = (frame: Frame) => frame.evaluate(() => [...document.querySelectorAll('.run[data-run]')].map((r) => (r as HTMLElement).dataset.run ?? ''));

  it('the package.json setting defaults are the profile defaults the CLI and the panel use', () => {
    const props = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, { default: unknown }> } } }).contributes.configuration.properties;
    assert.deepEqual(
      { backend: props[Settings.profileBackend].default, warmup: props[Settings.profileWarmup].default, iterations: props[Settings.profileIterations].default, perSample: props[Settings.profilePerSample].default },
      { ...PROFILE_DEFAULTS },
    );
  });

  it('the empty Devices view offers Add Jetson...; the guided input, trust prompt and probe end with the device listed', async () => {
    await palette('Focus on Devices View', 'Devices');
    const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Devices' }) });
    const add = pane.locator('.welcome-view-content .monaco-button', { hasText: 'Add Jetson...' });
    await add.waitFor({ timeout: 30_000 });
    await shot('devices-welcome');
    await add.click();
    const widget = page.locator('.quick-input-widget');
    for (const [title, value] of [['Host', '127.0.0.1'], ['User', env.user], ['Port', String(env.port)], ['Key file', env.userKey], ['Name', ADDED]] as const) {
      await widget.locator('.quick-input-title', { hasText: `: ${title}` }).waitFor({ timeout: 20_000 });
      await widget.locator('input').first().fill(value);
      await page.keyboard.press('Enter');
    }
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 60_000 });
    const fingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', path.join(env.dir, 'ssh_host_ed25519_key.pub')], { encoding: 'utf8' }).split(/\s+/)[1];
    assert.ok(((await dialog.textContent()) ?? '').includes(fingerprint), 'the trust prompt shows the SHA256 fingerprint');
    await dialog.locator('.monaco-button', { hasText: 'Trust and Connect' }).first().click();
    // The probe ran (this machine is not a Jetson: its kernel is named) and the device is listed.
    const row = pane.locator('.monaco-list-row', { hasText: ADDED }).first();
    await row.waitFor({ timeout: 60_000 });
    await page.waitForFunction((alias) => [...document.querySelectorAll('.monaco-list-row')].some((r) => r.textContent?.includes(alias) && /not a Jetson|L4T/.test(r.textContent)), ADDED, { timeout: 60_000 });
    await shot('device-added');
    const user = JSON.parse(readFileSync(path.join(tmp, 'user', 'User', 'settings.json'), 'utf8')) as Record<string, HostSettings[]>;
    assert.deepEqual(user[Settings.remoteHosts], [{ alias: ADDED, hostName: '127.0.0.1', user: env.user, port: env.port, identityFiles: [env.userKey] }], 'written to the user setting');
    execFileSync('ssh-keygen', ['-F', `[127.0.0.1]:${env.port}`, '-f', knownHosts]); // the trusted key was recorded
  });

  it('a profile run opens from the Runs view in the Orin panel', async () => {
    writeSettings(seeds); // the seeded hosts, for the Re-run below
    await palette('Focus on Runs View', 'Runs');
    const runRow = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Runs' }) }).locator('.monaco-list-row', { hasText: `${CHECKPOINT} · profile` }).first();
    await runRow.waitFor({ timeout: 30_000 });
    await runRow.click();
    const frame = await cardsShown([FIRST]);
    assert.deepEqual(await historyIds(frame), [first.id]);
    await shot('opened-from-runs');
  });

  it('keeps its runs after switching to another tab and back', async () => {
    await palette('File: New Untitled Text File', 'New Untitled Text File');
    await page.waitForFunction(() => !!document.querySelector('.tab.active')?.textContent?.includes('Untitled'), undefined, { timeout: 20_000 });
    await page.waitForTimeout(1000); // the hidden panel's webview is discarded (retainContextWhenHidden is off)
    await page.locator('.tab', { hasText: 'Orin Profiling' }).first().click();
    await latencyDrawn(await cardsShown([FIRST]));
    await shot('tab-back');
  });

  it('a run saved while the panel is open joins its history; Compare and Re-run act on it', async () => {
    const before = savedRuns(workspace).length;
    await saveProfileRun(workspace, later, ['profile', CHECKPOINT]);
    const frame = await orinFrame();
    await frame.waitForFunction((id) => !!document.querySelector(`.run[data-run="${id}"]`), later.id, { timeout: 30_000 });
    assert.deepEqual((await historyIds(frame)).sort(), [first.id, later.id].sort());
    await frame.locator(`input[data-id="${first.id}"]`).uncheck();
    await frame.locator(`input[data-id="${later.id}"]`).check();
    await frame.locator('button', { hasText: 'Compare selected' }).click();
    await cardsShown([LATER]);
    await shot('compared');
    // Re-run of the run that arrived after the panel opened: profiled again on its host and saved.
    await (await orinFrame()).locator(`.run[data-run="${later.id}"] button`, { hasText: 'Re-run' }).click();
    const end = Date.now() + 300_000;
    while (savedRuns(workspace).length === before + 1) {
      if (Date.now() > end) {
        await shot('rerun-timeout');
        throw new Error(`the Re-run saved no run; code-server log:\n${log().slice(-3000)}`);
      }
      await trustIfAsked();
      await page.waitForTimeout(500);
    }
    const added = savedRuns(workspace).filter((d) => d !== first.id && d !== later.id);
    assert.equal(added.length, 1);
    const rerun = JSON.parse(readFileSync(path.join(workspace, '.dynapruner', 'runs', added[0], 'profile.json'), 'utf8')) as ProfileResult;
    assert.equal(rerun.host.alias, LATER);
    assert.deepEqual(rerun.settings.iterations, later.settings.iterations, 'the Re-run repeats the run it came from');
    const shown = await cardsShown([LATER]);
    await shown.waitForFunction((id) => !!document.querySelector(`.run[data-run="${id}"]`), rerun.id, { timeout: 30_000 });
    await shot('rerun');
  });

  it('comes back after a window reload with the runs it showed', async () => {
    const shownBefore = await historyIds(await orinFrame());
    await reloadWindow(page, () => palette('Developer: Reload Window', 'Reload Window'));
    const frame = await cardsShown([LATER], 120_000);
    assert.deepEqual((await historyIds(frame)).sort(), [...shownBefore].sort());
    await latencyDrawn(frame);
    await shot('after-reload');
  });
});
