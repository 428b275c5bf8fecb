/**
 * The remote-profiling controller, built like Studio: turns commands into the
 * Orin panel and jobs. A profile run is a JobRunner job (cancellable
 * notification, progress); results are saved as runs as each host finishes
 * and the panel shows them; the panel's Compare and Re-run are answered from
 * the run list on disk at the time of the request.
 */
import path from 'node:path';
import * as vscode from 'vscode';
import { resolveAlias, knownAliases, shippedRunner } from '../../core/remote/device/remoteEnvironment';
import { planProfile } from '../../core/remote/profile/profilePlan';
import { profileOnDevices, type ProfileEvent } from '../../core/remote/profile/profileRun';
import { LAYER_ROUNDS } from '../../core/remote/profile/profileDefaults';
import { SPARSE_PLAN_ROUNDS } from '../../core/remote/profile/sparsePlanSource';
import { listProfileRuns, saveProfileRun } from '../../core/runs/profileRunStore';
import { CancelledError } from '../../core/runtime/inferencePool';
import type { ProfileResult } from '../../core/schema/profileResult';
import type { SshConnectionPool } from '../../core/remote/ssh/connectionPool';
import { Commands } from '../../shared/ids';
import type { PanelRun, RemotePanelState } from '../../shared/remoteProtocol';
import { pickCheckpoint } from '../commands/pickCheckpoint';
import type { Job, JobRunner, ProgressFn } from '../jobs';
import type { Log } from '../log';
import type { PanelManager } from '../panels/panelManager';
import type { SavedRun } from '../runStore';
import { askHostEntry, describeDevice, testConnection } from './addDevice';
import type { DevicesProvider } from './devicesView';
import { progressOf, toPanelRun } from './panelModel';
import { askProfileRequest, requestOfSavedRun, type ProfileRequestSpec } from './profileRequest';
import type { RemotePanel, RemotePanelRequest } from './remotePanel';
import { addHostSetting, profileLayersSetting, profileVariantKinds, remoteSettings } from './remoteSettings';
import { profileLayerRows } from './panelLayers';
import { recordedSparsePlans } from './panelPlans';
import { RunCache } from './runCache';
import { vscodeConnectCallbacks } from './secretPrompts';
import { showErrorNotice } from '../errorNotice';

/** What the controller works with. */
export interface RemoteStudioDeps {
  context: vscode.ExtensionContext;
  panels: PanelManager;
  jobs: JobRunner;
  log: Log;
  devices: DevicesProvider;
  /** Connections stay open between runs; one that dropped is re-opened by the next run. */
  pool: SshConnectionPool;
}

/** One host's outcome of a run. */
type Settled = Awaited<ReturnType<typeof profileOnDevices>>[number];

/** True when a host failed because the run was cancelled (the engine's CancelledError, or anything after the job's abort). */
function isCancellation(error: Error, job: Job): boolean {
  return error instanceof CancelledError || job.controller.signal.aborted;
}

export class RemoteStudio {
  /** The requests of this session's runs, by run id (they keep explicit sample files). */
  private readonly requests = new Map<string, ProfileRequestSpec>();
  /** Runs by id as last listed (what the caches below compute from). */
  private readonly listed = new Map<string, ProfileResult>();
  /** Per-layer rows of the runs that profiled node by node, and the sparse plans their models record; once per run. */
  private readonly layerRows = new RunCache((id) => profileLayerRows(this.listed.get(id)!));
  private readonly plans = new RunCache((id) => recordedSparsePlans(this.listed.get(id)!));

  constructor(private readonly d: RemoteStudioDeps) {}

  private workspaceRoot(): string | undefined {
    return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  }

  /** The saved profile runs now (newest first). */
  async currentRuns(): Promise<ProfileResult[]> {
    const root = this.workspaceRoot();
    return root ? listProfileRuns(root) : [];
  }

  /** Opens (or reveals) the Orin panel showing `selected` (empty: the newest run). */
  async showPanel(selected: string[] = []): Promise<RemotePanel> {
    const { panel, created } = this.d.panels.openRemote();
    if (created) this.attach(panel);
    await this.sendRuns(panel, selected);
    return panel;
  }

  /** Takes over a panel restored after a reload (its serializer). */
  restore(panel: RemotePanel, state: RemotePanelState | null): void {
    this.attach(panel);
    void this.sendRuns(panel, state?.selected ?? []);
  }

  /** Re-reads the run list into the open panel (a run was saved or deleted), keeping its selection. */
  async refreshPanel(): Promise<void> {
    const panel = this.d.panels.remote;
    if (panel) await this.sendRuns(panel, panel.selected);
  }

