/**
 * Entry of the remote-profiling part: `registerRemote(context, log)` registers
 * `dynapruner.profileOnRemoteDevice`, fills the Devices view and owns the Orin
 * profiling panel. Call it from activate().
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { SshConnectionPool } from '../../core/remote/ssh/connectionPool';
import { openCheckpoint } from '../../core/checkpoint/checkpoint';
import { planProfile } from '../../core/remote/profile/profilePlan';
import { profileSamples } from '../../core/remote/profile/profileSamples';
import { profileOnDevices } from '../../core/remote/profile/profileRun';
import type { ProfileBackend, ProfileResult } from '../../core/schema/profileResult';
import { defaultKnownHostsFiles, knownAliases, resolveAlias, shippedRunner, validateHostSettings } from '../../core/remote/device/remoteEnvironment';
import { listProfileRuns, saveProfileRun } from '../../core/runs/profileRunStore';
import type { HostSettings } from '../../core/remote/ssh/hostConfig';
import { DevicesProvider } from './devicesView';
import { progressOf } from './panelModel';
import { RemotePanel } from './remotePanel';
import { vscodeConnectCallbacks } from './secretPrompts';

/** The logging surface the extension hands over (its Log, or anything with info/error). */
export interface RemoteLog {
  info(message: string): void;
  error(message: string | Error): void;
}

const COMMAND = 'dynapruner.profileOnRemoteDevice';
const VIEW = 'dynapruner.devices';

function settings(): { hosts: HostSettings[]; connectTimeoutMs: number; workDir: string | undefined; knownHostsFiles: string[] } {
  const c = vscode.workspace.getConfiguration('dynapruner.remote');
  const knownHostsFile = c.get<string>('knownHostsFile');
  return {
    hosts: validateHostSettings(c.get('hosts')),
    connectTimeoutMs: c.get<number>('connectTimeoutMs') ?? 10000,
    workDir: c.get<string>('workDir') || undefined,
    // An explicit file is the only one read and written; empty: ~/.ssh/known_hosts and the system file.
    knownHostsFiles: knownHostsFile ? [expandHome(knownHostsFile)] : defaultKnownHostsFiles(),
  };
}

function expandHome(file: string): string {
  return file === '~' || file.startsWith('~/') ? path.join(os.homedir(), file.slice(1)) : file;
}

/** A profile request as the panel's re-run needs it. */
interface LastRequest {
  checkpoint: string;
  /** Explicit inputs; absent: <checkpoint>.inputs.npy or the contract's data set. */
  samples?: string;
  aliases: string[];
  backend: ProfileBackend;
  iterations: number;
}