  private attach(panel: RemotePanel): void {
    panel.onRequest((m) => void this.answer(panel, m).catch((e: unknown) => this.fail(e)));
  }

  private async sendRuns(panel: RemotePanel, selected: string[]): Promise<void> {
    const runs = await this.currentRuns();
    panel.showRuns(await this.panelRuns(runs), selected.filter((id) => runs.some((r) => r.id === id)));
  }

  /** The runs as the panel draws them, with per-layer rows where a run profiled node by node (a run whose mapping fails is shown without them). */
  private panelRuns(runs: ProfileResult[]): Promise<PanelRun[]> {
    for (const r of runs) this.listed.set(r.id, r);
    const orNothing = <T>(what: string, r: ProfileResult, p: Promise<T>) =>
      p.catch((e: unknown) => {
        this.d.log.warn(`remote: ${r.id}: no ${what} (${(e as Error).message})`);
        return undefined;
      });
    return Promise.all(runs.map(async (r) => toPanelRun(r, await orNothing('per-layer rows', r, this.layerRows.get(r.id)), await orNothing('sparse plan', r, this.plans.get(r.id)))));
  }

  /** Compare and Re-run, against the run list as it is now. */
  private async answer(panel: RemotePanel, m: RemotePanelRequest): Promise<void> {
    const runs = await this.currentRuns();
    if (m.type === 'compare') {
      panel.showRuns(await this.panelRuns(runs), m.runIds.filter((id) => runs.some((r) => r.id === id)));
      return;
    }
    const saved = runs.find((r) => r.id === m.runId);
    const req = this.requests.get(m.runId) ?? (saved ? requestOfSavedRun(saved) : undefined);
    if (!req) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Dyna-Pruner: the run {0} cannot be re-run (it was deleted, or its checkpoint moved).', m.runId));
      return;
    }
    await this.run(req);
  }

  /** Opens a saved profile run from the Runs view in the Orin panel. */
  async openSavedRun(arg: unknown): Promise<void> {
    const run = arg as SavedRun | undefined;
    if (!run?.record?.id) return;
    await this.showPanel([run.record.id]);
  }

  /** "Profile on Remote Device": checkpoint (the explorer's, the open one, or picked), devices, backend, iterations. */
  async profileCommand(arg: unknown): Promise<void> {
    const uri = await pickCheckpoint(arg, 'Checkpoint to profile');
    if (!uri) return;
    const aliases = await knownAliases(remoteSettings().hosts);
    if (aliases.length === 0) {
      const add = 'Add Device';
      const answer = await vscode.window.showWarningMessage(vscode.l10n.t('Dyna-Pruner: no devices yet. Add a Jetson, or a Host to ~/.ssh/config.'), add);
      if (answer === add) await vscode.commands.executeCommand(Commands.addDevice);
      return;
    }
    const req = await askProfileRequest(uri.fsPath, aliases);
    if (req) await this.run(req);
  }

  /** "Add Jetson...": guided input, connection test with the host-key prompt, probe; then the setting. */
  async addDeviceCommand(): Promise<void> {
    const entry = await askHostEntry();
    if (!entry) return;
    this.d.devices.setState(entry.alias, { text: 'connecting…', busy: true });
    const result = await this.d.jobs.run(`Testing the connection to ${entry.alias}`, (job) => testConnection(entry, this.d.context.secrets, this.d.log, job.controller.signal));
    if (result.outcome !== 'done') {
      this.d.devices.setState(entry.alias, { text: result.outcome === 'failed' ? result.error.message.slice(0, 80) : 'cancelled', error: true });
      if (result.outcome === 'failed') showErrorNotice(result.error, `Dyna-Pruner (${entry.alias})`);
      return;
    }
    await addHostSetting(entry);
    this.d.devices.setState(entry.alias, { text: describeDevice(result.value) });
    this.d.log.info(`remote: added ${entry.alias} (${describeDevice(result.value)}) to the user setting dynapruner.remote.hosts`);
    for (const m of result.value.missing) this.d.log.info(`remote: ${entry.alias} misses ${m.what}: ${m.install}`);
  }

  /** Profiles a request on its devices as one job; saves each host's result and shows them. */
  async run(req: ProfileRequestSpec): Promise<void> {
    const panel = await this.showPanel();
    for (const a of req.aliases) this.d.devices.setState(a, { text: 'profiling…', busy: true });
    const saved: string[] = [];
    const title = `Profiling ${path.basename(req.checkpoint)} on ${req.aliases.join(', ')}`;
    const result = await this.d.jobs.run(title, async (job, progress) => {
      const settled = await this.profile(req, job, progress);
      for (const s of settled) if (await this.settle(req, s, job)) saved.push(s.result!.id);
    });
    if (result.outcome === 'failed') {
      this.fail(result.error);
      for (const a of req.aliases) this.d.devices.setState(a, { text: result.error.message.slice(0, 80), error: true });
    }
    await this.sendRuns(panel, saved.length ? saved : panel.selected);
  }

  private async profile(req: ProfileRequestSpec, job: Job, progress: ProgressFn): Promise<Settled[]> {
    const cfg = remoteSettings();
    const hosts = await Promise.all(
      req.aliases.map(async (a) => {
        const h = await resolveAlias(a, cfg.hosts);
        if (cfg.workDir && !cfg.hosts.find((x) => x.alias === a)?.workDir) h.device.workDir = cfg.workDir;
        return h;
      }),
    );
    const signal = job.controller.signal;
    const kinds = profileVariantKinds();
    progress(0, `building variants (${kinds.join(', ')}) and counting MACs`);
    // The sparse variant's plan is calibrated on each host, through its backend (trtexec cannot run the sparse graph).
    const sparsePlan = req.backend === 'trtexec' ? { kind: 'none' as const } : { kind: 'calibrate' as const, rounds: SPARSE_PLAN_ROUNDS };
    const plan = await planProfile(req.checkpoint, { samples: req.samples, perSample: req.perSample, kinds, sparsePlan, signal });
    for (const s of plan.skipped) this.d.log.info(`remote: ${s.kind} not profiled: ${s.reason}`);
    const fractions = new Map<string, number>();
    return profileOnDevices(hosts, {
      connection: { knownHostsFiles: cfg.knownHostsFiles, connectTimeoutMs: cfg.connectTimeoutMs, ...vscodeConnectCallbacks(this.d.context.secrets, (l) => this.d.log.info(`remote: ${l}`), cfg.knownHostsFiles[0]) },
      checkpoint: req.checkpoint,
      variants: plan.variants,
      samples: { bytes: plan.samples.bytes, name: plan.samples.name },
      backend: req.backend,
      warmup: req.warmup,
      iterations: req.iterations,
      perSample: req.perSample,
      runnerScript: shippedRunner(req.backend, this.d.context.asAbsolutePath('dist')),
      reference: plan.reference,
      profileLayers: profileLayersSetting() && req.backend !== 'trtexec',
      layerRounds: LAYER_ROUNDS,
      pool: this.d.pool,
      signal,
      onEvent: (e, alias) => this.onEvent(e, alias, (fraction, text) => {
        if (fraction !== null) fractions.set(alias, fraction);
        const mean = [...fractions.values()].reduce((a, b) => a + b, 0) / req.aliases.length;
        progress(mean, `[${alias}] ${text}`);
      }),
    }, plan);
  }

  /** Forwards a run event to the panel, the Devices view and the job's progress. */
  private onEvent(e: ProfileEvent, alias: string, report: (fraction: number | null, text: string) => void): void {
    const panel = this.d.panels.remote;
    const row = progressOf(alias, e);
    if (row) {
      panel?.post({ type: 'progress', progress: row });
      this.d.devices.setState(alias, { text: row.text, busy: true });
      report(row.fraction, row.text);
    }
    if (e.kind === 'tegrastats') panel?.post({ type: 'live', alias, point: e.point });
  }

  /** Saves a host's result, or reports its error; true when saved. */
  private async settle(req: ProfileRequestSpec, s: Settled, job: Job): Promise<boolean> {
    const panel = this.d.panels.remote;
    if (s.error) {
      const cancelled = isCancellation(s.error, job);
      const text = cancelled ? 'cancelled' : s.error.message;
      panel?.post({ type: 'progress', progress: { alias: s.alias, text: text.slice(0, 200), fraction: null, state: 'failed' } });
      this.d.devices.setState(s.alias, { text: text.slice(0, 80), error: !cancelled });
      if (!cancelled) {
        this.d.log.error(`remote ${s.alias}: ${s.error.message}`);
        showErrorNotice(s.error, `Dyna-Pruner (${s.alias})`);
      }
      return false;
    }
    const r = s.result!;
    panel?.post({ type: 'progress', progress: { alias: s.alias, text: 'done', fraction: 1, state: 'done' } });
    this.d.devices.setState(s.alias, { text: `${r.device.model ?? 'device'} · ${r.variants[0].latencyMs.p50.toFixed(2)} ms p50` });
    this.requests.set(r.id, req);
    const root = this.workspaceRoot();
    if (!root) return false;
    this.d.log.info(`remote: saved ${await saveProfileRun(root, r, ['profile', req.checkpoint])}`);
    return true;
  }

  private fail(e: unknown): void {
    const error = e instanceof Error ? e : new Error(String(e));
    this.d.log.error(error);
    showErrorNotice(error);
  }
}