/** Registers the command, the Devices view and the panel; dispose to undo. */
export function registerRemote(context: vscode.ExtensionContext, log: RemoteLog): vscode.Disposable {
  const hostsSafe = () => {
    try {
      return settings().hosts;
    } catch (error) {
      log.error(error as Error);
      return [];
    }
  };
  const devices = new DevicesProvider(hostsSafe);
  const workspaceRoot = () => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const requests = new Map<string, LastRequest>();
  // Connections stay open between runs; one that dropped is re-opened by the next run.
  const pool = new SshConnectionPool();

  const openPanel = async (selected: string[] = []) => {
    const root = workspaceRoot();
    const runs = root ? await listProfileRuns(root) : [];
    const panel = RemotePanel.show(context.extensionUri, (m) => {
      if (m.type === 'rerun') {
        const req = requests.get(m.runId) ?? fromSaved(runs.find((r) => r.id === m.runId));
        if (req) {
          run(req).catch((error: Error) => {
            log.error(error);
            void vscode.window.showErrorMessage(`Dyna-Pruner: ${error.message}`);
          });
        }
        else void vscode.window.showWarningMessage('Dyna-Pruner: that run cannot be re-run (its checkpoint or samples moved).');
      } else if (m.type === 'compare') {
        panel.showRuns(runs, m.runIds);
      }
    });
    panel.showRuns(runs, selected);
    return panel;
  };

  const fromSaved = (r: ProfileResult | undefined): LastRequest | undefined => {
    if (!r) return undefined;
    if (!existsSync(r.checkpoint.path)) return undefined;
    return { checkpoint: r.checkpoint.path, aliases: [r.host.alias], backend: r.backend, iterations: r.settings.iterations };
  };

  const run = async (req: LastRequest) => {
    const cfg = settings();
    const hosts = await Promise.all(req.aliases.map(async (a) => {
      const h = await resolveAlias(a, cfg.hosts);
      if (cfg.workDir && !cfg.hosts.find((x) => x.alias === a)?.workDir) h.device.workDir = cfg.workDir;
      return h;
    }));
    const panel = await openPanel();
    for (const a of req.aliases) devices.setState(a, { text: 'profiling…', busy: true });
    const perSample = 8;
    const results = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Profiling ${path.basename(req.checkpoint)} on ${req.aliases.join(', ')}`, cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort(new Error('cancelled')));
        progress.report({ message: 'building variants (dense mode, static L1) and counting MACs' });
        const plan = await planProfile(req.checkpoint, { samples: req.samples, perSample, signal: controller.signal });
        for (const s of plan.skipped) log.info(`remote: ${s.kind} not profiled: ${s.reason}`);
        const fractions = new Map<string, number>();
        let reported = 0;
        return profileOnDevices(hosts, {
          connection: { knownHostsFiles: cfg.knownHostsFiles, connectTimeoutMs: cfg.connectTimeoutMs, ...vscodeConnectCallbacks(context.secrets, (l) => log.info(`remote: ${l}`), cfg.knownHostsFiles[0]) },
          checkpoint: req.checkpoint,
          variants: plan.variants,
          samples: { bytes: plan.samples.bytes, name: plan.samples.name },
          backend: req.backend,
          warmup: 10,
          iterations: req.iterations,
          perSample,
          runnerScript: shippedRunner(req.backend, context.asAbsolutePath('dist')),
          reference: plan.reference,
          pool,
          signal: controller.signal,
          onEvent: (e, alias) => {
            const row = progressOf(alias, e);
            if (row) {
              panel.post({ type: 'progress', progress: row });
              devices.setState(alias, { text: row.text, busy: true });
            }
            if (e.kind === 'progress') {
              fractions.set(alias, e.progress.fraction);
              const mean = [...fractions.values()].reduce((a, b) => a + b, 0) / req.aliases.length;
              progress.report({ message: `[${alias}] ${row!.text}`, increment: Math.max(0, mean * 100 - reported) });
              reported = Math.max(reported, mean * 100);
            } else if (e.kind === 'stage') {
              progress.report({ message: `[${alias}] ${e.message}` });
            }
            if (e.kind === 'tegrastats') panel.post({ type: 'live', alias, point: e.point });
          },
        });
      },
    );
    const root = workspaceRoot();
    for (const s of results) {
      if (s.error) {
        panel.post({ type: 'progress', progress: { alias: s.alias, text: s.error.message.slice(0, 200), fraction: null, state: 'failed' } });
        devices.setState(s.alias, { text: s.error.message.slice(0, 80), error: true });
        log.error(`remote ${s.alias}: ${s.error.message}`);
        if (!/cancel/i.test(s.error.message)) void vscode.window.showErrorMessage(`Dyna-Pruner (${s.alias}): ${s.error.message}`);
        continue;
      }
      const r = s.result!;
      panel.post({ type: 'progress', progress: { alias: s.alias, text: 'done', fraction: 1, state: 'done' } });
      devices.setState(s.alias, { text: `${r.device.model ?? 'device'} · ${r.variants[0].latencyMs.p50.toFixed(2)} ms p50` });
      requests.set(r.id, req);
      if (root) log.info(`remote: saved ${await saveProfileRun(root, r, ['profile', req.checkpoint])}`);
    }
    await openPanel(results.filter((s) => s.result).map((s) => s.result!.id));
  };

  const command = vscode.commands.registerCommand(COMMAND, async (uri?: vscode.Uri) => {
    try {
      const checkpoint =
        uri?.fsPath ??
        (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { ONNX: ['onnx'] }, title: 'Checkpoint to profile' }))?.[0]?.fsPath;
      if (!checkpoint) return;
      const aliases = await knownAliases(settings().hosts);
      if (aliases.length === 0) {
        void vscode.window.showWarningMessage('Dyna-Pruner: no devices. Add a Host to ~/.ssh/config or an entry to the setting dynapruner.remote.hosts.');
        return;
      }
      const picked = await vscode.window.showQuickPick(aliases, { canPickMany: true, title: 'Devices to profile on (several run at once)' });
      if (!picked?.length) return;
      const backend = (await vscode.window.showQuickPick(['node', 'ort', 'trtexec'], { title: 'Backend: onnxruntime-node, Python onnxruntime, or TensorRT trtexec' })) as ProfileBackend | undefined;
      if (!backend) return;
      const iterText = await vscode.window.showInputBox({ title: 'Timed iterations', value: '100', validateInput: (v) => (/^[1-9]\d*$/.test(v) ? undefined : 'a positive integer') });
      if (!iterText) return;
      // Samples: <checkpoint>.inputs.npy, else the contract's data set; else ask.
      let samples: string | undefined;
      try {
        await profileSamples(checkpoint, await openCheckpoint(checkpoint).catch(() => null), { maxSamples: 1 });
      } catch {
        const chosen = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { NumPy: ['npy'] }, title: 'Float32 inputs [S, T_in, C, H, W]' });
        if (!chosen?.[0]) return;
        samples = chosen[0].fsPath;
      }
      await run({ checkpoint, samples, aliases: picked, backend, iterations: Number(iterText) });
    } catch (error) {
      log.error(error as Error);
      void vscode.window.showErrorMessage(`Dyna-Pruner: ${(error as Error).message}`);
    }
  });
  const tree = vscode.window.createTreeView(VIEW, { treeDataProvider: devices });
  const configWatch = vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('dynapruner.remote') && devices.refresh());
  log.info('remote profiling: registered');
  return vscode.Disposable.from(command, tree, configWatch, { dispose: () => pool.dispose() });
}
